"""Start a refresh when new or changed files land; off until switched on."""

import hashlib
import json

import dagster as dg

from assets.ingest.config import PipelineConfig
from assets.ingest.loading import landed_files
from orchestration.jobs import refresh_job
from orchestration.resources import Landing


def landing_fingerprints(config: PipelineConfig) -> dict[str, str]:
    """Size and modification time of every feed file now in the landing folders."""
    prints: dict[str, str] = {}
    for source in config.sources:
        if not source.folder.is_dir():
            continue
        for path in landed_files(source):
            stat = path.stat()
            prints[str(path)] = f"{stat.st_size}:{stat.st_mtime_ns}"
    return prints


def changed_files(current: dict[str, str], seen: dict[str, str]) -> list[str]:
    return sorted(path for path, fingerprint in current.items() if seen.get(path) != fingerprint)


@dg.sensor(
    name="new_files_sensor",
    job=refresh_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Requests a refresh when feed files are added to or changed in the landing folder.",
)
def new_files_sensor(context: dg.SensorEvaluationContext, landing: Landing) -> dg.SensorResult | dg.SkipReason:
    current = landing_fingerprints(landing.pipeline_config())
    seen = json.loads(context.cursor) if context.cursor else {}
    changed = changed_files(current, seen)
    if not changed:
        return dg.SkipReason(f"No new or changed files in {landing.folder}")
    run_key = hashlib.sha256(json.dumps({p: current[p] for p in changed}).encode()).hexdigest()[:16]
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=run_key, tags={"landed_files": str(len(changed))})],
        cursor=json.dumps(current),
    )
