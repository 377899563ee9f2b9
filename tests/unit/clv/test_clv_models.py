"""fit_purchase_model's choice and fallbacks, and the prediction dispatch."""

import dataclasses

import numpy as np
import pytest
from clv_data import cdnow_arrays

from assets.clv import models
from assets.clv.errors import CLVDataError
from assets.clv.models import ModelFit, expected_average_spend, fit_purchase_model, p_alive

X, T_X, T, _ = cdnow_arrays()


def test_auto_keeps_the_higher_likelihood_on_cdnow():
    fit = fit_purchase_model(X, T_X, T)
    assert fit.model == "bgnbd"  # -9582.4 against Pareto/NBD's -9595.0
    assert fit_purchase_model(X, T_X, T, model="pareto_nbd").model == "pareto_nbd"


def test_auto_keeps_the_model_that_fits_when_the_other_fails(monkeypatch):
    def refuse(*_):
        raise CLVDataError("cannot")

    monkeypatch.setitem(models._FITTERS, "bgnbd", refuse)
    assert fit_purchase_model(X, T_X, T).model == "pareto_nbd"


def test_auto_prefers_a_converged_fit_to_a_higher_unconverged_one(monkeypatch):
    fit_bgnbd = models._FITTERS["bgnbd"]

    def unconverged(*args):
        return dataclasses.replace(fit_bgnbd(*args), converged=False, log_likelihood=0.0)

    monkeypatch.setitem(models._FITTERS, "bgnbd", unconverged)
    assert fit_purchase_model(X, T_X, T).model == "pareto_nbd"


def test_unknown_model_and_wrong_fit_kind_are_rejected():
    with pytest.raises(ValueError, match="unknown purchase model"):
        fit_purchase_model(X, T_X, T, model="nbd")  # type: ignore[arg-type]
    spend = ModelFit("gamma_gamma", {"p": 6.0, "q": 4.0, "gamma": 15.0}, {}, 0.0, 0, True)
    with pytest.raises(ValueError, match="needs a bgnbd or pareto_nbd fit"):
        p_alive(spend, X, T_X, T)
    purchase = ModelFit("bgnbd", {"r": 0.2, "alpha": 4.0, "a": 0.8, "b": 2.4}, {}, 0.0, 0, True)
    with pytest.raises(ValueError, match="needs a gamma_gamma fit"):
        expected_average_spend(purchase, X, np.zeros_like(X))


def test_spend_of_customers_without_repeats_is_the_population_mean():
    fit = ModelFit("gamma_gamma", {"p": 6.0, "q": 4.0, "gamma": 15.0}, {}, 0.0, 0, True)
    assert expected_average_spend(fit, [0, 0], [0.0, 99.0]) == pytest.approx([30.0, 30.0])
    # more repeat purchases pull the estimate further toward the customer's own mean
    assert expected_average_spend(fit, [1, 10, 1000], [50.0] * 3) == pytest.approx(
        [6 * (15 + 50) / 9, 6 * (15 + 500) / 63, 6 * (15 + 50000) / 6003]
    )
