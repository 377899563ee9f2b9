"""Hold-out backtest: fit on the calibration period, predict the hold-out period, compare.

The comparison is against what happened and against a naive baseline in which every customer
keeps repeating at their calibration-period rate (x / T per time unit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from assets.clv.models import ModelFit, expected_purchases, expected_purchases_new_customer, fit_purchase_model
from assets.clv.summary import customer_summary

DAYS = {"days": 1, "weeks": 7}


@dataclass(frozen=True)
class Backtest:
    fit: ModelFit
    calibration_end: date
    holdout_end: date
    summary: pl.DataFrame  # one row per model: predicted vs actual and errors
    tracking: pl.DataFrame  # one row per period: cumulative repeat purchases, actual and predicted


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
    in the data, cumulated, with the model's expectation for the same cohort.
    """
    if holdout_end <= calibration_end:
        raise ValueError(f"the hold-out period is empty: it must end after the calibration end {calibration_end}")
    summary = customer_summary(
        transactions, calibration_end=calibration_end, time_unit=time_unit, observation_end=holdout_end
    )
    x, t_x, big_t = (summary[c].to_numpy() for c in ("frequency", "recency", "T"))
    actual = summary["holdout_frequency"].to_numpy()
    duration = float(summary["holdout_duration"][0])
    fit = fit_purchase_model(x, t_x, big_t, model=purchase_model)
    predicted = expected_purchases(fit, duration, x, t_x, big_t)
    naive = np.where(big_t > 0, x / np.where(big_t > 0, big_t, 1.0), 0.0) * duration
    rows = []
    for name, guess in ((fit.model, predicted), ("naive_rate", naive)):
        rows.append(
            {
                "model": name,
                "calibration_end": calibration_end,
                "holdout_end": holdout_end,
                "time_unit": time_unit,
                "customers": summary.height,
                "predicted_repeat_purchases": float(guess.sum()),
                "actual_repeat_purchases": int(actual.sum()),
                "total_error_pct": float(100 * (guess.sum() - actual.sum()) / max(actual.sum(), 1)),
                "mean_absolute_error": float(np.abs(guess - actual).mean()),
                "root_mean_squared_error": float(np.sqrt(((guess - actual) ** 2).mean())),
            }
        )
    tracking = _tracking(transactions, summary, fit, time_unit, holdout_end)
    return Backtest(fit, calibration_end, holdout_end, pl.DataFrame(rows), tracking)


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
    starts = start_days / unit
    ends = np.arange(1, periods + 1, dtype=float)
    elapsed = np.clip(ends[:, None] - starts[None, :], 0, None)
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
