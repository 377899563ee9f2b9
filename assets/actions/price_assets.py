"""Price sensitivity asset: per segment, the share bought on offer or at the cheap end, and the average discount."""

import dagster as dg
import polars as pl

from assets.actions.price import PRICE_SCHEMA, segment_price_sensitivity
from assets.actions.status import Status, record_status
from assets.clv.assets import CANDIDATE_SCHEMA
from assets.ingest.assets import OWNER, WAREHOUSE_POOL
from assets.metadata import frame_metadata
from assets.segments.assets import CUSTOMER_SEGMENTS
from assets.segments.profiles import SEGMENT_KINDS
from assets.warehouse import read_table, replace_table
from orchestration.resources import Warehouse

SEGMENT_PRICE_SENSITIVITY = dg.AssetKey([CANDIDATE_SCHEMA, "segment_price_sensitivity"])
PURCHASE_LINES = dg.AssetKey(["staging", "stg_shop__purchases"])
CAPABILITY = "price sensitivity"


def price_table(lines: pl.DataFrame, segments: pl.DataFrame) -> tuple[pl.DataFrame, Status]:
    """The per-segment table and its status: discounts need list prices, price tiers only paid prices."""
    lines = lines.filter(pl.col("unit_price_usd").is_not_null())
    if lines.is_empty():
        reason = "No purchase line carries a price, so neither discounts nor price tiers can be told."
        return pl.DataFrame(schema=PRICE_SCHEMA), Status.unavailable(CAPABILITY, "segment_price_sensitivity", reason)
    kinds = [kind for kind in SEGMENT_KINDS if kind in segments.columns]
    table = segment_price_sensitivity(lines, segments, kinds)
    with_list = lines["list_price_usd"].is_not_null().mean()
    reason = (
        f"{with_list:.0%} of purchase lines carry a list price, so discounts are measured on those."
        if with_list
        else "Price tiers only: the purchases feed carries no list_price, so discounts cannot be measured; "
        "map the list price column to see them."
    )
    return table, Status.ready(CAPABILITY, "segment_price_sensitivity", table.height, reason)


@dg.asset(
    key=SEGMENT_PRICE_SENSITIVITY,
    deps=[CUSTOMER_SEGMENTS, PURCHASE_LINES],
    description=(
        "One row per segment of each kind: purchase lines, the share bought on offer (paid below list price), "
        "their average discount, the share from the cheapest third of their category's prices, and the share of "
        "spend on offer. Discount columns are null where the feed carries no list price."
    ),
    group_name="actions",
    kinds={"polars", "duckdb"},
    owners=[OWNER],
    pool=WAREHOUSE_POOL,
)
def segment_price_sensitivity_table(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect(read_only=True) as con:
        lines = con.sql(
            "select customer_id, category, cast(unit_price_usd as double) as unit_price_usd, "
            "cast(list_price_usd as double) as list_price_usd, cast(line_amount_usd as double) as amount_usd "
            "from staging.stg_shop__purchases where not is_return"
        ).pl()
        segments = read_table(con, CANDIDATE_SCHEMA, "customer_segments")
    table, status = price_table(lines, segments)
    with warehouse.connect() as con:
        replace_table(con, CANDIDATE_SCHEMA, "segment_price_sensitivity", table)
        record_status(con, CANDIDATE_SCHEMA, status)
    context.log.info(f"price sensitivity: {status.status}: {status.reason}")
    return dg.MaterializeResult(
        metadata={
            **frame_metadata(table, table="candidate.segment_price_sensitivity"),
            "status": status.status,
            "reason": status.reason,
        }
    )
