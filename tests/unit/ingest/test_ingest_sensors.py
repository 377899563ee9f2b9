"""The new-files sensor asks for one run per landed file, going by the load manifest."""

from datetime import datetime
from pathlib import Path

import dagster as dg
import duckdb

from assets.ingest.config import default_config
from assets.ingest.loading import load_feed
from orchestration.resources import Landing, Warehouse
from orchestration.sensors import files_to_request, landing_fingerprints, manifest_rows, new_files_sensor

HEADER = "order_id,customer_id,ordered_at,product_id,category,quantity,unit_price,channel\n"
LINE = "O1,C1,2025-01-01 10:00:00,P1,home,1,2.50,web\n"


def test_only_feed_files_count(tmp_path: Path):
    (tmp_path / "purchases").mkdir()
    first = tmp_path / "purchases" / "a.csv"
    first.write_text("x\n")
    (tmp_path / "purchases" / "_partial.csv").write_text("ignored\n")
    assert list(landing_fingerprints(default_config(tmp_path))) == [str(first)]


def test_a_file_triggers_once_and_not_again_once_the_manifest_has_it(tmp_path: Path):
    (tmp_path / "purchases").mkdir()
    path = tmp_path / "purchases" / "a.csv"
    path.write_text(HEADER + LINE)
    warehouse = tmp_path / "warehouse.duckdb"
    current = landing_fingerprints(default_config(tmp_path))

    new, cursor = files_to_request(current, manifest_rows(warehouse), {})
    assert new == [str(path)]
    # the run has not loaded it yet: the next evaluation does not ask again
    assert files_to_request(current, manifest_rows(warehouse), cursor)[0] == []

    con = duckdb.connect(str(warehouse))
    load_feed(con, default_config(tmp_path).source("purchases"), now=datetime(2026, 1, 1))
    con.close()
    assert files_to_request(current, manifest_rows(warehouse), {}) == ([], {})

    # the same bytes again under a new time or a new name are known by their checksum
    copy = tmp_path / "purchases" / "b.csv"
    copy.write_text(HEADER + LINE)
    assert files_to_request(landing_fingerprints(default_config(tmp_path)), manifest_rows(warehouse), {})[0] == []
    path.write_text(HEADER + LINE.replace("O1", "O2"))
    assert files_to_request(landing_fingerprints(default_config(tmp_path)), manifest_rows(warehouse), {})[0] == [
        str(path)
    ]


def test_the_sensor_requests_a_run_keyed_by_the_new_files(tmp_path: Path):
    (tmp_path / "purchases").mkdir()
    (tmp_path / "purchases" / "a.csv").write_text(HEADER + LINE)
    resources = {"landing": Landing(path=str(tmp_path)), "warehouse": Warehouse(path=str(tmp_path / "w.duckdb"))}
    with dg.build_sensor_context(resources=resources) as context:
        result = new_files_sensor(context)
        assert len(result.run_requests) == 1
    with dg.build_sensor_context(cursor=result.cursor, resources=resources) as context:
        again = new_files_sensor(context)
        assert not again.run_requests
