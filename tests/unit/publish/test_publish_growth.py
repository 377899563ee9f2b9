"""What publications leave on disk is bounded: per-version history files, leftovers removed, logs kept to N."""

import os
from pathlib import Path

import dagster as dg
import duckdb
from test_publish_asset import write_candidate

from assets.publish.assets import published_segments
from assets.publish.history_files import history_dir, history_file
from assets.publish.rollback import roll_back
from assets.publish.store import PublishedStore, write_version
from assets.publish.tidy import tidy
from orchestration.resources import Publication, Warehouse


def publish(warehouse: Path, store: PublishedStore, keep: int = 10) -> None:
    result = dg.materialize(
        [published_segments],
        resources={
            "warehouse": Warehouse(path=str(warehouse)),
            "publication": Publication(path=str(store.root), keep_versions=keep),
        },
    )
    assert result.success


def rows(path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_a_publication_writes_only_its_own_history_rows_and_reads_earlier_ones_through_views(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    store = PublishedStore.beside(warehouse)
    write_candidate(warehouse, {"a": "Loyal", "b": "Lost"})
    for _ in range(4):
        publish(warehouse, store)
    # the version file holds no history rows of its own: views over one file per version
    kinds = rows(
        store.current,
        "select table_name, table_type from information_schema.tables "
        "where table_name in ('segment_history', 'segment_transitions') order by 1",
    )
    assert kinds == [("segment_history", "VIEW"), ("segment_transitions", "VIEW")]
    assert rows(store.current, "select version, count(*) from segment_history group by 1 order by 1") == [
        (1, 4),
        (2, 4),
        (3, 4),
        (4, 4),
    ]
    assert rows(store.current, "select distinct from_version, to_version from segment_transitions order by 1") == [
        (1, 2),
        (2, 3),
        (3, 4),
    ]
    for version in (1, 2, 3, 4):
        one = duckdb.sql(
            "select count(*), min(version), max(version) from read_parquet(?)",
            params=[str(history_file(store, "segment_history", version))],
        ).fetchall()
        assert one == [(4, version, version)]
    assert oct(history_file(store, "segment_history", 4).stat().st_mode & 0o777) == "0o444"
    # the warehouse's copy reads the same history
    assert rows(warehouse, "select count(*) from segments.segment_history") == [(16,)]


def test_a_rolled_back_version_stays_in_the_history_of_later_versions(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    store = PublishedStore.beside(warehouse)
    write_candidate(warehouse, {"a": "Loyal", "b": "Lost"})
    publish(warehouse, store)
    write_candidate(warehouse, {"a": "Lost", "b": "Lost"})
    publish(warehouse, store)
    assert roll_back(store) == (2, 1)
    write_candidate(warehouse, {"a": "Champions", "b": "Lost"})
    publish(warehouse, store)
    assert rows(store.current, "select version, previous_version from publication") == [(4, 1)]
    assert rows(store.current, "select distinct version from segment_history order by 1") == [(1,), (2,), (4,)]
    # transitions run between the consecutive versions analysts saw: 1 -> 4, not 2 -> 4
    assert rows(store.current, "select distinct from_version, to_version from segment_transitions order by 1") == [
        (1, 2),
        (1, 4),
    ]


def test_leftovers_of_killed_attempts_old_docs_and_logs_are_removed(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    store = PublishedStore.beside(warehouse)
    write_candidate(warehouse, {"a": "Loyal", "b": "Lost"})
    for _ in range(4):
        publish(warehouse, store, keep=2)
    assert store.versions() == [3, 4]
    leftovers = [
        store.versions_dir / "segments-v000005.duckdb.partial",
        store.versions_dir / "segments-v000005.duckdb.partial.wal",
        store.exports_dir / "v000005.partial",
        store.exports_dir / "v000001",
        store.data_docs_dir / "v000001",
        history_dir(store) / "segment_history-v000006.parquet",  # a version never published
        history_dir(store) / "segment_history-v000007.parquet.partial",
    ]
    for path in leftovers:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix in (".parquet", ".partial", ".wal"):
            path.write_bytes(b"x")
        else:
            path.mkdir()
    kept = [store.data_docs_dir / "v000004", store.exports_dir / "v000004"]
    for path in kept:
        path.mkdir(parents=True, exist_ok=True)
    logs = tmp_path / "logs"
    logs.mkdir()
    for i in range(25):
        (logs / f"refresh-2026010{i // 10}T0000{i % 10:02d}.log").write_text("x")

    removed = tidy(store, logs, keep_logs=20)
    assert not [p for p in leftovers if p.exists()]
    assert all(p.exists() for p in kept)
    assert len(list(logs.glob("refresh-*.log"))) == 20 and len(removed) == len(leftovers) + 5
    # every published version keeps its history, pruned version files or not
    assert sorted(int(p.name[17:23]) for p in history_dir(store).glob("segment_history-*.parquet")) == [1, 2, 3, 4]
    assert sorted(os.listdir(store.versions_dir)) == ["segments-v000003.duckdb", "segments-v000004.duckdb"]


def test_a_published_file_of_the_earlier_layout_is_split_into_history_files_on_the_next_publication(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    store = PublishedStore.beside(warehouse)
    write_candidate(warehouse, {"a": "Loyal", "b": "Lost"})
    publish(warehouse, store)
    # rewrite version 1 as the earlier code wrote it: history and transitions as tables in the file
    con = duckdb.connect()
    try:
        con.execute("attach ? as v1 (read_only)", [str(store.version_file(1))])
        old = {
            "publication": "select * from v1.publication",
            "customer_segments": "select * from v1.customer_segments",
            "segment_history": "select * from v1.segment_history",
            "segment_transitions": "select * from v1.segment_transitions",
        }
        frames = {name: con.sql(query).pl() for name, query in old.items()}
    finally:
        con.close()
    for path in [store.version_file(1), *history_dir(store).iterdir()]:
        path.chmod(0o644)
        path.unlink()
    con = duckdb.connect()
    try:
        for name, frame in frames.items():
            con.register(name + "_frame", frame.to_arrow())
        write_version(con, store.version_file(1), {name: f"select * from {name}_frame" for name in frames})
    finally:
        con.close()
    store.switch_to(1)

    write_candidate(warehouse, {"a": "Lost", "b": "Lost"})
    publish(warehouse, store)
    assert rows(store.current, "select version, count(*) from segment_history group by 1 order by 1") == [
        (1, 4),
        (2, 4),
    ]
    assert rows(store.current, "select distinct from_version, to_version from segment_transitions") == [(1, 2)]
    assert history_file(store, "segment_history", 1).exists()
