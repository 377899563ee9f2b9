"""The dbt project as Dagster assets: staging, intermediate and mart models, seeds and tests.

Asset keys follow the warehouse (`["marts", "dim_customer_features"]`), groups and owners come
from dbt `meta`, and raw sources map to the ingestion assets through `meta.dagster.asset_key`,
so the lineage is one graph. dbt tests appear as asset checks. dbt runs as a child that dies with
the refresh, with one target folder per warehouse (see `assets/features/dbt_process.py`).
"""

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import polars as pl
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from assets.features.dbt_process import PARENT_VARIABLE, launcher, remove_run_targets, target_folder
from assets.ingest.assets import WAREHOUSE_POOL
from assets.metadata import PREVIEW_ROWS, markdown_table
from assets.warehouse import table_ref
from orchestration.resources import Landing, Warehouse

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR)
CUSTOMER_FEATURES = dg.AssetKey(["marts", "dim_customer_features"])
FACT_ORDERS = dg.AssetKey(["marts", "fct_orders"])


def dbt_build_args(warehouse_path: Path, as_of: str | None = None, customer_grain: str = "customer") -> list[str]:
    """Arguments of the `dbt build` that refreshes the features in the given warehouse.

    ``customer_grain`` (the feeds configuration's `customer_grain`) is `customer` or `account`.
    """
    variables: dict[str, Any] = {"warehouse_path": str(warehouse_path), "customer_grain": customer_grain}
    if as_of:
        variables["as_of"] = as_of
    # no dbt.log: dagster-dbt reads dbt's events from stdout, the refresh log keeps them, and the file
    # would grow by every refresh's debug lines in the reused target folder
    return ["build", "--vars", json.dumps(variables), "--log-level-file", "none"]


def dbt_dying_with_refresh(dbt: DbtCliResource, target: Path) -> DbtCliResource:
    """``dbt`` with the same settings, started through the launcher that dies with this process."""
    os.environ[PARENT_VARIABLE] = str(os.getpid())  # dagster-dbt passes the environment on to dbt
    return DbtCliResource(
        project_dir=dbt.project_dir,
        profiles_dir=dbt.profiles_dir,
        profile=dbt.profile,
        target=dbt.target,
        global_config_flags=dbt.global_config_flags,
        state_path=dbt.state_path,
        dbt_executable=str(launcher(target)),
    )


class FeaturesConfig(dg.Config):
    as_of: str | None = None
    """Date (YYYY-MM-DD) the features are computed as of; empty means the day of the latest purchase."""


def build_dbt_assets() -> dg.AssetsDefinition:
    """The `@dbt_assets` definition; the manifest must exist (see `prepare_dbt_manifest`)."""

    @dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, pool=WAREHOUSE_POOL)
    def customer_features_dbt(
        context: dg.AssetExecutionContext,
        config: FeaturesConfig,
        dbt: DbtCliResource,
        warehouse: Warehouse,
        landing: Landing,
    ) -> Iterator[Any]:
        # a process holding the warehouse (an orphan dbt, a writer left open) is named before dbt starts
        with warehouse.connect():
            pass
        target = target_folder(warehouse.file)
        remove_run_targets(DBT_PROJECT_DIR / "target")
        runner = dbt_dying_with_refresh(dbt, target)
        grain = landing.pipeline_config().customer_grain
        args = dbt_build_args(warehouse.file, config.as_of, grain)
        # dbt holds the warehouse until it exits, so the events wait for it to count their rows
        invocation = runner.cli(args, context=context, raise_on_error=False, target_path=target)
        events = list(invocation.stream())
        with warehouse.connect(read_only=True) as con:
            for event in events:
                yield with_relation_metadata(con, event, context)
        if not invocation.is_successful():
            raise invocation.get_error() or RuntimeError("dbt build failed")

    return customer_features_dbt


# contact data never leaves raw.* and the consented exports: not in a preview, not in a failure message
CONTACT_COLUMNS = re.compile(r"email|phone|hmac|name|address|company", re.IGNORECASE)


def without_contact_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame without the columns that may hold contact data (`marts.dim_customers.email`, ...)."""
    return frame.select(c for c in frame.columns if not CONTACT_COLUMNS.search(c))


def with_relation_metadata(con: duckdb.DuckDBPyConnection, event: Any, context: dg.AssetExecutionContext) -> Any:
    """Add the row count, and for tables a preview without contact columns, of the relation dbt wrote.

    Asset keys mirror the warehouse (`["marts", "fct_orders"]` is `marts.fct_orders`); events of
    other kinds (test results) and relations that are not in the warehouse pass unchanged.
    """
    if isinstance(event, dg.AssetCheckResult):
        return with_failing_rows(con, event)
    if isinstance(event, dg.Output):
        key = context.asset_key_for_output(event.output_name)
    elif isinstance(event, dg.AssetMaterialization):
        key = event.asset_key
    else:
        return event
    if len(key.path) != 2:
        return event
    schema, name = key.path
    found = con.execute(
        "select table_type from information_schema.tables where table_schema = ? and table_name = ?", [schema, name]
    ).fetchall()
    if not found:
        return event
    relation = table_ref(schema, name)
    extra: dict[str, Any] = {
        "dagster/row_count": dg.MetadataValue.int(con.execute(f"select count(*) from {relation}").fetchall()[0][0])
    }
    if found[0][0] == "BASE TABLE":
        extra["preview"] = dg.MetadataValue.md(
            markdown_table(without_contact_columns(con.sql(f"select * from {relation} limit {PREVIEW_ROWS}").pl()))
        )
    return event.with_metadata({**event.metadata, **extra})


FAILING_ROWS_SHOWN = 5


def with_failing_rows(con: duckdb.DuckDBPyConnection, event: dg.AssetCheckResult) -> dg.AssetCheckResult:
    """A failed dbt test's first offending rows (keys and values), read from its stored failures.

    The project stores every test's failures as a view (`test_failures` schema), so the failure
    message names the rows instead of a count alone; contact columns are left out.
    """
    unique_id = event.metadata.get("unique_id")
    if event.passed or unique_id is None:
        return event
    node = json.loads(dbt_project.manifest_path.read_text())["nodes"].get(getattr(unique_id, "value", unique_id))
    if not node or not node.get("relation_name"):
        return event
    relation = table_ref(node["schema"], node["alias"])
    try:
        frame = con.sql(f"select * from {relation} limit {FAILING_ROWS_SHOWN}").pl()
    except duckdb.Error:
        return event  # the stored failures are gone: the count alone must do
    frame = without_contact_columns(frame)
    rows = [
        {k: (v if isinstance(v, (int, float, bool, type(None))) else str(v)) for k, v in r.items()}
        for r in frame.iter_rows(named=True)
    ]
    return event.with_metadata(
        {**event.metadata, "failing_rows": dg.MetadataValue.json(rows), "failures_relation": str(relation)}
    )


GENERATED_FOLDERS = ("target", "logs", "dbt_packages")


def manifest_is_current() -> bool:
    """True when the manifest is newer than every source file of the dbt project.

    dbt's partial parsing cannot help here: the vars and the profile carry the warehouse path, and
    either changing forces a full parse (several seconds). Skipping the parse when no model, macro,
    seed, snapshot or setting changed saves that on every refresh but the first.
    """
    manifest = dbt_project.manifest_path
    if not manifest.exists():
        return False
    built = manifest.stat().st_mtime
    for path in DBT_PROJECT_DIR.rglob("*"):
        relative = path.relative_to(DBT_PROJECT_DIR)
        if relative.parts[0] in GENERATED_FOLDERS or not path.is_file():
            continue
        if path.stat().st_mtime > built:
            return False
    return True


def prepare_dbt_manifest() -> Path:
    """Parse the dbt project so its manifest exists and matches the project's files."""
    if not manifest_is_current():
        dbt_project.preparer.prepare(dbt_project)
    return dbt_project.manifest_path
