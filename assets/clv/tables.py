"""The tables the CLV asset writes, built from the fits: one row per customer, one per model parameter."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import numpy as np
import polars as pl

from assets.clv.mle import ModelFit


def customer_clv_table(
    summary: pl.DataFrame,
    values: dict[str, np.ndarray],
    customers: pl.DataFrame,
    *,
    time_unit: str,
    horizon_months: int,
    purchase_model: str,
    calibration_end: date,
) -> pl.DataFrame:
    """One row per customer of ``customers``: the model inputs and predictions, zeros for those without orders."""
    unknown_spend = pl.col("monetary_value").is_null()  # repeat amounts all missing: no price, no CLV
    scored = summary.select(
        "customer_id",
        pl.col("frequency").alias("repeat_purchase_count"),
        pl.col("recency").alias("recency_periods"),
        pl.col("T").alias("age_periods"),
        pl.col("monetary_value").alias("monetary_value_usd"),
        pl.Series("p_alive", values["p_alive"], dtype=pl.Float64),
        pl.Series("expected_purchases", values["expected_purchases"], dtype=pl.Float64),
        *(
            pl.when(unknown_spend).then(None).otherwise(pl.Series(column, values[key], dtype=pl.Float64)).alias(column)
            for column, key in (
                ("expected_average_spend_usd", "expected_average_spend"),
                ("expected_spend_usd", "expected_spend"),
                ("clv_usd", "clv"),
            )
        ),
    )
    no_orders = pl.col("repeat_purchase_count").is_null()
    return (
        customers.select("customer_id")
        .join(scored, on="customer_id", how="left")
        .with_columns(
            *(
                pl.when(no_orders).then(0.0).otherwise(pl.col(c)).alias(c)
                for c in ("expected_purchases", "expected_spend_usd", "clv_usd")
            ),
            pl.lit(time_unit).alias("time_unit"),
            pl.lit(horizon_months).alias("horizon_months"),
            pl.lit(purchase_model).alias("purchase_model"),
            pl.lit(calibration_end).alias("calibration_end"),
        )
        .sort("customer_id")
    )


def parameter_table(
    purchase_fit: ModelFit,
    spend_fit: ModelFit | None,
    spend_skipped: str | None,
    *,
    time_unit: str,
    calibration_end: date,
) -> pl.DataFrame:
    """One row per fitted parameter, and for a skipped spend model one row with ``note`` saying why.

    ``note`` is null for parameters the fit pins down; it says so when the optimiser did not
    converge or the data leave a parameter unidentified, so analysts can query
    ``where note is not null`` for anything to read before trusting a figure.
    """
    fitted_at = datetime.now(UTC).replace(tzinfo=None)
    common = {"time_unit": time_unit, "calibration_end": calibration_end, "fitted_at": fitted_at}
    rows = [
        {
            "model": fit.model,
            "parameter": name,
            "value": value,
            "std_error": fit.std_errors.get(name),
            "log_likelihood": fit.log_likelihood,
            "customers": fit.n_customers,
            **common,
            "note": fit_note(fit, name),
        }
        for fit in (purchase_fit, spend_fit)
        if fit is not None
        for name, value in fit.params.items()
    ]
    if spend_skipped:
        skipped = {"model": "gamma_gamma", **dict.fromkeys(_FIT_COLUMNS), **common}
        rows.append({**skipped, "note": f"skipped: {spend_skipped}"})
    return pl.DataFrame(rows, schema=PARAMETER_SCHEMA)


_FIT_COLUMNS = ("parameter", "value", "std_error", "log_likelihood", "customers")
PARAMETER_SCHEMA = {
    "model": pl.String,
    "parameter": pl.String,
    "value": pl.Float64,
    "std_error": pl.Float64,
    "log_likelihood": pl.Float64,
    "customers": pl.Int64,
    "time_unit": pl.String,
    "calibration_end": pl.Date,
    "fitted_at": pl.Datetime("us"),
    "note": pl.String,
}


def fit_note(fit: ModelFit, parameter: str) -> str | None:
    """What to know before trusting a parameter: the fit did not converge, or the data do not pin it down."""
    if not fit.converged:
        return "not converged: the optimiser stopped before meeting its tolerance"
    if not math.isfinite(fit.std_errors.get(parameter, math.inf)):
        return "not identified: the data do not pin this parameter down (standard error infinite)"
    return None
