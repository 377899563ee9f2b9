"""The warehouse file is rewritten without its free blocks once they are most of it, and keeps every object."""

import duckdb

from assets.publish.compact import compact_if_mostly_free, free_share


def build(path, rows: int) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema if not exists marts")
        con.execute(
            "create or replace table marts.big as select range as id, md5(range::varchar) as v from range(?)", [rows]
        )
        con.execute("create or replace table marts.small as select range as id from range(10)")
        con.execute("create or replace view marts.small_view as select * from marts.small")
    finally:
        con.close()


def test_a_mostly_free_warehouse_is_compacted_and_keeps_its_tables_and_views(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    build(warehouse, 2_000_000)
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("drop table marts.big")
        con.execute("checkpoint")
        assert free_share(con) > 0.5
    finally:
        con.close()
    before = warehouse.stat().st_size
    assert compact_if_mostly_free(warehouse)
    assert warehouse.stat().st_size < before / 2
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("select count(*) from marts.small_view").fetchone()[0] == 10
        assert free_share(con) < 0.5
    finally:
        con.close()


def test_a_warehouse_with_little_free_space_is_left_alone(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    build(warehouse, 200_000)
    before = warehouse.stat().st_mtime_ns
    assert not compact_if_mostly_free(warehouse)
    assert not (tmp_path / "warehouse.duckdb.compacting").exists()
    assert warehouse.stat().st_size > 0 and warehouse.stat().st_mtime_ns >= before
