"""Run the refresh job in process against a warehouse and landing folder.

Used by the `segments` CLI, the benchmarks and the integration tests, so all three run the
pipeline the same way a user does. A refresh holds the warehouse's refresh lock from start to
end, takes the next version number, and records its attempt in the publish log: as running
when it starts, then as published or failed with its checks, row counts and input files. It
also removes what earlier attempts left behind (`assets/publish/tidy.py`), and runs with an
owner-only umask, so files holding contact data are never readable by others.
"""

import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb

from assets.clv.assets import CANDIDATE_SCHEMA, clv_backtest
from assets.features.dbt import prepare_dbt_manifest
from assets.ingest.config import REFRESH_KEYS
from assets.ingest.pii import private_umask, safe_message
from assets.publish.compact import compact_if_mostly_free
from assets.publish.lock import refresh_lock
from assets.publish.log import Attempt, mark_abandoned, next_version, record
from assets.publish.mirror import mirror_published, mirrored_version
from assets.publish.store import PublishedStore
from assets.publish.tidy import tidy
from orchestration.definitions import build_definitions
from orchestration.failures import failures
from orchestration.resources import Landing, Publication, Warehouse

logger = logging.getLogger(__name__)
CANDIDATE_TABLES = (
    "customer_segments",
    "customer_clv",
    "segment_profiles",
    "clv_model_parameters",
    "clv_backtest",
)

# every refresh setting but the as-of date configures the CLV asset and its backtest
CLV_SETTINGS = tuple(key for key in REFRESH_KEYS if key != "as_of")


def refresh_run_config(settings: dict[str, Any] | None = None, *, log_level: str = "WARNING") -> dict[str, Any]:
    """Run config for `refresh_job` from refresh settings (`as_of` and the CLV settings); unset ones keep defaults."""
    settings = {k: v for k, v in (settings or {}).items() if v is not None}
    unknown = sorted(set(settings) - {"as_of", *CLV_SETTINGS})
    if unknown:
        raise ValueError(f"unknown refresh setting(s) {', '.join(unknown)}; valid: as_of, {', '.join(CLV_SETTINGS)}")
    clv = {k: _text(v) if k == "calibration_end" else v for k, v in settings.items() if k in CLV_SETTINGS}
    return {
        "ops": {
            "customer_features_dbt": {"config": {"as_of": _text(settings.get("as_of"))}},
            # the CLV asset and its backtest share one configuration, so they fit the same model
            "customer_clv": {"config": clv},
            clv_backtest.op.name: {"config": dict(clv)},
        },
        "loggers": {"console": {"config": {"log_level": log_level}}},
    }


def _text(value: Any) -> str | None:
    """Dates from YAML arrive as `date` objects; the run config takes ISO text."""
    return None if value is None else str(value)


def run_refresh(
    warehouse: Path,
    landing: Path,
    run_config: dict[str, Any] | None = None,
    instance: dg.DagsterInstance | None = None,
    config_file: Path | None = None,
    *,
    wait: bool = False,
    publication: dict[str, Any] | None = None,
    landing_overrides_config: bool = False,
) -> dg.ExecuteInProcessResult:
    """Materialize every asset in process; a failed check stops the run before publication.

    Refuses at once (``RefreshLocked``) if another refresh or rollback of the same warehouse is
    running, or with ``wait`` waits for it. ``publication`` overrides `Publication` settings
    (drift thresholds, audiences, storage version). With ``landing_overrides_config`` the feeds
    configuration's folders are relative to ``landing`` rather than to its own `landing` key.
    """
    warehouse = Path(warehouse).resolve()
    landing = Path(landing).resolve()
    config_file = Path(config_file).resolve() if config_file else None
    store = PublishedStore.beside(warehouse)
    # private_umask: the warehouse, its WAL and dbt's files hold contact data, owner-only from the start;
    # what analysts read is opened up explicitly (assets/publish/history_files.py, log.py, tidy.py)
    with refresh_lock(store.lock_file, wait=wait), private_umask():
        attempt = Attempt(version=next_version(store.log_file, store.versions()))
        try:
            # inside the try: a published file that cannot be opened still leaves a failed row
            attempt.published_version = store.current_version()
            mark_abandoned(store.log_file, published_version=attempt.published_version)
            record(store.log_file, attempt)
            tidy(store, warehouse.parent / "logs")
            prepare_dbt_manifest()
            attempt.input_files = input_files(landing, config_file, landing_overrides_config)
            heal_mirror(warehouse, store)
            settings = Publication(path=str(store.root), version=attempt.version, **(publication or {}))
            defs = build_definitions(
                warehouse, landing, config_file, publication=settings, landing_overrides_config=landing_overrides_config
            )
            result = defs.resolve_job_def("refresh_job").execute_in_process(
                run_config=run_config or refresh_run_config(), instance=instance or _instance(), raise_on_error=False
            )
        except BaseException as exc:
            attempt.status, attempt.message, attempt.finished_at = "failed", str(exc), datetime.now(UTC)
            record(store.log_file, attempt)
            raise
        finish_attempt(attempt, result, store)
        record(store.log_file, attempt)
        try:
            compact_if_mostly_free(warehouse)
        except (duckdb.Error, OSError) as exc:  # the refresh is done and logged; compaction retries next time
            logger.warning("could not compact %s: %s", warehouse, safe_message(exc, 500))
    return result


def _instance() -> dg.DagsterInstance:
    return dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()


def input_files(landing: Path, config_file: Path | None, landing_overrides_config: bool = False) -> list[str]:
    """The feed files this refresh reads, as `feed: path`."""
    config = Landing(
        path=str(landing),
        config_file=str(config_file) if config_file else None,
        path_overrides_config=landing_overrides_config,
    ).pipeline_config()
    files = []
    for source in config.sources:
        if source.folder.is_dir():
            found = sorted(p for p in source.folder.glob(source.glob) if p.is_file() and not p.name.startswith("_"))
            files += [f"{source.feed.name}: {p}" for p in found]
    return files


def heal_mirror(warehouse: Path, store: PublishedStore) -> None:
    """Bring the warehouse's `segments` copy back to the published version if they differ.

    They differ only after a refresh was killed between writing its copy and switching analysts
    (or after a rollback could not reach the warehouse).
    """
    published = store.current_version()
    if published is None or not warehouse.exists():
        return
    with Warehouse(path=str(warehouse)).connect() as con:
        if mirrored_version(con) != published:
            mirror_published(con, store.current, store.log_file)


def finish_attempt(attempt: Attempt, result: dg.ExecuteInProcessResult, store: PublishedStore) -> None:
    """Fill in how the attempt ended: checks, row counts, whether it was published."""
    evaluations = result.get_asset_check_evaluations()
    blocking = [e for e in evaluations if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR]
    warned = [e for e in evaluations if not e.passed and e.severity == dg.AssetCheckSeverity.WARN]
    published = {m.asset_key.path[0] for m in result.get_asset_materialization_events()} >= {"segments"}
    attempt.run_id = result.run_id
    attempt.finished_at = datetime.now(UTC)
    attempt.checks_passed = sum(e.passed for e in evaluations)
    attempt.checks_failed = len(blocking)
    attempt.failed_checks = [f"{e.check_name} on {e.asset_key.to_user_string()}" for e in blocking]
    attempt.warnings = [f"{e.check_name} on {e.asset_key.to_user_string()}" for e in warned]
    attempt.published = published and result.success
    attempt.status = "published" if attempt.published else "failed"
    attempt.published_version = store.current_version()
    attempt.row_counts = candidate_row_counts(result)
    problems = failures(result)
    attempt.message = safe_message("; ".join(problems)) if problems else None
    docs = store.data_docs_dir / f"v{attempt.version:06d}" / "index.html"
    attempt.data_docs = str(docs) if docs.exists() else None


def candidate_row_counts(result: dg.ExecuteInProcessResult) -> dict[str, int]:
    """Rows per candidate table this run materialized, as each asset reported them.

    Read from the run's materializations, not from the warehouse: `candidate.*` tables left by an
    earlier run stay there for inspection, and must not be counted as this attempt's work.
    """
    counts = {}
    for event in result.get_asset_materialization_events():
        materialization = event.materialization
        table = materialization.asset_key.path[-1]
        rows = materialization.metadata.get("dagster/row_count")
        built = materialization.asset_key.path == [CANDIDATE_SCHEMA, table] and table in CANDIDATE_TABLES
        if built and rows is not None:
            counts[table] = int(rows.value)
    return counts
