"""Start a refresh when new or changed files land; off until switched on.

A file counts as new when the load manifest has no version of it (same path with the same size
and modification time, or the same checksum in its feed) and no earlier request of this sensor
asked for it: each file triggers at most one run, and a file that failed to load is retried by
the next refresh, not by a storm of sensor runs.
"""

import hashlib
import json
from pathlib import Path

import dagster as dg
import duckdb

from assets.ingest.config import PipelineConfig
from assets.ingest.loading import landed_files
from assets.ingest.manifest import file_checksum, file_stat
from orchestration.jobs import refresh_job
from orchestration.resources import Landing, Warehouse


def landing_fingerprints(config: PipelineConfig) -> dict[str, str]:
    """`size:mtime_ns` of every feed file now in the landing folders."""
    prints: dict[str, str] = {}
    for source in config.sources:
        if not source.folder.is_dir():
            continue
        for path in landed_files(source):
            stat = path.stat()
            prints[str(path)] = f"{stat.st_size}:{stat.st_mtime_ns}"
    return prints


def manifest_rows(warehouse: Path) -> list[tuple[str, int, object, str]]:
    """(path, size, modified_at, checksum) of every file version in the manifest; empty without one."""
    if not warehouse.exists():
        return []
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(
            "select source_file, file_size, modified_at, checksum from raw.load_manifest "
            "where status in ('loaded', 'same_content', 'failed')"
        ).fetchall()
    except duckdb.CatalogException:
        return []
    finally:
        con.close()


def unknown_files(current: dict[str, str], manifest: list[tuple[str, int, object, str]]) -> list[str]:
    """Landed files of which the manifest knows no version (by size and time, else by checksum)."""
    stats = {(path, size, modified) for path, size, modified, _ in manifest}
    checksums = {checksum for *_, checksum in manifest}
    unknown = []
    for path in sorted(current):
        stat = file_stat(Path(path))
        if (path, stat.size, stat.modified_at) in stats:
            continue
        if file_checksum(Path(path)) in checksums:
            continue
        unknown.append(path)
    return unknown


def files_to_request(
    current: dict[str, str], manifest: list[tuple[str, int, object, str]], requested: dict[str, str]
) -> tuple[list[str], dict[str, str]]:
    """Files to request a run for, and the new cursor: the requested files the manifest does not know yet."""
    unknown = unknown_files(current, manifest)
    new = [path for path in unknown if requested.get(path) != current[path]]
    return new, {path: current[path] for path in unknown}


@dg.sensor(
    name="new_files_sensor",
    job=refresh_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Requests a refresh when feed files the load manifest does not know land in the landing folder.",
)
def new_files_sensor(
    context: dg.SensorEvaluationContext, landing: Landing, warehouse: Warehouse
) -> dg.SensorResult | dg.SkipReason:
    current = landing_fingerprints(landing.pipeline_config())
    try:
        manifest = manifest_rows(warehouse.file)
    except duckdb.IOException as exc:
        # a run holds the warehouse's write lock; look again next time
        return dg.SkipReason(f"The warehouse is busy ({exc}); checking again in a minute")
    requested = json.loads(context.cursor) if context.cursor else {}
    new, cursor = files_to_request(current, manifest, requested)
    if not new:
        return dg.SensorResult(skip_reason=f"No new files in {landing.folder}", cursor=json.dumps(cursor))
    run_key = hashlib.sha256(json.dumps({p: current[p] for p in new}).encode()).hexdigest()[:16]
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=run_key, tags={"landed_files": str(len(new))})],
        cursor=json.dumps(cursor),
    )
