"""Publication: copy the checked candidates into the analysts' `segments` schema at once.

This runs only after every blocking check upstream has passed; the four tables are replaced in
one transaction, so analysts see either the previous refresh or this one, never a mix.
"""

import dagster as dg

from assets.clv.assets import CANDIDATE_SCHEMA, CLV_BACKTEST, CLV_MODEL_PARAMETERS, CUSTOMER_CLV
from assets.ingest.assets import OWNER, WAREHOUSE_POOL
from assets.segments.assets import CUSTOMER_SEGMENTS, SEGMENT_PROFILES
from assets.warehouse import table_ref
from orchestration.resources import Warehouse

PUBLISHED_SCHEMA = "segments"

PUBLISHED_TABLES: dict[str, tuple[dg.AssetKey, str]] = {
    "customer_segments": (CUSTOMER_SEGMENTS, "One row per customer with every segment label."),
    "customer_clv": (CUSTOMER_CLV, "One row per customer: P(alive), expected purchases and spend, CLV."),
    "segment_profiles": (SEGMENT_PROFILES, "One row per segment of each kind, with size, revenue and CLV."),
    "clv_model_parameters": (CLV_MODEL_PARAMETERS, "One row per fitted CLV model parameter."),
    "clv_backtest": (CLV_BACKTEST, "One row per model: hold-out predictions against what happened."),
}


def published_key(table: str) -> dg.AssetKey:
    return dg.AssetKey([PUBLISHED_SCHEMA, table])


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            published_key(table),
            deps=[candidate],
            description=f"{grain} Published for analysts in `{PUBLISHED_SCHEMA}.{table}` after every check passed.",
            group_name="publish",
            kinds={"duckdb"},
            owners=[OWNER],
        )
        for table, (candidate, grain) in PUBLISHED_TABLES.items()
    ],
    pool=WAREHOUSE_POOL,
)
def published_segments(warehouse: Warehouse):
    """Replace every published table from its candidate in a single transaction."""
    with warehouse.connect() as con:
        con.execute(f"create schema if not exists {PUBLISHED_SCHEMA}")
        con.execute("begin transaction")
        try:
            for table in PUBLISHED_TABLES:
                con.execute(
                    f"create or replace table {table_ref(PUBLISHED_SCHEMA, table)} as "
                    f"select * from {table_ref(CANDIDATE_SCHEMA, table)}"
                )
            counts = {
                table: con.execute(f"select count(*) from {table_ref(PUBLISHED_SCHEMA, table)}").fetchone()[0]
                for table in PUBLISHED_TABLES
            }
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    for table, rows in counts.items():
        yield dg.MaterializeResult(
            asset_key=published_key(table),
            metadata={
                "dagster/row_count": dg.MetadataValue.int(int(rows)),
                "dagster/table_name": f"{PUBLISHED_SCHEMA}.{table}",
            },
        )
