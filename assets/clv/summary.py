"""Per-customer (frequency, recency, T, monetary value) summary of a transaction log, in polars."""

from __future__ import annotations

import datetime
from typing import Literal

import polars as pl

from assets.clv.errors import CLVDataError

DAYS_PER_UNIT = {"days": 1, "weeks": 7}


def customer_summary(
    transactions: pl.DataFrame | pl.LazyFrame,
    *,
    calibration_end: datetime.date,
    time_unit: Literal["days", "weeks"] = "weeks",
    observation_end: datetime.date | None = None,
) -> pl.DataFrame:
    """One row per customer whose first purchase is on or before ``calibration_end``.

    ``transactions`` has ``customer_id``, ``ordered_at`` (Date or Datetime) and ``amount``.
    Purchases by one customer on one day are one transaction with their amounts summed, as
    in the BG/NBD literature (the models describe purchase occasions, not basket lines).
    Columns, sorted by customer_id, times in ``time_unit`` and unrounded:

    - ``frequency``: distinct purchase days in calibration minus one (repeat purchases);
    - ``recency``: first to last purchase day in calibration;
    - ``T``: first purchase day to ``calibration_end``;
    - ``monetary_value``: mean value of the repeat transactions in calibration (the first
      day excluded, since the spend model describes repeat spend), 0.0 without any; a day
      with any order lacking an amount has no known value and is left out of the mean, and
      when no repeat day has a known value the mean is null (unknown), never 0;
    - ``unpriced_repeat_days``: repeat transactions in calibration without a known value;
    - ``first_purchase_at``: the first purchase day;
    - with ``observation_end``: ``holdout_frequency``, distinct purchase days in
      (calibration_end, observation_end], and ``holdout_duration``, that period's length.
    """
    if time_unit not in DAYS_PER_UNIT:
        raise ValueError(f"time_unit must be 'days' or 'weeks', got {time_unit!r}")
    if observation_end is not None and observation_end <= calibration_end:
        raise ValueError(f"observation_end {observation_end} must be after calibration_end {calibration_end}")
    unit = DAYS_PER_UNIT[time_unit]
    last_day = observation_end or calibration_end
    days = _purchase_days(transactions.lazy(), last_day)
    calibration = days.filter(pl.col("day") <= calibration_end)
    summary = calibration.group_by("customer_id").agg(
        (pl.len() - 1).cast(pl.Int64).alias("frequency"),
        ((pl.col("day").max() - pl.col("day").min()).dt.total_days() / unit).alias("recency"),
        ((pl.lit(calibration_end) - pl.col("day").min()).dt.total_days() / unit).alias("T"),
        pl.when(pl.len() > 1).then(_repeat_amounts().mean()).otherwise(0.0).cast(pl.Float64).alias("monetary_value"),
        _repeat_amounts().null_count().cast(pl.Int64).alias("unpriced_repeat_days"),
        pl.col("day").min().alias("first_purchase_at"),
    )
    if observation_end is not None:
        holdout = (
            days.filter(pl.col("day") > calibration_end)
            .group_by("customer_id")
            .agg(pl.len().cast(pl.Int64).alias("holdout_frequency"))
        )
        summary = summary.join(holdout, on="customer_id", how="left").with_columns(
            pl.col("holdout_frequency").fill_null(0),
            pl.lit((observation_end - calibration_end).days / unit, dtype=pl.Float64).alias("holdout_duration"),
        )
    return summary.collect().sort("customer_id")


def _repeat_amounts() -> pl.Expr:
    """A customer's day totals after their first purchase day (null where a day's value is unknown)."""
    return pl.col("amount").filter(pl.col("day") > pl.col("day").min())


def _purchase_days(transactions: pl.LazyFrame, last_day: datetime.date) -> pl.LazyFrame:
    """One row per customer and purchase day up to ``last_day``, with the day's total amount:
    null when any order of the day lacks an amount, since a partial sum would understate it."""
    schema = transactions.collect_schema()
    missing = {"customer_id", "ordered_at", "amount"} - set(schema.names())
    if missing:
        raise CLVDataError(
            f"transactions lack the columns {sorted(missing)}; expected customer_id, ordered_at (date) and amount"
        )
    if not (schema["ordered_at"] == pl.Date or isinstance(schema["ordered_at"], pl.Datetime)):
        raise CLVDataError(f"ordered_at must be a Date or Datetime column, got {schema['ordered_at']}")
    nulls = transactions.select(pl.col("customer_id", "ordered_at").null_count()).collect().row(0, named=True)
    if any(nulls.values()):
        raise CLVDataError(f"transactions have missing values that cannot be placed in time or by customer: {nulls}")
    return (
        transactions.select("customer_id", pl.col("ordered_at").cast(pl.Date).alias("day"), "amount")
        .filter(pl.col("day") <= last_day)
        .group_by("customer_id", "day")
        .agg(
            pl.when(pl.col("amount").is_null().any())
            .then(None)
            .otherwise(pl.col("amount").cast(pl.Float64).sum())
            .cast(pl.Float64)
            .alias("amount")
        )
    )
