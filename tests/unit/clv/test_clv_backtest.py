"""run_backtest and its tracking series: known answers on a tiny log and on CDNOW, and the skips."""

import datetime
import re

import numpy as np
import polars as pl
import pytest
from clv_data import cdnow_summary, cdnow_transactions

from assets.clv.assets import backtest_metadata
from assets.clv.backtest import SUMMARY_SCHEMA, Backtest, run_backtest
from assets.clv.models import expected_purchases, expected_purchases_new_customer

D = datetime.date


@pytest.fixture(scope="module")
def cdnow() -> Backtest:
    return run_backtest(
        cdnow_transactions(),
        calibration_end=D(1997, 9, 30),
        holdout_end=D(1998, 6, 30),
        time_unit="weeks",
        purchase_model="bgnbd",
    )


def test_cdnow_backtest_gives_the_published_hold_out_totals(cdnow: Backtest):
    assert cdnow.skipped is None
    model, naive = cdnow.summary.row(0, named=True), cdnow.summary.row(1, named=True)
    assert (model["model"], naive["model"]) == ("bgnbd", "naive_rate")
    assert model["customers"] == naive["customers"] == 2357
    assert model["actual_repeat_purchases"] == naive["actual_repeat_purchases"] == 1882
    assert round(model["predicted_repeat_purchases"], 1) == 1653.4  # the papers: about 1,653
    assert model["total_error_pct"] == pytest.approx(100 * (1653.4 - 1882) / 1882, abs=0.01)
    assert model["mean_absolute_error"] < naive["mean_absolute_error"]


def test_cdnow_tracking_counts_every_repeat_purchase_and_matches_the_model_at_the_calibration_end(cdnow: Backtest):
    tracking = cdnow.tracking
    assert tracking.height == 78  # 1997-01-01 to 1998-06-30 in weeks
    assert tracking["period_end"][38] == D(1997, 9, 30) and tracking["period_end"][-1] == D(1998, 6, 30)
    actual = tracking["actual_cumulative_repeat_purchases"]
    # 2,457 repeat purchases in calibration (the published x sum to it) and 1,882 in the hold-out
    assert (actual[38], actual[-1]) == (2457, 2457 + 1882)
    assert actual.is_sorted()
    # at the calibration end every customer has been observed for exactly their T
    # (the fixture rounds T to 2 decimals: compare to 0.1 %)
    expected = expected_purchases_new_customer(cdnow.fit, cdnow_summary()["T"].to_numpy()).sum()
    assert tracking["predicted_cumulative_repeat_purchases"][38] == pytest.approx(expected, rel=1e-3)


def tiny_log() -> pl.DataFrame:
    """Ten customers, all first buying on 1 Jan; repeat days chosen so every figure is countable by hand."""
    repeats = {  # customer -> repeat purchase days of January (calibration to the 10th, hold-out to the 20th)
        "c0": [3, 5, 12],
        "c1": [9, 15, 16, 19],
        "c2": [4],
        "c3": [14],
    }
    rows = [(f"c{i}", D(2024, 1, 1), 10.0) for i in range(10)]
    rows += [(c, D(2024, 1, day), 5.0) for c, days in repeats.items() for day in days]
    rows.append(("c0", D(2024, 1, 21), 5.0))  # after the hold-out: ignored
    return pl.DataFrame(rows, schema=["customer_id", "ordered_at", "amount"], orient="row")


def test_tiny_log_known_answers():
    result = run_backtest(
        tiny_log(), calibration_end=D(2024, 1, 10), holdout_end=D(2024, 1, 20), time_unit="days", purchase_model="bgnbd"
    )
    model, naive = result.summary.row(0, named=True), result.summary.row(1, named=True)
    # hold-out repeat purchases: c0 1, c1 3, c3 1
    actual = np.array([1, 3, 0, 1, 0, 0, 0, 0, 0, 0])
    assert model["actual_repeat_purchases"] == 5
    # calibration: x = 2, 1, 1 for c0, c1, c2; T = 9 days; hold-out 10 days; naive = x / T * 10
    x = np.array([2, 1, 1, 0, 0, 0, 0, 0, 0, 0], dtype=float)
    naive_guess = x / 9 * 10
    assert naive["predicted_repeat_purchases"] == pytest.approx(40 / 9)
    assert naive["mean_absolute_error"] == pytest.approx(np.abs(naive_guess - actual).mean())
    assert naive["root_mean_squared_error"] == pytest.approx(np.sqrt(((naive_guess - actual) ** 2).mean()))
    t_x = np.array([4, 8, 3, 0, 0, 0, 0, 0, 0, 0], dtype=float)
    guess = expected_purchases(result.fit, 10.0, x, t_x, np.full(10, 9.0))
    assert model["predicted_repeat_purchases"] == pytest.approx(guess.sum(), rel=1e-12)
    assert model["mean_absolute_error"] == pytest.approx(np.abs(guess - actual).mean(), rel=1e-12)
    # one period per day from 1 Jan; repeat purchases on days 3, 4, 5, 9, 12, 14, 15, 16, 19
    cumulative = np.cumsum(np.isin(np.arange(1, 21), [3, 4, 5, 9, 12, 14, 15, 16, 19]))
    assert result.tracking["actual_cumulative_repeat_purchases"].to_list() == cumulative.tolist()
    # period k ends k - 1 days after everyone's first purchase
    curve = expected_purchases_new_customer(result.fit, np.arange(20.0)) * 10
    assert result.tracking["predicted_cumulative_repeat_purchases"].to_numpy() == pytest.approx(curve, rel=1e-12)


SHORT = cdnow_transactions().filter(pl.col("ordered_at") <= datetime.datetime(1997, 4, 10))


@pytest.mark.parametrize(
    ("transactions", "calibration_end", "holdout_end", "reason"),
    [
        (SHORT, D(1996, 10, 10), D(1997, 4, 10), "no purchases on or before the calibration end 1996-10-10"),
        (SHORT, D(1997, 4, 10), D(1997, 6, 30), "no purchases after the calibration end 1997-04-10"),
        (SHORT, D(1997, 4, 10), D(1997, 4, 10), "the hold-out period is empty"),
        (tiny_log(), D(2024, 1, 2), D(2024, 1, 20), "cannot be fitted .* no repeat buyers among 10 customers"),
    ],
    ids=["history-shorter-than-hold-out", "no-hold-out-data", "empty-hold-out", "fit-refused"],
)
def test_backtest_without_usable_periods_has_no_rows_and_says_why(transactions, calibration_end, holdout_end, reason):
    result = run_backtest(
        transactions,
        calibration_end=calibration_end,
        holdout_end=holdout_end,
        time_unit="weeks",
        purchase_model="bgnbd",
    )
    assert result.skipped is not None and result.fit is None
    assert result.summary.height == result.tracking.height == 0
    assert dict(result.summary.schema) == SUMMARY_SCHEMA  # the published table keeps its columns
    assert re.search(reason, result.skipped), result.skipped
    metadata = backtest_metadata(result, "weeks")
    assert metadata["skipped"] == f"no backtest: {result.skipped}"
    assert "tracking_plot" not in metadata


def test_backtest_metadata_of_a_full_backtest(cdnow: Backtest):
    metadata = backtest_metadata(cdnow, "weeks")
    assert "skipped" not in metadata
    assert metadata["actual_repeat_purchases"] == 1882
    assert metadata["naive_mean_absolute_error"] > metadata["mean_absolute_error"]
