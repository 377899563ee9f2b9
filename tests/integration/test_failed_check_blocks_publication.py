"""A refresh whose data fails a great-expectations check publishes nothing and says so in the log."""

import hashlib
import json
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets.publish.log import read_log
from assets.publish.store import PublishedStore
from orchestration.refresh import run_refresh

pytestmark = pytest.mark.integration


def file_digests(store: PublishedStore) -> dict[str, str]:
    """Every published file's bytes: the stable path analysts open and each version file."""
    files = [store.current, *(store.version_file(v) for v in store.versions())]
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


def test_implausible_income_fails_the_features_suite_and_keeps_published_tables(refreshed, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(refreshed.warehouse, warehouse)
    store = PublishedStore.beside(warehouse)
    shutil.copytree(PublishedStore.beside(refreshed.warehouse).root, store.root)
    landing = tmp_path / "landing"
    shutil.copytree(refreshed.landing, landing)
    signups = sorted((landing / "signups").glob("*.csv"))[0]
    header = signups.read_text().splitlines()[0]
    fields = dict.fromkeys(header.split(","), "")
    fields.update(
        customer_id="C9999999", signed_up_at="2026-01-01 10:00:00", income="900000000000", marketing_consent="false"
    )
    (landing / "signups" / "signups_late.csv").write_text(header + "\n" + ",".join(fields.values()) + "\n")

    before = file_digests(store)
    published_version = store.current_version()
    result = run_refresh(warehouse, landing, instance=dg.DagsterInstance.ephemeral())

    assert not result.success
    failed = [e for e in result.get_asset_check_evaluations() if not e.passed]
    assert [e.check_name for e in failed] == ["customer_features_pass_expectations"]
    failed_expectations = failed[0].metadata["failed_expectations"].value
    assert failed_expectations[0]["column"] == "income_usd"
    assert 900000000000 in failed_expectations[0]["sample_values"]
    docs = Path(failed[0].metadata["data_docs"].value.removeprefix("file://"))
    assert "income_usd" in docs.read_text()
    published_keys = {m.asset_key.path[0] for m in result.get_asset_materialization_events()}
    assert "segments" not in published_keys

    # byte for byte: no published file changed, no version was added, analysts still see the same version
    assert file_digests(store) == before
    assert store.current_version() == published_version

    attempt = read_log(store.log_file).tail(1).row(0, named=True)
    assert (attempt["status"], attempt["published"], attempt["published_version"]) == (
        "failed",
        False,
        published_version,
    )
    assert attempt["failed_checks"] == ["customer_features_pass_expectations on marts/dim_customer_features"]
    assert attempt["run_id"] == result.run_id and attempt["finished_at"] is not None
    assert any(path.endswith("signups_late.csv") for path in attempt["input_files"])
    assert attempt["data_docs"] and Path(attempt["data_docs"]).exists()
    # the check stopped the run before any candidate table was rebuilt: the earlier run's candidate
    # tables still in the warehouse are not this attempt's work
    assert json.loads(attempt["row_counts"]) == {}

    # the candidate that failed stays in the warehouse for inspection
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        kept = con.execute("select income_usd from marts.dim_customer_features where customer_id = 'C9999999'")
        assert kept.fetchone()[0] == 900000000000
    finally:
        con.close()
