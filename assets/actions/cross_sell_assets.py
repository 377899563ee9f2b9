"""Cross-sell assets: segment category affinity, next categories per customer, and their hold-out backtest."""

from datetime import timedelta

import dagster as dg
import polars as pl

from assets.actions.cross_sell import AFFINITY_SCHEMA, NEXT_SCHEMA, next_categories, ownership
from assets.actions.cross_sell import segment_category_affinity as affinity_table
from assets.actions.cross_sell_backtest import BACKTEST_SCHEMA, cross_sell_backtest
from assets.actions.status import Status, record_status
from assets.clv.assets import CANDIDATE_SCHEMA
from assets.ingest.assets import OWNER, WAREHOUSE_POOL
from assets.metadata import frame_metadata
from assets.segments.assets import CUSTOMER_SEGMENTS
from assets.segments.profiles import SEGMENT_KINDS
from assets.warehouse import read_table, replace_table
from orchestration.resources import Warehouse

SEGMENT_CATEGORY_AFFINITY = dg.AssetKey([CANDIDATE_SCHEMA, "segment_category_affinity"])
CUSTOMER_NEXT_CATEGORIES = dg.AssetKey([CANDIDATE_SCHEMA, "customer_next_categories"])
CROSS_SELL_BACKTEST = dg.AssetKey([CANDIDATE_SCHEMA, "cross_sell_backtest"])
PURCHASE_LINES = dg.AssetKey(["staging", "stg_shop__purchases"])
OFFERS_PER_CUSTOMER = 3
HOLDOUT_DAYS = 182
CAPABILITY = "cross-sell"


def cross_sell_tables(
    lines: pl.DataFrame, segments: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, Status]:
    """Affinity, offers and backtest from purchase lines (customer_id, category, ordered_at, amount_usd)."""
    lines = lines.filter(pl.col("category").is_not_null())
    if lines.is_empty():
        reason = "No purchase line names a category: map the purchases feed's category column to see what to offer."
        empty = pl.DataFrame(schema=AFFINITY_SCHEMA), pl.DataFrame(schema=NEXT_SCHEMA)
        return (
            *empty,
            pl.DataFrame(schema=BACKTEST_SCHEMA),
            Status.unavailable(CAPABILITY, "customer_next_categories", reason),
        )
    kinds = [kind for kind in SEGMENT_KINDS if kind in segments.columns]
    affinity = affinity_table(lines, segments, kinds)
    categories = sorted(lines["category"].unique().to_list())
    customers, owned = ownership(lines, categories)
    offers = next_categories(customers, categories, owned, OFFERS_PER_CUSTOMER)
    cutoff = lines["ordered_at"].max() - timedelta(days=HOLDOUT_DAYS)
    backtest = cross_sell_backtest(lines, cutoff)
    reason = f"Offers for {offers['customer_id'].n_unique()} customers from {len(categories)} categories; " + (
        _backtest_words(backtest) if backtest.height else "too little history after the cut-off to test them."
    )
    return affinity, offers, backtest, Status.ready(CAPABILITY, "customer_next_categories", offers.height, reason)


def _backtest_words(backtest: pl.DataFrame) -> str:
    rates = {(m, k): r for m, k, r in backtest.select("method", "k", "hit_rate").rows()}
    return (
        f"in the last {HOLDOUT_DAYS} days, the first offer named a category the customer went on to buy for "
        f"{rates[('co_purchase', 1)]:.0%} of customers, against {rates[('popularity', 1)]:.0%} offering the most "
        "popular categories."
    )


def _spec(key: dg.AssetKey, description: str) -> dg.AssetSpec:
    return dg.AssetSpec(
        key,
        deps=[CUSTOMER_SEGMENTS, PURCHASE_LINES],
        description=description,
        group_name="actions",
        kinds={"polars", "duckdb"},
        owners=[OWNER],
    )


@dg.multi_asset(
    specs=[
        _spec(
            SEGMENT_CATEGORY_AFFINITY,
            "One row per segment of each kind and category: buyers, share of the segment's buyers, the base share, "
            "lift, spend and spend share; `is_bought_more_than_base` marks the segment's cross-sell categories.",
        ),
        _spec(
            CUSTOMER_NEXT_CATEGORIES,
            f"Up to {OFFERS_PER_CUSTOMER} rows per customer: the next categories to offer, ranked, from what "
            "customers who buy the same categories also buy; never a category the customer already buys.",
        ),
        _spec(
            CROSS_SELL_BACKTEST,
            "One row per method (co_purchase, popularity) and k: of the customers who bought a new category in "
            f"the last {HOLDOUT_DAYS} days, the share whose top-k offers, fitted before, named one.",
        ),
    ],
    pool=WAREHOUSE_POOL,
)
def cross_sell(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Build the three cross-sell tables from the purchase lines and the candidate segments."""
    with warehouse.connect(read_only=True) as con:
        lines = con.sql(
            "select customer_id, category, ordered_at, cast(line_amount_usd as double) as amount_usd "
            "from staging.stg_shop__purchases where not is_return"
        ).pl()
        segments = read_table(con, CANDIDATE_SCHEMA, "customer_segments")
    affinity, offers, backtest, status = cross_sell_tables(lines, segments)
    tables = {
        "segment_category_affinity": affinity,
        "customer_next_categories": offers,
        "cross_sell_backtest": backtest,
    }
    with warehouse.connect() as con:
        for name, frame in tables.items():
            replace_table(con, CANDIDATE_SCHEMA, name, frame)
        record_status(con, CANDIDATE_SCHEMA, status)
    context.log.info(f"cross-sell: {status.status}: {status.reason}")
    for key, (name, frame) in zip(
        (SEGMENT_CATEGORY_AFFINITY, CUSTOMER_NEXT_CATEGORIES, CROSS_SELL_BACKTEST), tables.items(), strict=True
    ):
        metadata = {**frame_metadata(frame, table=f"{CANDIDATE_SCHEMA}.{name}"), "status": status.status}
        yield dg.MaterializeResult(asset_key=key, metadata={**metadata, "reason": status.reason})
