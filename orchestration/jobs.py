"""The refresh job: every asset, from the landed feeds to the published tables."""

import dagster as dg

refresh_job = dg.define_asset_job(
    name="refresh_job",
    selection=dg.AssetSelection.all(),
    description="Load the feeds, build the dbt features, compute segments and CLV, check, and publish.",
    # Steps share one DuckDB file that allows a single writer, so they run one after another.
    executor_def=dg.in_process_executor,
)
