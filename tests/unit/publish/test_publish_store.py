"""Version files and the switch: complete files, old storage format, readers never disturbed."""

import stat
import subprocess
import sys
import textwrap

import duckdb
import pytest

from assets.publish.log import read_log
from assets.publish.rollback import roll_back
from assets.publish.store import PublishedFileUnreadable, PublishedStore, open_published, write_version
from orchestration.cli import main
from orchestration.refresh import run_refresh

READER = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    print(con.execute("select label from segments.t").fetchone()[0], flush=True)
    sys.stdin.readline()  # the parent switches the published file meanwhile
    print(con.execute("select label from segments.t").fetchone()[0], flush=True)
    con.close()
    fresh = duckdb.connect(sys.argv[1], read_only=True)
    print(fresh.execute("select label from segments.t").fetchone()[0], flush=True)
    """
)


def publish(store: PublishedStore, version: int, label: str) -> None:
    con = duckdb.connect()
    previous = store.current_version()
    tables = {
        "t": f"select '{label}' as label",
        "publication": f"select {version}::bigint as version, {previous or 'null'}::bigint as previous_version",
    }
    write_version(con, store.version_file(version), tables)
    con.close()
    store.switch_to(version)


def test_a_version_file_is_complete_and_readable_by_duckdb_1_0_and_later(tmp_path):
    store = PublishedStore(tmp_path / "published")
    publish(store, 1, "first")
    assert store.versions() == [1]
    assert store.current_version() == 1
    assert sorted(p.name for p in store.versions_dir.iterdir()) == ["segments-v000001.duckdb"]
    with open_published(store.current) as con:
        tags = con.execute("select tags from duckdb_databases() where database_name = 'published'").fetchone()[0]
    assert tags["storage_version"] == "v1.0.0+"


def test_an_open_reader_keeps_its_version_and_a_new_one_sees_the_switch(tmp_path):
    store = PublishedStore(tmp_path / "published")
    publish(store, 1, "first")
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(store.current)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert reader.stdout.readline().strip() == "first"
    publish(store, 2, "second")  # the writer is not blocked by the open reader
    reader.stdin.write("go\n")
    reader.stdin.flush()
    assert reader.stdout.readline().strip() == "first"
    assert reader.stdout.readline().strip() == "second"
    assert reader.wait() == 0


def test_switching_back_to_a_kept_version_and_pruning_old_ones(tmp_path):
    store = PublishedStore(tmp_path / "published")
    for version, label in enumerate(["a", "b", "c"], start=1):
        publish(store, version, label)
    (store.exports_dir / "v000001" / "rfm_segment").mkdir(parents=True)
    (store.exports_dir / "v000002").mkdir(parents=True)
    store.switch_to(2)
    assert store.current_version() == 2
    assert store.prune(keep=1) == []  # 1 is what 2 replaced: where a rollback from 2 goes
    store.switch_to(3)
    assert store.prune(keep=1) == [1]
    assert store.versions() == [2, 3]
    assert sorted(p.name for p in store.exports_dir.iterdir()) == ["v000002"]


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_version_files_and_the_published_path_are_read_only_on_disk(tmp_path):
    store = PublishedStore(tmp_path / "published")
    for version, label in enumerate(["a", "b", "c"], start=1):
        publish(store, version, label)
    # no write bits: an analyst (not root) who opens the file without read_only gets an error
    assert {mode(store.version_file(v)) for v in (1, 2, 3)} == {0o444}
    assert mode(store.current) == 0o444
    with open_published(store.current) as con:  # reading read-only still works
        assert con.execute("select label from published.t").fetchone()[0] == "c"
    # rollback, switching and pruning still work on read-only files
    assert roll_back(store) == (3, 2)
    assert mode(store.current) == 0o444 and store.current_version() == 2
    store.switch_to(3)
    assert store.prune(keep=1) == [1]  # 2, which 3 replaced, stays for a rollback
    assert store.versions() == [2, 3] and store.current_version() == 3


def test_a_refresh_that_cannot_open_the_published_file_is_logged_as_failed(tmp_path, capsys):
    warehouse = tmp_path / "warehouse.duckdb"
    store = PublishedStore.beside(warehouse)
    store.root.mkdir()
    store.current.write_bytes(b"not a duckdb file" * 512)
    with pytest.raises(PublishedFileUnreadable, match="cannot read the published file"):
        run_refresh(warehouse, tmp_path / "landing")
    attempt = read_log(store.log_file).row(0, named=True)
    assert (attempt["status"], attempt["published"], attempt["version"]) == ("failed", False, 1)
    assert str(store.current) in attempt["message"] and attempt["finished_at"] is not None
    # the command says so instead of a traceback, and logs its own failed attempt
    assert main(["refresh", "--warehouse", str(warehouse), "--landing", str(tmp_path / "landing")]) == 1
    assert "Refresh failed: cannot read the published file" in capsys.readouterr().err
    assert read_log(store.log_file)["status"].to_list() == ["failed", "failed"]


def test_store_sits_beside_the_warehouse(tmp_path):
    assert PublishedStore.beside(tmp_path / "data" / "cdnow.duckdb").root == tmp_path / "data" / "cdnow-published"


def test_a_storage_version_outside_duckdbs_form_is_refused(tmp_path):
    with pytest.raises(ValueError, match="not of the form"):
        write_version(duckdb.connect(), tmp_path / "x.duckdb", {"t": "select 1"}, storage_version="v1'; drop")
