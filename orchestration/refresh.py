"""Run the refresh job in process against a warehouse and landing folder.

Used by the `segments` CLI, the benchmarks and the integration tests, so all three run the
pipeline the same way a user does.
"""

import os
from pathlib import Path
from typing import Any

import dagster as dg

from assets.clv.assets import clv_backtest
from assets.features.dbt import prepare_dbt_manifest
from orchestration.definitions import build_definitions

CLV_SETTINGS = (
    "time_unit",
    "calibration_end",
    "horizon_months",
    "monthly_discount_rate",
    "purchase_model",
    "backtest_holdout_days",
)


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
) -> dg.ExecuteInProcessResult:
    """Materialize every asset in process; a failed check stops the run before publication."""
    prepare_dbt_manifest()
    defs = build_definitions(
        warehouse=Path(warehouse).resolve(),
        landing=Path(landing).resolve(),
        config_file=Path(config_file).resolve() if config_file else None,
    )
    job = defs.resolve_job_def("refresh_job")
    if instance is None:
        instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    return job.execute_in_process(
        run_config=run_config or refresh_run_config(), instance=instance, raise_on_error=False
    )


def failures(result: dg.ExecuteInProcessResult, *, include_warnings: bool = False) -> list[str]:
    """One line per failed step or failed blocking (error-severity) check, with what the check found.

    Checks that fail with WARN severity do not stop publication; ``include_warnings`` lists them too.
    """
    lines = []
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            error = event.step_failure_data.error
            lines.append(f"step {event.step_key} failed: {error.message.strip() if error else 'unknown error'}")
        elif event.event_type_value == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            blocking = evaluation.severity == dg.AssetCheckSeverity.ERROR
            if not evaluation.passed and (blocking or include_warnings):
                details = {k: v.value for k, v in evaluation.metadata.items()}
                kind = "check" if blocking else "warning"
                target = evaluation.asset_key.to_user_string()
                lines.append(f"{kind} {evaluation.check_name} on {target} failed: {details}")
    return lines
