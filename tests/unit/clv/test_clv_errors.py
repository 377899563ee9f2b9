"""Data that cannot support a fit fails with CLVDataError saying why, never a scipy traceback or NaN."""

import numpy as np
import pytest
from clv_data import simulate_bgnbd, simulate_spend

from assets.clv.errors import CLVDataError
from assets.clv.models import fit_bgnbd, fit_gamma_gamma, fit_pareto_nbd, fit_purchase_model, p_alive
from assets.clv.validation import MIN_CUSTOMERS

GOOD_X, GOOD_TX, GOOD_T = simulate_bgnbd(np.random.default_rng(3), 200, 0.25, 4.0, 0.8, 2.5, max_t=40.0)
FITTERS = [fit_bgnbd, fit_pareto_nbd, fit_purchase_model]


def with_row_0(column: np.ndarray, value: float) -> np.ndarray:
    changed = column.copy()
    changed[0] = value
    return changed


@pytest.mark.parametrize("fitter", FITTERS)
@pytest.mark.parametrize(
    ("frequency", "recency", "T", "reason"),
    [
        (GOOD_X[:9], GOOD_TX[:9], GOOD_T[:9], "only 9 customers"),
        (np.zeros(50), np.zeros(50), np.full(50, 10.0), "no repeat buyers among 50 customers"),
        (with_row_0(GOOD_X, np.nan), GOOD_TX, GOOD_T, "frequency are NaN or infinite"),
        (GOOD_X, GOOD_TX, with_row_0(GOOD_T, np.inf), "T are NaN or infinite"),
        (with_row_0(GOOD_X, -1), GOOD_TX, GOOD_T, "frequency are negative"),
        (GOOD_X, with_row_0(GOOD_TX, -0.5), GOOD_T, "recency are negative"),
        (GOOD_X, np.where(GOOD_X > 0, GOOD_T + 1, 0.0), GOOD_T, "recency exceed T"),
        (with_row_0(GOOD_X, 1.5), GOOD_TX, GOOD_T, "not whole numbers"),
        (np.zeros(200), np.full(200, 3.0), GOOD_T + 3, "not 0 although frequency is 0"),
        (GOOD_X, GOOD_TX[:-1], GOOD_T, "one value per customer"),
    ],
    ids=[
        "too-few", "no-repeat-buyers", "nan", "inf", "negative-frequency", "negative-recency",
        "recency-after-T", "fractional-frequency", "recency-without-repeats", "lengths",
    ],
)  # fmt: skip
def test_purchase_models_refuse_unusable_data(fitter, frequency, recency, T, reason):
    with pytest.raises(CLVDataError, match=reason):
        fitter(frequency, recency, T)


def test_threshold_is_documented_and_ten():
    assert MIN_CUSTOMERS == 10


def test_the_row_is_named():
    with pytest.raises(CLVDataError, match="first at row 0"):
        fit_bgnbd(with_row_0(GOOD_X, np.nan), GOOD_TX, GOOD_T)


def test_predictions_check_their_inputs_too():
    from assets.clv.mle import ModelFit

    fit = ModelFit("bgnbd", {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}, {}, 0.0, 0, True)
    with pytest.raises(CLVDataError, match="recency exceed T"):
        p_alive(fit, [1], [5.0], [4.0])


SPEND = simulate_spend(np.random.default_rng(4), GOOD_X, 6.0, 4.0, 15.0)


@pytest.mark.parametrize(
    ("frequency", "monetary_value", "reason"),
    [
        (np.zeros(100), np.zeros(100), "no repeat buyers among 100 customers"),
        (GOOD_X, np.zeros(len(GOOD_X)), r"repeat buyers have zero spend"),
        (GOOD_X, np.where(GOOD_X > 0, -SPEND, 0.0), "monetary_value are negative"),
        (GOOD_X, with_row_0(SPEND, np.nan), "monetary_value are NaN"),
        (GOOD_X, np.where(np.cumsum(GOOD_X > 0) <= 5, SPEND, 0.0), "only 5 repeat buyers with positive spend"),
        (GOOD_X, SPEND[:-1], "one value per customer"),
    ],
    ids=["no-repeat-buyers", "all-zero-spend", "negative", "nan", "too-few", "lengths"],
)
def test_gamma_gamma_refuses_unusable_spend(frequency, monetary_value, reason):
    with pytest.raises(CLVDataError, match=reason):
        fit_gamma_gamma(frequency, monetary_value)


def test_gamma_gamma_refuses_spend_with_infinite_mean():
    x = np.random.default_rng(8).integers(1, 6, 3000).astype(np.float64)
    heavy = simulate_spend(np.random.default_rng(9), x, 3.0, 0.6, 15.0)  # q < 1: E[spend] is infinite
    with pytest.raises(CLVDataError, match="mean spend is infinite"):
        fit_gamma_gamma(x, heavy)


def test_auto_reports_both_reasons_when_both_models_fail(monkeypatch):
    from assets.clv import models

    def refuse(*_):
        raise CLVDataError("cannot")

    monkeypatch.setitem(models._FITTERS, "bgnbd", refuse)
    monkeypatch.setitem(models._FITTERS, "pareto_nbd", refuse)
    with pytest.raises(CLVDataError, match="bgnbd: cannot; pareto_nbd: cannot"):
        fit_purchase_model(GOOD_X, GOOD_TX, GOOD_T)
