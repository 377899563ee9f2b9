"""The published assets carry checks: the version file's own, and the outcomes of the checks that gated it."""

from pathlib import Path

import dagster as dg
import duckdb

from assets.publish.assets import published_key, published_segments
from assets.publish.store import PublishedStore
from orchestration.resources import Publication, Warehouse
from tests.unit.report.test_report_at_publication import write_candidate


def test_the_published_assets_report_their_file_checks_and_the_gates(tmp_path: Path):
    warehouse = tmp_path / "warehouse.duckdb"
    store = PublishedStore.beside(warehouse)
    resources = {"warehouse": Warehouse(path=str(warehouse)), "publication": Publication(path=str(store.root))}
    write_candidate(warehouse, {"a": "Loyal", "b": "Loyal", "c": "Lost"})
    result = dg.materialize([published_segments], resources=resources)
    assert result.success
    evaluations = {(e.asset_key, e.check_name): e for e in result.get_asset_check_evaluations()}
    segments = published_key("customer_segments")
    rows = evaluations[(segments, "rows_match_candidate")]
    assert rows.passed and rows.metadata["published_rows"].value == 3 == rows.metadata["candidate_rows"].value
    assert evaluations[(published_key("clv_backtest"), "version_readable")].passed
    # publication run alone: the candidate's gating checks did not run, and the published asset says so
    gate = evaluations[(segments, "customer_segments_pass_expectations")]
    assert not gate.passed and gate.severity == dg.AssetCheckSeverity.WARN
    assert "no finished evaluation" in gate.metadata["problem"].value
    assert (segments, "customer_segments_cover_every_customer") in evaluations
    assert all(e.description for e in evaluations.values())


def test_every_table_and_view_of_a_version_file_has_a_comment(tmp_path: Path):
    warehouse = tmp_path / "warehouse.duckdb"
    store = PublishedStore.beside(warehouse)
    resources = {"warehouse": Warehouse(path=str(warehouse)), "publication": Publication(path=str(store.root))}
    write_candidate(warehouse, {"a": "Loyal", "b": "Lost"})
    assert dg.materialize([published_segments], resources=resources).success
    con = duckdb.connect(str(store.current), read_only=True)
    try:
        comments = dict(
            con.execute(
                "select table_name, comment from duckdb_tables() where database_name = current_database() "
                "union all select view_name, comment from duckdb_views() "
                "where database_name = current_database() and not internal"
            ).fetchall()
        )
    finally:
        con.close()
    assert {"customer_segments", "segment_history", "publication", "publish_log"} <= set(comments)
    assert {name for name, comment in comments.items() if not comment} == set()
    assert comments["customer_segments"].startswith("One row per customer")
