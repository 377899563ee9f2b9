"""The daily refresh, off until switched on in the UI (or with `dagster schedule start`)."""

import dagster as dg

from orchestration.jobs import refresh_job

refresh_job_schedule = dg.ScheduleDefinition(
    name="refresh_job_schedule",
    job=refresh_job,
    cron_schedule="0 5 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Refresh every day at 05:00 UTC.",
)
