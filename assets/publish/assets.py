"""Publication: write the checked candidate as a new version file, then switch analysts to it.

This runs only after every blocking check upstream has passed. The version file holds every
published table, and views over the history and transitions (one Parquet file per published
version, see `assets/publish/history_files.py`); analysts' stable path is
switched to it in one rename, so they see either the previous version or this one, never a mix,
and their open connections are never blocked or broken (see `assets/publish/store.py`).
"""

import os
import time
from datetime import UTC, datetime

import dagster as dg
import duckdb
import polars as pl

from assets.actions.action_audiences import life_event_audiences, prospect_audiences
from assets.actions.published import ACTION_TABLES
from assets.clv.assets import CANDIDATE_SCHEMA, CLV_BACKTEST, CLV_MODEL_PARAMETERS, CUSTOMER_CLV, candidate_status
from assets.freshness import DAILY_REFRESH
from assets.ingest.assets import OWNER, WAREHOUSE_POOL
from assets.ingest.currency import reporting_currency
from assets.ingest.lookups import DEFAULT_REPORTING_CURRENCY
from assets.publish.checks import gating_checks, published_check_results, published_check_specs
from assets.publish.evidence import published_evidence
from assets.publish.exports import audiences, parse_selections, write_exports
from assets.publish.history import assignments, transitions
from assets.publish.history_files import (
    HISTORY_TABLES,
    history_file,
    history_versions,
    history_view,
    migrate_copied_history,
    open_folders,
    write_history_file,
)
from assets.publish.lock import refresh_lock
from assets.publish.log import Attempt, next_version, record
from assets.publish.mirror import mirror_published
from assets.publish.store import PUBLICATION_TABLE, PublishedStore, write_version
from assets.publish.tidy import published_versions, share_data_docs, tidy
from assets.report.data import quarantine_summary
from assets.report.serve import docs_url
from assets.report.write import write_report
from assets.segments.assets import CUSTOMER_SEGMENTS, SEGMENT_PROFILES
from assets.segments.profiles import SEGMENT_KINDS
from assets.warehouse import read_table, table_ref
from expectations.checks import gx_checks
from orchestration.resources import Publication, Warehouse

PUBLISHED_SCHEMA = "segments"
PAUSE_BEFORE_SWITCH = "SEGMENTS_PAUSE_BEFORE_SWITCH_SECONDS"
"""Environment variable: seconds to wait after the version is written and before the switch.

Lets the crash tests kill a refresh at the riskiest moment of publication; unset in normal runs.
"""

PUBLISHED_TABLES: dict[str, tuple[dg.AssetKey, str]] = {
    "customer_segments": (CUSTOMER_SEGMENTS, "One row per customer with every segment label."),
    "customer_clv": (CUSTOMER_CLV, "One row per customer: P(alive), expected purchases and spend, CLV."),
    "segment_profiles": (SEGMENT_PROFILES, "One row per segment of each kind, with size, revenue and CLV."),
    "clv_model_parameters": (CLV_MODEL_PARAMETERS, "One row per fitted CLV model parameter."),
    "clv_backtest": (CLV_BACKTEST, "One row per model: hold-out predictions against what happened."),
    "unknown_values": (
        CUSTOMER_SEGMENTS,
        "One row per field and value no value map (feeds.<feed>.values) or vocabulary knows, with its rows.",
    ),
    **ACTION_TABLES,
}
DERIVED_TABLES: dict[str, str] = {
    "segment_history": "One row per customer, segment kind and published version: every published assignment.",
    "segment_transitions": (
        "One row per segment kind, from-segment and to-segment between consecutive published versions, with "
        "the customers who moved (null from: new customer; null to: customer gone)."
    ),
}


FILE_COMMENTS: dict[str, str] = {
    **{table: grain for table, (_, grain) in PUBLISHED_TABLES.items()},
    **DERIVED_TABLES,
    PUBLICATION_TABLE: "One row: this version, when it was published, its customers, CLV status and currency.",
    "publish_log": "One row per refresh attempt, failed ones included, with its checks and row counts.",
}
"""`COMMENT ON` text of every table and view of a version file."""


def published_key(table: str) -> dg.AssetKey:
    return dg.AssetKey([PUBLISHED_SCHEMA, table])


def _spec(table: str, deps: list[dg.AssetKey], grain: str) -> dg.AssetSpec:
    return dg.AssetSpec(
        published_key(table),
        deps=deps,
        description=f"{grain} Published for analysts as `{PUBLISHED_SCHEMA}.{table}` after every check passed.",
        group_name="publish",
        kinds={"duckdb"},
        owners=[OWNER],
        freshness_policy=DAILY_REFRESH,
        tags={"stage": "published"},
    )


CHECKED_TABLES = {table: (published_key(table), candidate) for table, (candidate, _) in PUBLISHED_TABLES.items()}
PUBLISHED_CHECKS = published_check_specs(CHECKED_TABLES, gating_checks(gx_checks))


@dg.multi_asset(
    check_specs=PUBLISHED_CHECKS,
    specs=[
        *(_spec(table, [candidate], grain) for table, (candidate, grain) in PUBLISHED_TABLES.items()),
        *(_spec(table, [CUSTOMER_SEGMENTS], grain) for table, grain in DERIVED_TABLES.items()),
    ],
    pool=WAREHOUSE_POOL,
)
def published_segments(context: dg.AssetExecutionContext, warehouse: Warehouse, publication: Publication):
    """Write every published table into a new version file, export audiences, switch analysts to it."""
    if publication.version:
        # `segments refresh` holds the refresh lock for the whole run, chose this version and logs the attempt
        _, results = _publish(context, warehouse, publication, publication.version)
        yield from results
        return
    # a run launched from Dagster itself: take the lock for the publication, so it cannot interleave
    # with a CLI refresh or rollback of the same warehouse, and log the attempt here
    store = publication.store
    with refresh_lock(store.lock_file, wait=True, purpose=f"publication of run {context.run.run_id}"):
        attempt = Attempt(version=next_version(store.log_file, store.versions()), run_id=context.run.run_id)
        record(store.log_file, attempt)
        try:
            counts, results = _publish(context, warehouse, publication, attempt.version)
        except Exception as exc:
            attempt.status, attempt.message, attempt.finished_at = "failed", str(exc), datetime.now(UTC)
            record(store.log_file, attempt)
            raise
        attempt.status, attempt.published, attempt.published_version = "published", True, attempt.version
        attempt.finished_at, attempt.row_counts = datetime.now(UTC), counts
        record(store.log_file, attempt)
    yield from results


def _publish(
    context: dg.AssetExecutionContext, warehouse: Warehouse, publication: Publication, version: int
) -> tuple[dict[str, int], list[dg.MaterializeResult | dg.AssetCheckResult]]:
    store = publication.store
    selections = parse_selections(publication.audiences, SEGMENT_KINDS)
    open_folders(store)
    if not store.log_file.exists():  # the version's publish_log view reads it
        record(store.log_file, Attempt(version=version, run_id=context.run.run_id))
    published_at = datetime.now(UTC)
    previous = store.current_version()
    with warehouse.connect() as con:
        segments = read_table(con, CANDIDATE_SCHEMA, "customer_segments")
        events = read_table(con, CANDIDATE_SCHEMA, "life_events")
        prospects = read_table(con, CANDIDATE_SCHEMA, "prospect_scores")
        contacts = con.sql(
            "select f.customer_id, f.has_marketing_consent, f.preferred_contact_channel, c.email, b.best_channel "
            "from marts.dim_customer_features f left join marts.dim_customers c using (customer_id) "
            f"left join {table_ref(CANDIDATE_SCHEMA, 'customer_best_channel')} b using (customer_id)"
        ).pl()
        current = assignments(segments, list(SEGMENT_KINDS), version, published_at)
        moves = None
        if previous is not None:
            previous_assignments = _previous_assignments(con, store, previous)
            moves = transitions(previous_assignments, current)
        # the history files first (transitions, then assignments): the version file's views read them
        write_history_file(store, "segment_transitions", version, moves if moves is not None else _empty_transitions())
        write_history_file(store, "segment_history", version, current)
        in_history = (published_versions(store) & history_versions(store)) | {version}
        candidate_counts = {
            table: int(con.execute(f"select count(*) from {table_ref(CANDIDATE_SCHEMA, table)}").fetchone()[0])
            for table in PUBLISHED_TABLES
        }
        counts = _write_version(con, store, publication, version, published_at, current, previous, in_history)
        mirror_published(con, store.version_file(version), store.log_file)
        write_report(store.version_file(version), store.report_file(version), quarantine_summary(con))
    frames = audiences(segments, contacts, selections, version)
    frames.update(life_event_audiences(events, contacts, version))
    frames.update(prospect_audiences(prospects, contacts, version))
    exported = write_exports(store.exports_dir / f"v{version:06d}", frames)
    share_data_docs(store, version)
    pause = float(os.environ.get(PAUSE_BEFORE_SWITCH) or 0)
    if pause:
        context.log.warning(f"{PAUSE_BEFORE_SWITCH}={pause}: waiting before switching to version {version}")
        time.sleep(pause)
    store.switch_to(version)
    pruned = store.prune(publication.keep_versions)
    tidy(store)
    context.log.info(f"published version {version} to {store.current}; removed old versions {pruned or 'none'}")
    results: list[dg.MaterializeResult | dg.AssetCheckResult] = [*_results(store, version, previous, counts, exported)]
    results += published_check_results(
        context.instance,
        context.run.run_id,
        PUBLISHED_CHECKS,
        CHECKED_TABLES,
        store.version_file(version),
        counts,
        candidate_counts,
    )
    return counts, results


def _previous_assignments(con: duckdb.DuckDBPyConnection, store: PublishedStore, previous: int) -> pl.DataFrame:
    """The assignments of the version analysts see now, from its history file.

    A published file of the earlier layout (history copied whole into it) is split into
    per-version files first.
    """
    if previous not in history_versions(store):
        con.execute("attach ? as previous_version (read_only)", [str(store.current)])
        try:
            migrate_copied_history(con, store, "previous_version")
        finally:
            con.execute("detach previous_version")
    return pl.read_parquet(history_file(store, "segment_history", previous))


def _write_version(
    con: duckdb.DuckDBPyConnection,
    store: PublishedStore,
    publication: Publication,
    version: int,
    published_at: datetime,
    current: pl.DataFrame,
    previous: int | None,
    in_history: set[int],
) -> dict[str, int]:
    """Fill the version file from the candidate, with views over the history files; rows per table and view."""
    clv = candidate_status(con)
    publication_row = pl.DataFrame(
        {
            "version": [version],
            "published_at": [published_at],
            "previous_version": [previous],
            "customers": [current["customer_id"].n_unique()],
            "exports_folder": [str(store.exports_dir / f"v{version:06d}")],
            "clv_status": [clv.status],
            "clv_note": [clv.note],
            # the currency every amount of this version is in (the `_usd` columns until their rename)
            "reporting_currency": [reporting_currency(con) or DEFAULT_REPORTING_CURRENCY],
        },
        schema_overrides={"previous_version": pl.Int64},
    )
    con.register("publication_row", publication_row.to_arrow())
    tables = {table: f"select * from {table_ref(CANDIDATE_SCHEMA, table)}" for table in PUBLISHED_TABLES}
    tables[PUBLICATION_TABLE] = "select * from publication_row"
    log_path = str(store.log_file).replace("'", "''")
    views = {table: history_view(store, table, in_history) for table in HISTORY_TABLES}
    views["publish_log"] = f"select * from read_parquet('{log_path}')"
    try:
        write_version(
            con,
            store.version_file(version),
            tables,
            views=views,
            storage_version=publication.storage_version,
            comments=FILE_COMMENTS,
        )
        con.execute("attach ? as version_check (read_only)", [str(store.version_file(version))])
        try:
            return {
                table: int(con.execute(f"select count(*) from version_check.main.{table}").fetchone()[0])
                for table in [*tables, *HISTORY_TABLES]
            }
        finally:
            con.execute("detach version_check")
    finally:
        con.unregister("publication_row")


def _empty_transitions() -> pl.DataFrame:
    return transitions(pl.DataFrame(schema=_assignment_schema()), pl.DataFrame(schema=_assignment_schema()))


def _assignment_schema() -> dict[str, pl.DataType]:
    return {
        "version": pl.Int64,
        "published_at": pl.Datetime("us", "UTC"),
        "customer_id": pl.String,
        "segment_kind": pl.String,
        "segment": pl.String,
    }


def _results(
    store: PublishedStore, version: int, previous: int | None, counts: dict[str, int], exported: dict[str, int]
):
    tables = [*PUBLISHED_TABLES, *DERIVED_TABLES]
    evidence = published_evidence(store.version_file(version), tables)
    for table in tables:
        metadata: dict[str, dg.RawMetadataValue] = {
            **evidence.get(table, {}),
            "dagster/row_count": dg.MetadataValue.int(counts[table]),
            "dagster/table_name": f"{PUBLISHED_SCHEMA}.{table}",
            "published_version": dg.MetadataValue.int(version),
            "previous_version": dg.MetadataValue.int(previous) if previous is not None else "none",
            "published_file": dg.MetadataValue.path(str(store.current)),
        }
        if table == "customer_segments":
            metadata["audience_exports"] = dg.MetadataValue.json(exported)
            metadata["exports_folder"] = dg.MetadataValue.path(str(store.exports_dir / f"v{version:06d}"))
            metadata["report"] = dg.MetadataValue.path(str(store.report_file(version)))
            metadata["report_url"] = dg.MetadataValue.url(docs_url(store.report_file(version).relative_to(store.root)))
        yield dg.MaterializeResult(asset_key=published_key(table), metadata=metadata)
