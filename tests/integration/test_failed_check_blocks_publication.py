"""A refresh whose data fails a great-expectations check publishes nothing."""

import shutil
from pathlib import Path

import dagster as dg
import pytest

from orchestration.refresh import run_refresh

pytestmark = pytest.mark.integration

PUBLISHED = ("customer_segments", "customer_clv", "segment_profiles", "clv_model_parameters")


def snapshot(refreshed, warehouse: Path) -> dict[str, list[tuple]]:
    con_rows = {}
    for table in PUBLISHED:
        con_rows[table] = refreshed.query(f"select * from segments.{table} order by all")
    return con_rows


def test_implausible_income_fails_the_features_suite_and_keeps_published_tables(refreshed, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(refreshed.warehouse, warehouse)
    landing = tmp_path / "landing"
    shutil.copytree(refreshed.landing, landing)
    signups = sorted((landing / "signups").glob("*.csv"))[0]
    header = signups.read_text().splitlines()[0]
    fields = dict.fromkeys(header.split(","), "")
    fields.update(
        customer_id="C9999999", signed_up_at="2026-01-01 10:00:00", income="900000000000", marketing_consent="false"
    )
    (landing / "signups" / "signups_late.csv").write_text(header + "\n" + ",".join(fields.values()) + "\n")

    copy = type(refreshed)(warehouse=warehouse, landing=landing, result=refreshed.result)
    before = snapshot(copy, warehouse)
    result = run_refresh(warehouse, landing, instance=dg.DagsterInstance.ephemeral())

    assert not result.success
    failed = [e for e in result.get_asset_check_evaluations() if not e.passed]
    assert [e.check_name for e in failed] == ["customer_features_pass_expectations"]
    failed_expectations = failed[0].metadata["failed_expectations"].value
    assert failed_expectations[0]["column"] == "income_usd"
    assert 900000000000 in failed_expectations[0]["sample_values"]
    published_keys = {m.asset_key.path[0] for m in result.get_asset_materialization_events()}
    assert "segments" not in {key for key in published_keys}
    assert snapshot(copy, warehouse) == before
