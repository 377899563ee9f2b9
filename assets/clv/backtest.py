"""Hold-out backtest: fit on the calibration period, predict the hold-out period, compare.

The comparison is against what happened and against a naive baseline in which every customer
keeps repeating at their calibration-period rate (x / T per time unit). When the data leave no
usable calibration or hold-out period, or the fit on the calibration period is refused, the
backtest has no rows and says why (``Backtest.skipped``): a short history must not stop the
refresh that publishes the CLV itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from assets.clv.errors import CLVDataError
from assets.clv.models import ModelFit, expected_purchases, expected_purchases_new_customer, fit_purchase_model
from assets.clv.summary import customer_summary

DAYS = {"days": 1, "weeks": 7}
SUMMARY_SCHEMA = {
    "model": pl.String,
    "calibration_end": pl.Date,
    "holdout_end": pl.Date,
    "time_unit": pl.String,
    "customers": pl.Int64,
    "predicted_repeat_purchases": pl.Float64,
    "actual_repeat_purchases": pl.Int64,
    "total_error_pct": pl.Float64,
    "mean_absolute_error": pl.Float64,
    "root_mean_squared_error": pl.Float64,
}
TRACKING_SCHEMA = {
    "period": pl.Int64,
    "period_end": pl.Date,
    "actual_cumulative_repeat_purchases": pl.Int64,
    "predicted_cumulative_repeat_purchases": pl.Float64,
}


@dataclass(frozen=True)
class Backtest:
    fit: ModelFit | None  # None when skipped
    calibration_end: date
    holdout_end: date
    summary: pl.DataFrame  # one row per model: predicted vs actual and errors; empty when skipped
    tracking: pl.DataFrame  # one row per period: cumulative repeat purchases, actual and predicted
    skipped: str | None = None  # why there are no figures, in plain words


def run_backtest(
    transactions: pl.DataFrame,
    *,
    calibration_end: date,
    holdout_end: date,
    time_unit: str,
    purchase_model: str = "auto",
) -> Backtest:
    """Fit on transactions up to ``calibration_end`` and score the period up to ``holdout_end``.

    ``transactions`` has customer_id, ordered_at and amount. The tracking frame counts repeat
    purchases (purchase days after each customer's first) per period since the first purchase
    in the data, cumulated, with the model's expectation for the same cohort. Returns a skipped
    backtest (no rows, ``skipped`` saying why) when the periods or the fit leave nothing to test.
    """
    reason = _unusable_periods(transactions, calibration_end, holdout_end)
    if reason:
        return skipped_backtest(calibration_end, holdout_end, reason)
    summary = customer_summary(
        transactions, calibration_end=calibration_end, time_unit=time_unit, observation_end=holdout_end
    )
    x, t_x, big_t = (summary[c].to_numpy() for c in ("frequency", "recency", "T"))
    try:
        fit = fit_purchase_model(x, t_x, big_t, model=purchase_model)
    except CLVDataError as exc:
        reason = f"the purchase model cannot be fitted on the calibration period to {calibration_end}: {exc}"
        return skipped_backtest(calibration_end, holdout_end, reason)
    actual = summary["holdout_frequency"].to_numpy()
    duration = float(summary["holdout_duration"][0])
    predicted = expected_purchases(fit, duration, x, t_x, big_t)
    naive = np.where(big_t > 0, x / np.where(big_t > 0, big_t, 1.0), 0.0) * duration
    rows = [
        _score_row(name, guess, actual, calibration_end, holdout_end, time_unit)
        for name, guess in ((fit.model, predicted), ("naive_rate", naive))
    ]
    tracking = _tracking(transactions, summary, fit, time_unit, holdout_end)
    return Backtest(fit, calibration_end, holdout_end, pl.DataFrame(rows, schema=SUMMARY_SCHEMA), tracking)


def skipped_backtest(calibration_end: date, holdout_end: date, reason: str) -> Backtest:
    """A backtest without figures: empty tables with the usual columns, and the reason."""
    empty_summary = pl.DataFrame(schema=SUMMARY_SCHEMA)
    return Backtest(None, calibration_end, holdout_end, empty_summary, pl.DataFrame(schema=TRACKING_SCHEMA), reason)


def _unusable_periods(transactions: pl.DataFrame, calibration_end: date, holdout_end: date) -> str | None:
    """Why the data leave no calibration or hold-out period to test on, or None when both have purchases."""
    if holdout_end <= calibration_end:
        return f"the hold-out period is empty: the calibration end {calibration_end} is not before {holdout_end}"
    days = transactions.select(pl.col("ordered_at").cast(pl.Date).alias("day"))
    first, last = days["day"].min(), days["day"].max()
    if first is None or first > calibration_end:
        return (
            f"no purchases on or before the calibration end {calibration_end} (the data start {first}): "
            "there is no calibration period to fit on (is the history shorter than backtest_holdout_days?)"
        )
    if last <= calibration_end:
        return (
            f"no purchases after the calibration end {calibration_end} (the data end {last}): "
            f"there is nothing to compare the predictions for the hold-out period to {holdout_end} with"
        )
    return None


def _score_row(
    name: str, guess: np.ndarray, actual: np.ndarray, calibration_end: date, holdout_end: date, time_unit: str
) -> dict[str, object]:
    """One model's predicted against actual hold-out repeat purchases: totals and per-customer errors."""
    return {
        "model": name,
        "calibration_end": calibration_end,
        "holdout_end": holdout_end,
        "time_unit": time_unit,
        "customers": len(actual),
        "predicted_repeat_purchases": float(guess.sum()),
        "actual_repeat_purchases": int(actual.sum()),
        "total_error_pct": float(100 * (guess.sum() - actual.sum()) / max(actual.sum(), 1)),
        "mean_absolute_error": float(np.abs(guess - actual).mean()),
        "root_mean_squared_error": float(np.sqrt(((guess - actual) ** 2).mean())),
    }


def _tracking(
    transactions: pl.DataFrame, summary: pl.DataFrame, fit: ModelFit, time_unit: str, holdout_end: date
) -> pl.DataFrame:
    """Cumulative repeat purchases by period: actual, and expected for the cohort of the fitted customers."""
    unit = DAYS[time_unit]
    customers = summary.select("customer_id", "first_purchase_at")
    origin = customers["first_purchase_at"].min()
    periods = (holdout_end - origin).days // unit + 1
    days = (
        transactions.lazy()
        .select("customer_id", pl.col("ordered_at").cast(pl.Date).alias("day"))
        .unique()
        .join(customers.lazy(), on="customer_id")
        .filter(pl.col("day") > pl.col("first_purchase_at"), pl.col("day") <= holdout_end)
        .select(((pl.col("day") - pl.lit(origin)).dt.total_days() // unit).alias("period"))
        .collect()
    )
    actual = np.bincount(days["period"].to_numpy(), minlength=periods)[:periods].cumsum()
    first_days = customers.select((pl.col("first_purchase_at") - pl.lit(origin)).dt.total_days())
    first_days = first_days.to_series().to_numpy()
    # customers who started on the same day share one curve: evaluate per start day, weight by count
    start_days, counts = np.unique(first_days, return_counts=True)
    # a period's last day is ends * unit - 1 days after the origin; time since a first purchase is
    # counted to that day, as T is counted to the calibration end (so the calibration end's period
    # predicts exactly the sum of E[X(T)] over the customers)
    ends = np.arange(1, periods + 1, dtype=float)
    elapsed = np.clip((ends[:, None] * unit - 1 - start_days[None, :]) / unit, 0, None)
    curve = np.asarray(expected_purchases_new_customer(fit, elapsed.ravel())).reshape(elapsed.shape)
    predicted = curve @ counts
    return pl.DataFrame(
        {
            "period": np.arange(1, periods + 1),
            "period_end": [origin + timedelta(days=int(e * unit) - 1) for e in ends],
            "actual_cumulative_repeat_purchases": actual.astype(np.int64),
            "predicted_cumulative_repeat_purchases": predicted,
        }
    )
