"""Life events asset: profile changes between sign-up versions, flagged when new since the last publication."""

import dagster as dg
import duckdb
import polars as pl

from assets.actions.life_events import life_events
from assets.actions.status import Status, record_status
from assets.clv.assets import CANDIDATE_SCHEMA
from assets.ingest.assets import OWNER, WAREHOUSE_POOL
from assets.metadata import frame_metadata
from assets.publish.store import PublishedStore, open_published
from assets.segments.vocabularies import segmentation_config
from assets.warehouse import replace_table
from orchestration.resources import Landing, Publication, Warehouse

LIFE_EVENTS = dg.AssetKey([CANDIDATE_SCHEMA, "life_events"])
PROFILE_SNAPSHOT = dg.AssetKey(["snapshots", "signup_profiles_snapshot"])
CAPABILITY = "life events"
KEY = ["customer_id", "changed_at", "field", "to_value"]


def previous_events(store: PublishedStore) -> pl.DataFrame | None:
    """The life events of the version analysts see now; None before the first version that has them."""
    if not store.current.exists():
        return None
    with open_published(store.current) as con:
        if not _has_table(con):
            return None
        return con.sql("select customer_id, changed_at, field, to_value from published.life_events").pl()


def _has_table(con: duckdb.DuckDBPyConnection) -> bool:
    rows = con.execute(
        "select table_name from duckdb_tables() where database_name = 'published' and table_name = 'life_events'"
    ).fetchall()
    return bool(rows)


def flag_new(events: pl.DataFrame, previous: pl.DataFrame | None) -> pl.DataFrame:
    """`is_new_since_last_version`: the event is not in the last published version (all are, before one)."""
    if previous is None:
        return events.with_columns(pl.lit(True).alias("is_new_since_last_version"))
    seen = previous.cast({"changed_at": pl.Datetime("us")}).with_columns(
        pl.lit(False).alias("is_new_since_last_version")
    )
    return events.join(seen, on=KEY, how="left").with_columns(pl.col("is_new_since_last_version").fill_null(True))


@dg.asset(
    key=LIFE_EVENTS,
    deps=[PROFILE_SNAPSHOT],
    description=(
        "One row per customer, profile version change and changed field (life stage, marital status, children, "
        "income band, region): from and to values, the event in words ('became Young family') and whether it is "
        "new since the last published version. Empty, with the reason in `action_status`, while no customer "
        "has a second profile version."
    ),
    group_name="actions",
    kinds={"polars", "duckdb"},
    owners=[OWNER],
    pool=WAREHOUSE_POOL,
)
def life_event_table(
    context: dg.AssetExecutionContext, warehouse: Warehouse, landing: Landing, publication: Publication
) -> dg.MaterializeResult:
    config = segmentation_config(landing.pipeline_config().lookups.vocabularies)
    with warehouse.connect(read_only=True) as con:
        versions = con.sql(
            "select customer_id, dbt_valid_from as valid_from, birth_date, marital_status, children_count, "
            "cast(income_usd as double) as income_usd, region, country from snapshots.signup_profiles_snapshot"
        ).pl()
    events = flag_new(life_events(versions, config), previous_events(publication.store))
    if events.is_empty():
        status = Status.unavailable(
            CAPABILITY,
            "life_events",
            "No customer has a second version of their sign-up profile yet: life changes show once updated "
            "sign-up records arrive.",
        )
    else:
        status = Status.ready(
            CAPABILITY,
            "life_events",
            events.height,
            f"{events['customer_id'].n_unique()} customers changed their profile; "
            f"{int(events['is_new_since_last_version'].sum())} changes are new since the last version.",
        )
    with warehouse.connect() as con:
        replace_table(con, CANDIDATE_SCHEMA, "life_events", events)
        record_status(con, CANDIDATE_SCHEMA, status)
    context.log.info(f"life events: {status.status}: {status.reason}")
    return dg.MaterializeResult(
        metadata={
            **frame_metadata(events, table="candidate.life_events"),
            "status": status.status,
            "reason": status.reason,
        }
    )
