"""CLV assets: fit the purchase and spend models on the orders and score every customer."""

from datetime import date, timedelta
from typing import Any, Literal

import dagster as dg
import duckdb
import polars as pl

from assets.charts import line_chart
from assets.clv.backtest import Backtest, run_backtest
from assets.clv.models import fit_purchase_model
from assets.clv.settings import checked_calibration_end
from assets.clv.spend import fit_spend_model
from assets.clv.summary import customer_summary
from assets.clv.tables import customer_clv_table, parameter_table
from assets.clv.value import customer_lifetime_value
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


def score_customers(
    orders: pl.DataFrame, customers: pl.DataFrame, config: ClvConfig, calibration_end: date
) -> tuple[pl.DataFrame, pl.DataFrame, str | None]:
    """Fit on the orders up to ``calibration_end`` and score every customer in ``customers``.

    Returns the per-customer CLV frame, the parameter table, and why the spend model was
    skipped (None when it was fitted). Customers without orders get P(alive) null and zero
    expected purchases and value; customers whose repeat spend is unknown (amounts missing)
    get null spend and CLV. Raises CLVDataError when the data cannot support the purchase
    model, or when every known repeat amount is 0 (NoSpendError).
    """
    summary = customer_summary(
        orders.select("customer_id", "ordered_at", pl.col("order_amount_usd").cast(pl.Float64).alias("amount")),
        calibration_end=calibration_end,
        time_unit=config.time_unit,
    )
    x, t_x, big_t = (summary[c].to_numpy() for c in ("frequency", "recency", "T"))
    purchase_fit = fit_purchase_model(x, t_x, big_t, model=config.purchase_model)
    spend_fit, spend_skipped = fit_spend_model(summary)
    values = customer_lifetime_value(
        purchase_fit,
        spend_fit,
        x,
        t_x,
        big_t,
        summary["monetary_value"].fill_null(0.0).to_numpy(),
        time_unit=config.time_unit,
        horizon_months=config.horizon_months,
        monthly_discount_rate=config.monthly_discount_rate,
    )
    clv = customer_clv_table(
        summary,
        values,
        customers,
        time_unit=config.time_unit,
        horizon_months=config.horizon_months,
        purchase_model=purchase_fit.model,
        calibration_end=calibration_end,
    )
    parameters = parameter_table(
        purchase_fit, spend_fit, spend_skipped, time_unit=config.time_unit, calibration_end=calibration_end
    )
    return clv, parameters, spend_skipped


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
    """Fit the models and write the candidate CLV and parameter tables."""
    with warehouse.connect() as con:
        orders = read_table(con, "marts", "fct_orders")
        customers = con.sql("select customer_id, as_of_date from marts.dim_customer_features").pl()
        as_of = customers["as_of_date"].max()
        calibration_end = checked_calibration_end(config.calibration_end, as_of)
        clv, parameters, spend_skipped = score_customers(orders, customers, config, calibration_end)
        replace_table(con, CANDIDATE_SCHEMA, "customer_clv", clv)
        replace_table(con, CANDIDATE_SCHEMA, "clv_model_parameters", parameters)
    if spend_skipped:
        context.log.warning(f"Gamma-Gamma spend model skipped: {spend_skipped}")
    buyers = clv.filter(pl.col("p_alive").is_not_null())
    yield dg.MaterializeResult(
        asset_key=CUSTOMER_CLV,
        metadata={
            **frame_metadata(clv, table="candidate.customer_clv"),
            "calibration_end": str(calibration_end),
            "purchase_model": str(clv["purchase_model"][0]) if clv.height else "",
            "total_clv_usd": float(clv["clv_usd"].sum()),
            "mean_p_alive": float(buyers["p_alive"].mean() or 0.0),
            "spend_model": f"skipped: {spend_skipped}" if spend_skipped else "gamma_gamma",
        },
    )
    yield dg.MaterializeResult(
        asset_key=CLV_MODEL_PARAMETERS,
        metadata=frame_metadata(parameters, table="candidate.clv_model_parameters"),
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
        result = run_backtest(
            transactions,
            calibration_end=backtest_split(config, as_of),
            holdout_end=as_of,
            time_unit=config.time_unit,
            purchase_model=published_purchase_model(con, config),
        )
        replace_table(con, CANDIDATE_SCHEMA, "clv_backtest", result.summary)
    if result.skipped:
        context.log.warning(f"CLV backtest skipped: {result.skipped}")
    return dg.MaterializeResult(metadata=backtest_metadata(result, config.time_unit))


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
