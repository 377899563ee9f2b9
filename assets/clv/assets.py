"""CLV assets: fit the purchase and spend models on the orders and score every customer."""

from datetime import date, timedelta
from typing import Any, Literal

import dagster as dg
import duckdb
import polars as pl

from assets.charts import line_chart
from assets.clv.backtest import Backtest, run_backtest, skipped_backtest
from assets.clv.scoring import score_customers
from assets.clv.settings import checked_calibration_end
from assets.clv.status import MODELLED, STATUS_MODEL, ClvStatus, backtest_doubt
from assets.features.dbt import CUSTOMER_FEATURES, FACT_ORDERS
from assets.ingest.assets import OWNER, WAREHOUSE_POOL
from assets.metadata import frame_metadata
from assets.warehouse import read_table, replace_table, table_ref
from orchestration.resources import Warehouse

CANDIDATE_SCHEMA = "candidate"
CUSTOMER_CLV = dg.AssetKey([CANDIDATE_SCHEMA, "customer_clv"])
CLV_MODEL_PARAMETERS = dg.AssetKey([CANDIDATE_SCHEMA, "clv_model_parameters"])
CLV_BACKTEST = dg.AssetKey([CANDIDATE_SCHEMA, "clv_backtest"])


class ClvConfig(dg.Config):
    """Settings of the CLV fit for one refresh."""

    time_unit: Literal["days", "weeks"] = "weeks"
    calibration_end: str | None = None
    """Last day (YYYY-MM-DD) of the data the models are fitted on; empty means the features' as-of date."""
    horizon_months: int = 12
    monthly_discount_rate: float = 0.01
    purchase_model: Literal["auto", "bgnbd", "pareto_nbd"] = "auto"
    """"auto" fits BG/NBD and Pareto/NBD and keeps the one with the higher likelihood."""
    backtest_holdout_days: int = 182
    """Hold-out length of the backtest when the calibration runs to the as-of date."""


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            CUSTOMER_CLV,
            description=(
                "One row per customer: P(alive), expected purchases, expected average spend and "
                "discounted CLV over the horizon, from BG/NBD or Pareto/NBD and Gamma-Gamma. "
                "Candidate: published to `segments.customer_clv` once every check passes."
            ),
            deps=[FACT_ORDERS, CUSTOMER_FEATURES],
            group_name="clv",
            kinds={"polars", "duckdb", "numpy"},
            owners=[OWNER],
        ),
        dg.AssetSpec(
            CLV_MODEL_PARAMETERS,
            description=(
                "One row per fitted model parameter: model, parameter, value, standard error, "
                "log-likelihood, customers, when it was fitted, and a note when the fit did not converge "
                "or the data leave the parameter unidentified; a skipped spend model has one row with "
                "no parameter and the reason in its note."
            ),
            deps=[FACT_ORDERS],
            group_name="clv",
            kinds={"polars", "duckdb", "scipy"},
            owners=[OWNER],
        ),
    ],
    pool=WAREHOUSE_POOL,
)
def customer_clv(context: dg.AssetExecutionContext, config: ClvConfig, warehouse: Warehouse):
    """Fit the models and write the candidate CLV and parameter tables, with the CLV's status."""
    with warehouse.connect() as con:
        orders = read_table(con, "marts", "fct_orders")
        customers = con.sql("select customer_id, as_of_date from marts.dim_customer_features").pl()
        as_of = customers["as_of_date"].max()
        calibration_end = checked_calibration_end(config.calibration_end, as_of)
        scored = score_customers(orders, customers, config, calibration_end)
        replace_table(con, CANDIDATE_SCHEMA, "customer_clv", scored.clv)
        replace_table(con, CANDIDATE_SCHEMA, "clv_model_parameters", scored.parameters)
    if scored.spend_skipped:
        context.log.warning(f"Gamma-Gamma spend model skipped: {scored.spend_skipped}")
    if scored.status.status != MODELLED:
        context.log.warning(f"CLV {scored.status.note}")
    clv = scored.clv
    buyers = clv.filter(pl.col("p_alive").is_not_null())
    yield dg.MaterializeResult(
        asset_key=CUSTOMER_CLV,
        metadata={
            **frame_metadata(clv, table="candidate.customer_clv"),
            "clv_status": scored.status.note,
            "calibration_end": str(calibration_end),
            "purchase_model": scored.purchase_model or "none",
            "total_clv_usd": float(clv["clv_usd"].sum()),
            "mean_p_alive": float(buyers["p_alive"].mean() or 0.0),
            "spend_model": f"skipped: {scored.spend_skipped}" if scored.spend_skipped else "gamma_gamma",
        },
    )
    yield dg.MaterializeResult(
        asset_key=CLV_MODEL_PARAMETERS,
        metadata=frame_metadata(scored.parameters, table="candidate.clv_model_parameters"),
    )


def backtest_split(config: ClvConfig, as_of: date) -> date:
    """The backtest's calibration end: the configured one if it leaves a hold-out, else as-of minus the hold-out."""
    configured = checked_calibration_end(config.calibration_end, as_of)
    if configured < as_of:
        return configured
    return as_of - timedelta(days=config.backtest_holdout_days)


def published_purchase_model(con: duckdb.DuckDBPyConnection, config: ClvConfig) -> str:
    """The purchase model to backtest: the one `customer_clv` chose, so the figures describe the CLV analysts get.

    With `purchase_model: auto` the choice is read from the candidate parameters rather than made again: the
    backtest then fits one model, not both (a Pareto/NBD fit is the slow one).
    """
    if config.purchase_model != "auto":
        return config.purchase_model
    row = con.execute(
        f"select distinct model from {table_ref(CANDIDATE_SCHEMA, 'clv_model_parameters')} "
        "where model in ('bgnbd', 'pareto_nbd')"
    ).fetchone()
    return row[0] if row else "auto"


@dg.asset(
    key=CLV_BACKTEST,
    deps=[FACT_ORDERS, CUSTOMER_FEATURES, CLV_MODEL_PARAMETERS],
    description=(
        "How good the purchase model's predictions are: fitted on the calibration period, it predicts "
        "each customer's repeat purchases in the hold-out period. One row per model (the fitted one and "
        "a naive baseline that repeats each customer's calibration rate) with predicted and actual totals "
        "and per-customer errors. Candidate: published to `segments.clv_backtest`."
    ),
    group_name="clv",
    kinds={"polars", "duckdb", "scipy"},
    owners=[OWNER],
    pool=WAREHOUSE_POOL,
)
def clv_backtest(context: dg.AssetExecutionContext, config: ClvConfig, warehouse: Warehouse) -> dg.MaterializeResult:
    """Backtest the published purchase model; with no usable periods, an empty table and the reason."""
    with warehouse.connect() as con:
        orders = read_table(con, "marts", "fct_orders")
        as_of = con.execute("select max(as_of_date) from marts.dim_customer_features").fetchone()[0]
        transactions = orders.select(
            "customer_id", "ordered_at", pl.col("order_amount_usd").cast(pl.Float64).alias("amount")
        )
        fitted = con.execute(
            f"select count(*) from {table_ref(CANDIDATE_SCHEMA, 'clv_model_parameters')} "
            "where model in ('bgnbd', 'pareto_nbd')"
        ).fetchone()[0]
        if fitted:
            result = run_backtest(
                transactions,
                calibration_end=backtest_split(config, as_of),
                holdout_end=as_of,
                time_unit=config.time_unit,
                purchase_model=published_purchase_model(con, config),
            )
        else:  # the data support no purchase model: nothing to backtest, and the CLV already says why
            reason = f"no purchase model was fitted: {candidate_status(con).note}"
            result = skipped_backtest(backtest_split(config, as_of), as_of, reason)
        replace_table(con, CANDIDATE_SCHEMA, "clv_backtest", result.summary)
        doubt = backtest_doubt(result.summary)
        if doubt:
            context.log.warning(f"CLV {add_doubt(con, doubt).note}")
    if result.skipped:
        context.log.warning(f"CLV backtest skipped: {result.skipped}")
    return dg.MaterializeResult(metadata=backtest_metadata(result, config.time_unit))


def candidate_status(con: duckdb.DuckDBPyConnection) -> ClvStatus:
    """The candidate CLV's status, as the CLV asset wrote it in the parameters table."""
    rows = con.execute(
        f"select note from {table_ref(CANDIDATE_SCHEMA, 'clv_model_parameters')} "
        "where model = ? and parameter = 'status'",
        [STATUS_MODEL],
    ).fetchall()  # fetched whole: the caller goes on using the connection
    return ClvStatus.from_note(rows[0][0]) if rows else ClvStatus(MODELLED)


def add_doubt(con: duckdb.DuckDBPyConnection, doubt: str) -> ClvStatus:
    """Mark the candidate CLV low confidence for ``doubt``, beside its earlier reasons.

    The backtest runs after the CLV it judges, so it updates the status the CLV asset wrote: in the
    parameters table's status row and in `customer_clv.clv_status`. An unavailable CLV stays so.
    """
    status = candidate_status(con).with_doubt(doubt)
    con.execute(
        f"update {table_ref(CANDIDATE_SCHEMA, 'clv_model_parameters')} set note = ? "
        "where model = ? and parameter = 'status'",
        [status.note, STATUS_MODEL],
    )
    con.execute(f"update {table_ref(CANDIDATE_SCHEMA, 'customer_clv')} set clv_status = ?", [status.status])
    return status


def backtest_metadata(result: Backtest, time_unit: str) -> dict[str, Any]:
    """The backtest's figures and tracking plot, or, when it was skipped, the reason in their place."""
    metadata: dict[str, Any] = {
        **frame_metadata(result.summary, table="candidate.clv_backtest"),
        "calibration_end": str(result.calibration_end),
        "holdout_end": str(result.holdout_end),
    }
    if result.skipped or result.fit is None:
        return {**metadata, "skipped": f"no backtest: {result.skipped}"}
    model_row, naive_row = result.summary.row(0, named=True), result.summary.row(1, named=True)
    tracking = result.tracking
    return {
        **metadata,
        "predicted_repeat_purchases": model_row["predicted_repeat_purchases"],
        "actual_repeat_purchases": model_row["actual_repeat_purchases"],
        "mean_absolute_error": model_row["mean_absolute_error"],
        "naive_mean_absolute_error": naive_row["mean_absolute_error"],
        "tracking_plot": line_chart(
            tracking["period"].to_list(),
            {
                "actual": tracking["actual_cumulative_repeat_purchases"].to_list(),
                f"predicted ({result.fit.model})": tracking["predicted_cumulative_repeat_purchases"].to_list(),
            },
            title=f"Cumulative repeat purchases; calibration ends {result.calibration_end}",
            x_label=f"{time_unit} since the first purchase",
            y_label="repeat purchases",
        ),
    }
