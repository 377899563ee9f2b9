"""customer_lifetime_value: the horizon, the monthly discounting and the spend fallback."""

import numpy as np
import pytest

from assets.clv.models import ModelFit, expected_average_spend, expected_purchases
from assets.clv.value import customer_lifetime_value

BGNBD = ModelFit("bgnbd", {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}, {}, 0.0, 0, True)
PARETO = ModelFit("pareto_nbd", {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}, {}, 0.0, 0, True)
SPEND = ModelFit("gamma_gamma", {"p": 6.25, "q": 3.74, "gamma": 15.44}, {}, 0.0, 0, True)
X = np.array([0, 1, 2, 5, 30])
T_X = np.array([0.0, 1.7, 30.4, 35.0, 38.0])
T = np.array([38.9, 38.9, 38.9, 38.9, 38.9])
SPENT = np.array([0.0, 11.8, 22.3, 40.0, 15.0])
MONTH_WEEKS = 365.25 / 12 / 7


@pytest.mark.parametrize("purchase_fit", [BGNBD, PARETO], ids=["bgnbd", "pareto_nbd"])
def test_clv_is_the_monthly_discounted_sum(purchase_fit):
    value = customer_lifetime_value(
        purchase_fit, SPEND, X, T_X, T, SPENT, time_unit="weeks", horizon_months=3, monthly_discount_rate=0.05
    )
    cumulative = [np.zeros(5)] + [expected_purchases(purchase_fit, m * MONTH_WEEKS, X, T_X, T) for m in (1, 2, 3)]
    spend = expected_average_spend(SPEND, X, SPENT)
    by_hand = sum((cumulative[m] - cumulative[m - 1]) * spend / 1.05**m for m in (1, 2, 3))
    assert value["clv"] == pytest.approx(by_hand, rel=1e-12)
    assert value["expected_purchases"] == pytest.approx(cumulative[3], rel=1e-12)
    assert value["expected_spend"] == pytest.approx(cumulative[3] * spend, rel=1e-12)
    assert np.all(value["clv"] < value["expected_spend"])
    assert all(np.all(np.isfinite(v)) for v in value.values())


def test_no_discount_gives_the_undiscounted_spend():
    value = customer_lifetime_value(BGNBD, SPEND, X, T_X, T, SPENT, time_unit="weeks", monthly_discount_rate=0.0)
    assert value["clv"] == pytest.approx(value["expected_spend"], rel=1e-12)


def test_days_and_weeks_agree_when_the_model_is_rescaled():
    in_days = ModelFit("bgnbd", {**BGNBD.params, "alpha": BGNBD.params["alpha"] * 7}, {}, 0.0, 0, True)
    weeks = customer_lifetime_value(BGNBD, SPEND, X, T_X, T, SPENT, time_unit="weeks")
    days = customer_lifetime_value(in_days, SPEND, X, T_X * 7, T * 7, SPENT, time_unit="days")
    for name in weeks:
        assert days[name] == pytest.approx(weeks[name], rel=1e-9), name


def test_without_a_spend_model_each_customer_is_priced_at_their_own_mean():
    value = customer_lifetime_value(BGNBD, None, X, T_X, T, SPENT, time_unit="weeks")
    assert np.array_equal(value["expected_average_spend"], SPENT)
    assert value["clv"][0] == 0.0  # no repeat purchase, no spend to price them with
    assert value["p_alive"][0] == 1.0 and value["expected_purchases"][0] > 0


def test_horizon_must_be_positive():
    with pytest.raises(ValueError, match="horizon_months"):
        customer_lifetime_value(BGNBD, SPEND, X, T_X, T, SPENT, time_unit="weeks", horizon_months=0)
