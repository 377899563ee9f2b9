"""Which landed files load: compressed variants, settled files only, no links out of the folder; errors kept."""

import gzip
import os
import time
import zipfile
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

import assets.ingest.loading as loading
import assets.ingest.manifest as manifest
from assets.ingest.config import FeedSource
from assets.ingest.feeds import PURCHASES
from assets.ingest.landed import landed_files, unsettled_files
from assets.ingest.loading import load_feed

NOW = datetime(2026, 1, 1)
HEADER = "order_id,customer_id,ordered_at,product_id,category,quantity,unit_price,channel\n"


def line(order: int, price: str = "2.50") -> str:
    return f"O{order},C1,2025-01-01 10:00:00,P1,home,1,{price},web\n"


@pytest.fixture
def setup(tmp_path: Path):
    folder = tmp_path / "purchases"
    folder.mkdir()
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield folder, con
    con.close()


def write(path: Path, text: str, *, age: float = 3600) -> Path:
    path.write_text(text, encoding="utf-8")
    past = time.time() - age
    os.utime(path, (past, past))
    return path


def test_the_glob_also_lists_compressed_files_and_they_load(setup):
    folder, con = setup
    write(folder / "a.csv", HEADER + line(1))
    (folder / "b.csv.gz").write_bytes(gzip.compress((HEADER + line(2)).encode()))
    with zipfile.ZipFile(folder / "c.csv.zip", "w") as archive:
        archive.writestr("c.csv", HEADER + line(3))
    (folder / "d.txt.gz").write_bytes(gzip.compress(b"not a feed"))
    source = FeedSource(PURCHASES, folder)
    assert [p.name for p in landed_files(source)] == ["a.csv", "b.csv.gz", "c.csv.zip"]
    load = load_feed(con, source, now=NOW)
    assert [(Path(o.source_file).name, o.status, o.rows_loaded) for o in load.outcomes] == [
        ("a.csv", "loaded", 1),
        ("b.csv.gz", "loaded", 1),
        ("c.csv.zip", "loaded", 1),
    ]


def test_a_file_still_being_written_is_skipped_and_reported_then_loads_whole(setup, monkeypatch):
    folder, con = setup
    write(folder / "a.csv", HEADER + line(1))
    growing = write(folder / "b.csv", HEADER + line(2) + "O3,C1,2025-01-01 10:00:00,P1,home,1,12", age=0)
    waits = []

    def sleep_while_the_upload_goes_on(seconds: float) -> None:
        waits.append(seconds)
        with growing.open("a") as handle:
            handle.write("9.99,web\n")

    monkeypatch.setattr(time, "sleep", sleep_while_the_upload_goes_on)
    source = FeedSource(PURCHASES, folder, settle_seconds=5)
    load = load_feed(con, source, now=NOW)
    assert len(waits) == 1 and 0 < waits[0] <= 5
    assert load.unsettled == [str(growing)]
    assert [Path(o.source_file).name for o in load.outcomes] == ["a.csv"]
    assert con.execute("select count(*) from raw.load_manifest where source_file = ?", [str(growing)]).fetchone() == (
        0,
    )
    past = time.time() - 60
    os.utime(growing, (past, past))
    again = load_feed(con, source, now=NOW)
    assert again.unsettled == [] and [o.rows_loaded for o in again.outcomes] == [2]
    assert con.execute("select unit_price from raw.purchases where order_id = 'O3'").fetchone() == (129.99,)


def test_settled_files_cost_no_wait_and_a_quiet_recent_file_loads_after_the_rest_of_the_interval(tmp_path):
    old = write(tmp_path / "old.csv", "x\n")
    recent = write(tmp_path / "recent.csv", "x\n", age=1)
    waits: list[float] = []
    assert unsettled_files([old], 10, sleep=waits.append) == [] and waits == []
    assert unsettled_files([old, recent], 3, sleep=waits.append) == []
    assert len(waits) == 1 and 1.5 < waits[0] <= 2.0
    assert unsettled_files([recent], 0, sleep=waits.append) == [] and len(waits) == 1


def test_a_symlink_leading_outside_the_feed_folder_is_refused_with_a_message(setup, tmp_path):
    folder, con = setup
    outside = write(tmp_path / "secret.csv", HEADER + line(9))
    (folder / "linked.csv").symlink_to(outside)
    write(folder / "a.csv", HEADER + line(1))
    (folder / "alias.csv").symlink_to(folder / "a.csv")  # a link inside the folder is just another name
    load = load_feed(con, FeedSource(PURCHASES, folder), now=NOW)
    outcomes = {Path(o.source_file).name: o for o in load.outcomes}
    assert outcomes["a.csv"].status == "loaded" and outcomes["alias.csv"].status == "same_content"
    assert outcomes["linked.csv"].status == "failed"
    assert "a symbolic link to a file outside the feed's folder" in outcomes["linked.csv"].problem
    assert con.execute("select count(*) from raw.purchases where order_id = 'O9'").fetchone() == (0,)
    assert load_feed(con, FeedSource(PURCHASES, folder), now=NOW).failed[0].problem == outcomes["linked.csv"].problem


def test_the_manifest_is_read_once_per_load_not_once_per_file(setup, monkeypatch):
    folder, con = setup
    for n in range(5):
        write(folder / f"{n}.csv", HEADER + line(n))
    reads = []
    real = manifest.current_entries
    monkeypatch.setattr(manifest, "current_entries", lambda *args: reads.append(1) or real(*args))
    monkeypatch.setattr(loading, "current_entries", manifest.current_entries, raising=False)
    source = FeedSource(PURCHASES, folder)
    assert len(load_feed(con, source, now=NOW).outcomes) == 5
    assert len(load_feed(con, source, now=NOW).skipped) == 5
    assert len(reads) == 2


def test_a_failed_commit_keeps_its_own_error_not_the_rollback_s(setup, monkeypatch):
    folder, con = setup
    write(folder / "a.csv", HEADER + line(1))

    def disk_full(con, *args, **kwargs):
        con.execute("rollback")  # a commit that fails on a full disk ends the transaction itself
        raise duckdb.IOException('Could not write file "warehouse.duckdb": No space left on device')

    monkeypatch.setattr(loading, "record", disk_full)
    with pytest.raises(duckdb.IOException, match="No space left on device") as failure:
        load_feed(con, FeedSource(PURCHASES, folder), now=NOW)
    assert any("no transaction is active" in note for note in failure.value.__notes__)
