"""Awkward but valid data: fits converge and every prediction is finite and in range."""

import datetime

import numpy as np
import polars as pl
import pytest
from clv_data import cdnow_arrays, simulate_bgnbd

from assets.clv.errors import CLVDataError
from assets.clv.models import (
    ModelFit,
    expected_purchases,
    expected_purchases_new_customer,
    fit_bgnbd,
    fit_pareto_nbd,
    fit_purchase_model,
    p_alive,
)
from assets.clv.pareto_nbd import NAMES
from assets.clv.summary import customer_summary

MODELS = [fit_bgnbd, fit_pareto_nbd]


def assert_usable(fit: ModelFit, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray) -> None:
    assert fit.converged
    assert all(np.isfinite(v) and v > 0 for v in fit.params.values())
    assert np.isfinite(fit.log_likelihood)
    alive = p_alive(fit, x, t_x, big_t)
    assert np.all((alive >= 0) & (alive <= 1))
    horizon = 2 * float(big_t.max())
    future = expected_purchases(fit, horizon, x, t_x, big_t)
    assert np.all(np.isfinite(future) & (future >= 0))
    assert np.all(np.isfinite(expected_purchases_new_customer(fit, [0.0, horizon])))


def one_repeat_buyer() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """200 customers observed for 30 periods; only one bought again."""
    x, t_x, big_t = np.zeros(200), np.zeros(200), np.full(200, 30.0)
    x[0], t_x[0] = 1, 5.0
    return x, t_x, big_t


@pytest.mark.parametrize(("fitter", "open_parameters"), [(fit_bgnbd, ["a", "b"]), (fit_pareto_nbd, list(NAMES))])
def test_every_customer_bought_once_but_one(fitter, open_parameters):
    x, t_x, big_t = one_repeat_buyer()
    fit = fitter(x, t_x, big_t)
    assert_usable(fit, x, t_x, big_t)
    # the data say repeat purchases are rare: the model expects few
    assert expected_purchases(fit, 30.0, x, t_x, big_t).sum() < 5
    # but one repeat purchase cannot pin down four parameters: the ones the data leave open (for
    # Pareto/NBD the ridge where s and beta grow together, dragging r and alpha) say so with an
    # infinite standard error instead of a number that only reflects rounding
    assert fit.unidentified == open_parameters
    assert all(np.isinf(fit.std_errors[name]) for name in open_parameters)


def test_auto_prefers_the_model_that_leaves_fewer_parameters_open():
    # Pareto/NBD has the higher likelihood on this data, but every one of its parameters is open
    fit = fit_purchase_model(*one_repeat_buyer())
    assert fit.model == "bgnbd"


@pytest.mark.parametrize("fitter", MODELS)
def test_one_customer_with_hundreds_of_purchases(fitter):
    x, t_x, big_t, _ = cdnow_arrays()
    x[0], t_x[0] = 400, 38.5
    fit = fitter(x, t_x, big_t)
    assert_usable(fit, x, t_x, big_t)
    assert expected_purchases(fit, 39.0, x[:1], t_x[:1], big_t[:1])[0] > 100


@pytest.mark.parametrize("fitter", [*MODELS, fit_purchase_model])
def test_a_single_day_of_history_has_no_repeat_buyers_and_says_so(fitter):
    # one calendar day: several orders a day are one purchase occasion, so nobody has repeated yet
    day = datetime.datetime(2024, 3, 1)
    orders = pl.DataFrame(
        {
            "customer_id": [f"c{i % 40}" for i in range(100)],
            "ordered_at": [day + datetime.timedelta(minutes=7 * i) for i in range(100)],
            "amount": [10.0] * 100,
        }
    )
    summary = customer_summary(orders, calibration_end=day.date(), time_unit="weeks")
    assert summary.height == 40 and (summary["T"] == 0).all() and (summary["frequency"] == 0).all()
    with pytest.raises(CLVDataError, match="no repeat buyers among 40 customers"):
        fitter(*(summary[c].to_numpy() for c in ("frequency", "recency", "T")))


@pytest.mark.parametrize("fitter", MODELS)
def test_two_days_of_history(fitter):
    # weeks, two calendar days: customers are 0 or 1 day old and repeat buyers bought on both days
    rng = np.random.default_rng(2)
    big_t = rng.choice([0.0, 1 / 7], 500)
    x = ((big_t > 0) & (rng.random(500) < 0.3)).astype(np.float64)
    t_x = np.where(x > 0, 1 / 7, 0.0)
    assert_usable(fitter(x, t_x, big_t), x, t_x, big_t)


@pytest.mark.parametrize("fitter", MODELS)
def test_time_scale_moves_only_the_scale_parameters(fitter):
    # T in thousandths of a week: the same customers, the scale parameters shrink by 1000
    x, t_x, big_t, _ = cdnow_arrays()
    weeks = fitter(x, t_x, big_t)
    tiny = fitter(x, t_x / 1000, big_t / 1000)
    assert_usable(tiny, x, t_x / 1000, big_t / 1000)
    for name, value in weeks.params.items():
        scale = 1000 if name in ("alpha", "beta") else 1
        assert tiny.params[name] * scale == pytest.approx(value, rel=1e-3), name
    # the densities of the times gain a factor 1000 per purchase time observed
    assert tiny.log_likelihood - weeks.log_likelihood == pytest.approx(x.sum() * np.log(1000), rel=1e-6)


def test_bgnbd_on_many_identical_customers_is_exact():
    # weighting distinct rows gives the same fit as listing every customer
    x, t_x, big_t = simulate_bgnbd(np.random.default_rng(6), 300, 0.3, 3.0, 0.8, 2.0, max_t=20.0)
    once = fit_bgnbd(x, t_x, big_t)
    tripled = fit_bgnbd(np.tile(x, 3), np.tile(t_x, 3), np.tile(big_t, 3))
    assert tripled.log_likelihood == pytest.approx(3 * once.log_likelihood, rel=1e-9)
    assert tripled.params == pytest.approx(once.params, rel=1e-5)
    assert tripled.n_customers == 900
