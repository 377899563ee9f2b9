"""customer_summary: the CDNOW derivation, and the rules on tiny frames."""

import datetime

import numpy as np
import polars as pl
import pytest
from clv_data import cdnow_summary, cdnow_transactions

from assets.clv.errors import CLVDataError
from assets.clv.summary import customer_summary

CALIBRATION_END = datetime.date(1997, 9, 30)
D = datetime.date


def test_cdnow_sample_gives_the_published_summary_for_every_customer():
    summary = customer_summary(
        cdnow_transactions(), calibration_end=CALIBRATION_END, observation_end=datetime.date(1998, 6, 30)
    )
    published = cdnow_summary().with_columns(pl.col("ID").cast(pl.String).str.zfill(4).alias("customer_id"))
    joined = summary.join(published, on="customer_id", how="full", coalesce=True)

    assert summary.height == published.height == joined.height == 2357
    assert summary["customer_id"].is_sorted()
    assert (joined["frequency"] == joined["x"]).all()
    # the file rounds recency and T to 2 decimals; we keep them unrounded
    assert (joined["recency"].round(2) == joined["t_x"]).all()
    assert (joined["T"].round(2) == joined["T_right"]).all()
    # zbar is rounded to cents; ours is the exact mean (ties like 22.345 round either way)
    assert (joined["monetary_value"] - joined["zbar"]).abs().max() <= 0.005 + 1e-9
    # README: 1,882 repeat purchases in the 39 hold-out weeks
    assert summary["holdout_frequency"].sum() == 1882
    assert (summary["holdout_duration"] == 39.0).all()


def frame(rows: list[tuple[str, object, float]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["customer_id", "ordered_at", "amount"], orient="row")


def test_same_day_purchases_are_one_transaction_and_first_day_is_not_repeat_spend():
    transactions = frame(
        [
            ("b", datetime.datetime(2024, 1, 1, 9), 10.0),
            ("b", datetime.datetime(2024, 1, 1, 17), 5.0),
            ("b", datetime.datetime(2024, 1, 8, 12), 20.0),
            ("b", datetime.datetime(2024, 1, 8, 13), 4.0),
            ("b", datetime.datetime(2024, 1, 15), 30.0),
            ("a", datetime.datetime(2024, 1, 10), 7.0),
        ]
    )
    summary = customer_summary(transactions, calibration_end=D(2024, 1, 15), time_unit="days")

    assert summary["customer_id"].to_list() == ["a", "b"]
    b = summary.row(1, named=True)
    assert b["frequency"] == 2
    assert b["recency"] == 14.0 and b["T"] == 14.0
    assert b["monetary_value"] == pytest.approx((24.0 + 30.0) / 2)
    assert b["first_purchase_at"] == D(2024, 1, 1)
    a = summary.row(0, named=True)
    assert (a["frequency"], a["recency"], a["T"], a["monetary_value"]) == (0, 0.0, 5.0, 0.0)


def test_weeks_lazy_input_dates_and_holdout():
    transactions = frame(
        [
            ("c1", D(2024, 1, 1), 10.0),
            ("c1", D(2024, 1, 4), 10.0),
            ("c1", D(2024, 2, 1), 10.0),  # hold-out
            ("c1", D(2024, 2, 1), 3.0),  # same hold-out day
            ("c1", D(2024, 3, 1), 10.0),  # after the observation end: ignored
            ("c2", D(2024, 1, 20), 10.0),  # first purchase after the calibration end: not a row
        ]
    ).lazy()
    summary = customer_summary(
        transactions, calibration_end=D(2024, 1, 15), observation_end=D(2024, 2, 15), time_unit="weeks"
    )

    assert summary.columns == [
        "customer_id", "frequency", "recency", "T", "monetary_value", "unpriced_repeat_days",
        "first_purchase_at", "holdout_frequency", "holdout_duration",
    ]  # fmt: skip
    assert summary["customer_id"].to_list() == ["c1"]
    row = summary.row(0, named=True)
    assert row["recency"] == pytest.approx(3 / 7) and row["T"] == pytest.approx(14 / 7)
    assert row["holdout_frequency"] == 1
    assert row["holdout_duration"] == pytest.approx(31 / 7)


def test_missing_amounts_are_unknown_not_zero():
    transactions = frame(
        [
            ("a", D(2024, 1, 1), 10.0),
            ("a", D(2024, 1, 2), 20.0),
            ("a", D(2024, 1, 3), None),  # unknown day: left out of the mean, not counted as 0
            ("b", D(2024, 1, 1), 10.0),
            ("b", D(2024, 1, 2), 8.0),
            ("b", D(2024, 1, 2), None),  # one order of the day unknown: the day's value is unknown
            ("c", D(2024, 1, 1), None),  # first purchase only: not repeat spend, nothing missing
        ]
    )
    summary = customer_summary(transactions, calibration_end=D(2024, 1, 5), time_unit="days")
    rows = {row["customer_id"]: row for row in summary.iter_rows(named=True)}
    assert (rows["a"]["monetary_value"], rows["a"]["unpriced_repeat_days"]) == (20.0, 1)
    assert (rows["b"]["monetary_value"], rows["b"]["unpriced_repeat_days"]) == (None, 1)
    assert (rows["c"]["monetary_value"], rows["c"]["unpriced_repeat_days"]) == (0.0, 0)


def test_empty_log_gives_empty_summary_with_the_columns():
    empty = pl.DataFrame(schema={"customer_id": pl.String, "ordered_at": pl.Date, "amount": pl.Float64})
    summary = customer_summary(empty, calibration_end=D(2024, 1, 1))
    assert summary.height == 0
    assert summary.columns[:4] == ["customer_id", "frequency", "recency", "T"]
    assert np.asarray(summary["frequency"]).size == 0


def test_unusable_logs_are_refused_in_plain_words():
    with pytest.raises(CLVDataError, match="lack the columns"):
        customer_summary(pl.DataFrame({"customer_id": ["a"], "amount": [1.0]}), calibration_end=D(2024, 1, 1))
    with pytest.raises(CLVDataError, match="missing values"):
        customer_summary(frame([("a", None, 1.0), ("a", D(2024, 1, 1), 1.0)]), calibration_end=D(2024, 1, 1))
    with pytest.raises(CLVDataError, match="Date or Datetime"):
        customer_summary(frame([("a", "2024-01-01", 1.0)]), calibration_end=D(2024, 1, 1))
    with pytest.raises(ValueError, match="must be after"):
        customer_summary(
            frame([("a", D(2024, 1, 1), 1.0)]), calibration_end=D(2024, 1, 1), observation_end=D(2024, 1, 1)
        )
