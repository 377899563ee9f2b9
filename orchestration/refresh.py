"""Run the refresh job in process against a warehouse and landing folder.

Used by the `segments` CLI, the benchmarks and the integration tests, so all three run the
pipeline the same way a user does.
"""

import os
from pathlib import Path
from typing import Any

import dagster as dg

from assets.features.dbt import prepare_dbt_manifest
from orchestration.definitions import build_definitions


def refresh_run_config(
    *,
    as_of: str | None = None,
    time_unit: str = "weeks",
    horizon_months: int = 12,
    monthly_discount_rate: float = 0.01,
    log_level: str = "WARNING",
) -> dict[str, Any]:
    """Run config for `refresh_job`: the features' as-of date and the CLV settings."""
    return {
        "ops": {
            "customer_features_dbt": {"config": {"as_of": as_of}},
            "customer_clv": {
                "config": {
                    "time_unit": time_unit,
                    "horizon_months": horizon_months,
                    "monthly_discount_rate": monthly_discount_rate,
                }
            },
        },
        "loggers": {"console": {"config": {"log_level": log_level}}},
    }


def run_refresh(
    warehouse: Path, landing: Path, run_config: dict[str, Any] | None = None, instance: dg.DagsterInstance | None = None
) -> dg.ExecuteInProcessResult:
    """Materialize every asset in process; a failed check stops the run before publication."""
    prepare_dbt_manifest()
    defs = build_definitions(warehouse=Path(warehouse).resolve(), landing=Path(landing).resolve())
    job = defs.resolve_job_def("refresh_job")
    if instance is None:
        instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    return job.execute_in_process(
        run_config=run_config or refresh_run_config(), instance=instance, raise_on_error=False
    )


def failures(result: dg.ExecuteInProcessResult) -> list[str]:
    """One line per failed step or failed check, with what the check found."""
    lines = []
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            error = event.step_failure_data.error
            lines.append(f"step {event.step_key} failed: {error.message.strip() if error else 'unknown error'}")
        elif event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if not evaluation.passed:
                details = {k: v.value for k, v in evaluation.metadata.items()}
                lines.append(
                    f"check {evaluation.check_name} on {evaluation.asset_key.to_user_string()} failed: {details}"
                )
    return lines
