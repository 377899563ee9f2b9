"""The one place that builds the Dagster `Definitions` of the code location."""

from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from assets.actions.channel_assets import channel_response
from assets.actions.cross_sell_assets import cross_sell
from assets.actions.life_event_assets import life_event_table
from assets.actions.price_assets import segment_price_sensitivity_table
from assets.actions.prospect_assets import prospects
from assets.clv.assets import clv_backtest, customer_clv
from assets.features.dbt import build_dbt_assets, dbt_project
from assets.ingest.assets import raw_assets, raw_checks
from assets.ingest.lookup_assets import lookup_assets
from assets.publish.assets import published_segments
from assets.publish.store import PublishedStore
from assets.segments.assets import customer_segments, segment_profiles
from expectations.checks import gx_checks
from orchestration.jobs import refresh_job
from orchestration.resources import DEFAULT_LANDING, DEFAULT_WAREHOUSE, Landing, Publication, Warehouse
from orchestration.schedules import refresh_job_schedule
from orchestration.sensors import new_files_sensor


def build_definitions(
    warehouse: str | Path = DEFAULT_WAREHOUSE,
    landing: str | Path = DEFAULT_LANDING,
    config_file: Path | None = None,
    publication: Publication | None = None,
    *,
    landing_overrides_config: bool = False,
) -> dg.Definitions:
    """Definitions for a warehouse file and a landing folder (the dbt manifest must exist).

    Published versions go beside the warehouse (`data/warehouse-published/` for
    `data/warehouse.duckdb`) unless ``publication`` says otherwise.
    """
    if publication is None:
        publication = Publication(path=str(PublishedStore.beside(Path(warehouse)).root))
    return dg.Definitions(
        assets=[
            *raw_assets,
            *lookup_assets,
            build_dbt_assets(),
            customer_clv,
            clv_backtest,
            customer_segments,
            segment_profiles,
            channel_response,
            cross_sell,
            prospects,
            segment_price_sensitivity_table,
            life_event_table,
            published_segments,
        ],
        asset_checks=[*raw_checks, *gx_checks],
        jobs=[refresh_job],
        schedules=[refresh_job_schedule],
        sensors=[new_files_sensor],
        resources={
            "warehouse": Warehouse(path=str(warehouse)),
            "landing": Landing(
                path=str(landing),
                config_file=str(config_file) if config_file else None,
                path_overrides_config=landing_overrides_config,
            ),
            "dbt": DbtCliResource(project_dir=dbt_project),
            "publication": publication,
        },
        executor=dg.in_process_executor,
    )


@dg.definitions
def defs() -> dg.Definitions:
    """Loaded by `dagster dev` through workspace.yaml; parses the dbt project when run by `dagster dev`."""
    dbt_project.prepare_if_dev()
    return build_definitions()
