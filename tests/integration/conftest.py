"""Shared integration fixtures: sample feeds and one real refresh into a temporary warehouse.

The refresh is session-scoped: it runs the real ingestion, dbt build, polars assets, GX checks
and publication once, and the tests assert on the rows it produced.
"""

import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets.features.dbt import DBT_PROJECT_DIR
from orchestration.refresh import failures, run_refresh
from sample_data import generate_feeds

SAMPLE_CUSTOMERS = 2_000


@dataclass(frozen=True)
class Refresh:
    warehouse: Path
    landing: Path
    result: dg.ExecuteInProcessResult

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def scalar(self, sql: str, params: list | None = None):
        return self.query(sql, params)[0][0]


@pytest.fixture(scope="session")
def sample_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    landing = tmp_path_factory.mktemp("landing")
    generate_feeds(landing, customers=SAMPLE_CUSTOMERS, seed=7, progress=False, overwrite=True)
    return landing


@pytest.fixture(scope="session")
def refreshed(sample_landing: Path, tmp_path_factory: pytest.TempPathFactory) -> Refresh:
    warehouse = tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb"
    result = run_refresh(warehouse, sample_landing, instance=dg.DagsterInstance.ephemeral())
    assert result.success, failures(result)
    return Refresh(warehouse=warehouse, landing=sample_landing, result=result)


def run_dbt_build(warehouse: Path, target: Path, select: str) -> subprocess.CompletedProcess:
    """`dbt build --select ...` on a warehouse, in its own process (dbt-duckdb keeps its connection open)."""
    return subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "build",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(target),
            "--select",
            select,
            "--vars",
            json.dumps({"warehouse_path": str(warehouse)}),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def dbt_build() -> Callable[[Path, Path, str], subprocess.CompletedProcess]:
    """Run part of the dbt project on a small warehouse a test built itself."""
    return run_dbt_build
