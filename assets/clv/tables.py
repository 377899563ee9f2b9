"""The tables the CLV asset writes, built from the fits: one row per customer, one per model parameter."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import numpy as np
import polars as pl

from assets.clv.mle import ModelFit
from assets.clv.status import STATUS_MODEL, ClvStatus

VALUE_COLUMNS = ("expected_average_spend_usd", "expected_spend_usd", "clv_usd")


def customer_clv_table(
    summary: pl.DataFrame,
    values: dict[str, np.ndarray],
    customers: pl.DataFrame,
    *,
    time_unit: str,
    horizon_months: int,
    purchase_model: str,
    calibration_end: date,
    status: ClvStatus,
) -> pl.DataFrame:
    """One row per customer of ``customers``: the model inputs and predictions, zeros for those without orders.

    ``clv_status`` repeats the status on every row, so an analyst who joins the CLV sees it; when
    the status has no values (no spend to value customers by), the value columns are null for all.
    """
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
    table = (
        customers.select("customer_id")
        .join(scored, on="customer_id", how="left")
        .with_columns(
            *(
                pl.when(no_orders).then(0.0).otherwise(pl.col(c)).alias(c)
                for c in ("expected_purchases", "expected_spend_usd", "clv_usd")
            ),
        )
    )
    if not status.has_values:
        table = table.with_columns(pl.lit(None, dtype=pl.Float64).alias(c) for c in VALUE_COLUMNS)
    return _settings(table, time_unit, horizon_months, purchase_model, calibration_end, status)


def unscored_clv_table(
    customers: pl.DataFrame, *, time_unit: str, horizon_months: int, calibration_end: date, status: ClvStatus
) -> pl.DataFrame:
    """One row per customer with every model input and prediction null: the data support no model."""
    floats = ("recency_periods", "age_periods", "monetary_value_usd", "p_alive", "expected_purchases", *VALUE_COLUMNS)
    table = customers.select("customer_id").with_columns(
        pl.lit(None, dtype=pl.Int64).alias("repeat_purchase_count"),
        *(pl.lit(None, dtype=pl.Float64).alias(c) for c in floats),
    )
    return _settings(table, time_unit, horizon_months, None, calibration_end, status)


def _settings(
    table: pl.DataFrame,
    time_unit: str,
    horizon_months: int,
    purchase_model: str | None,
    calibration_end: date,
    status: ClvStatus,
) -> pl.DataFrame:
    return (
        table.with_columns(
            pl.lit(time_unit).alias("time_unit"),
            pl.lit(horizon_months, dtype=pl.Int32).alias("horizon_months"),
            pl.lit(purchase_model, dtype=pl.String).alias("purchase_model"),
            pl.lit(calibration_end, dtype=pl.Date).alias("calibration_end"),
            pl.lit(status.status).alias("clv_status"),
        )
        .select(CLV_COLUMNS)
        .sort("customer_id")
    )


CLV_COLUMNS = (
    "customer_id",
    "repeat_purchase_count",
    "recency_periods",
    "age_periods",
    "monetary_value_usd",
    "p_alive",
    "expected_purchases",
    *VALUE_COLUMNS,
    "time_unit",
    "horizon_months",
    "purchase_model",
    "calibration_end",
    "clv_status",
)


def parameter_table(
    purchase_fit: ModelFit | None,
    spend_fit: ModelFit | None,
    spend_skipped: str | None,
    *,
    time_unit: str,
    calibration_end: date,
    status: ClvStatus | None = None,
) -> pl.DataFrame:
    """One row per fitted parameter, for a skipped spend model one row with ``note`` saying why, and the status.

    ``note`` is null for parameters the fit pins down; it says so when the optimiser did not
    converge or the data leave a parameter unidentified, so analysts can query
    ``where note is not null`` for anything to read before trusting a figure. The CLV's status
    is a row of its own (model `clv`, parameter `status`) whose note reads as a sentence.
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
    if status is not None:
        rows.append(status_row(status, common))
    return pl.DataFrame(rows, schema=PARAMETER_SCHEMA)


def status_row(status: ClvStatus, common: dict[str, object]) -> dict[str, object]:
    """The parameters table's row that states the CLV's status in words."""
    return {"model": STATUS_MODEL, **dict.fromkeys(_FIT_COLUMNS), **common, "parameter": "status", "note": status.note}


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
