"""The manifest-driven loader against a real DuckDB file: nothing twice, nothing lost."""

import os
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

import assets.ingest.loading as loading
from assets.ingest.config import FeedSource
from assets.ingest.feeds import PURCHASES
from assets.ingest.loading import load_feed

NOW = datetime(2026, 1, 1)
HEADER = "order_id,customer_id,ordered_at,product_id,category,quantity,unit_price,channel\n"


def line(order: int, customer: str = "C1", quantity: str = "1") -> str:
    return f"O{order},{customer},2025-01-01 10:00:00,P1,home,{quantity},2.50,web\n"


@pytest.fixture
def setup(tmp_path: Path):
    folder = tmp_path / "purchases"
    folder.mkdir()
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield folder, FeedSource(PURCHASES, folder), con
    con.close()


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def state(con: duckdb.DuckDBPyConnection) -> tuple:
    return (
        con.execute("select * from raw.purchases order by _source_file, _source_row").fetchall(),
        con.execute("select * from raw.quarantined_rows order by source_file, source_row").fetchall(),
        con.execute(
            "select source_file, status, rows_read, rows_loaded, rows_quarantined, rows_duplicate "
            "from raw.load_manifest order by source_file, status"
        ).fetchall(),
    )


def test_loading_the_same_folder_twice_changes_nothing_and_a_new_file_loads_only_its_rows(setup):
    folder, source, con = setup
    write(folder, "a.csv", HEADER + line(1) + line(2))
    first = load_feed(con, source, now=NOW)
    assert [(o.status, o.rows_loaded) for o in first.outcomes] == [("loaded", 2)]
    before = state(con)
    again = load_feed(con, source, now=datetime(2026, 1, 2))
    assert again.outcomes == [] and again.skipped == [str(folder / "a.csv")]
    assert state(con) == before

    os.utime(folder / "a.csv", (1, 1))  # touched, same bytes: checksum says unchanged
    assert load_feed(con, source, now=NOW).outcomes == []
    write(folder, "b.csv", HEADER + line(3))
    added = load_feed(con, source, now=NOW)
    assert [(o.source_file, o.rows_loaded) for o in added.outcomes] == [(str(folder / "b.csv"), 1)]
    assert con.execute("select count(*) from raw.purchases").fetchone()[0] == 3


def test_same_bytes_under_another_name_load_nothing_and_new_content_replaces_the_old_rows(setup):
    folder, source, con = setup
    write(folder, "a.csv", HEADER + line(1) + line(2))
    load_feed(con, source, now=NOW)
    write(folder, "a_copy.csv", HEADER + line(1) + line(2))
    copy = load_feed(con, source, now=NOW)
    assert [(o.status, o.same_as, o.rows_read) for o in copy.outcomes] == [("same_content", str(folder / "a.csv"), 0)]

    write(folder, "a.csv", HEADER + line(1) + line(5) + line(6))
    load_feed(con, source, now=NOW)
    # a.csv's old rows (O2) are gone; the copy, whose twin changed, is now read in its own right:
    # its O1 is a duplicate of a.csv's, its O2 is loaded from the copy
    rows, _, manifest = state(con)
    assert sorted((Path(r[-3]).name, r[0]) for r in rows) == [
        ("a.csv", "O1"),
        ("a.csv", "O5"),
        ("a.csv", "O6"),
        ("a_copy.csv", "O2"),
    ]
    assert [
        (Path(f).name, status, read, loaded, quarantined, dup) for f, status, read, loaded, quarantined, dup in manifest
    ] == [
        ("a.csv", "loaded", 3, 3, 0, 0),
        ("a.csv", "replaced", 2, 2, 0, 0),
        ("a_copy.csv", "loaded", 2, 1, 1, 1),
        ("a_copy.csv", "replaced", 0, 0, 0, 0),
    ]


def test_duplicate_lines_within_and_across_files_load_once_and_are_counted(setup):
    folder, source, con = setup
    write(folder, "a.csv", HEADER + line(1) + line(2) + line(1))
    write(folder, "b.csv", HEADER + line(2) + line(3))
    load = load_feed(con, source, now=NOW)
    assert [(o.rows_read, o.rows_loaded, o.rows_quarantined, o.rows_duplicate) for o in load.outcomes] == [
        (3, 2, 1, 1),
        (2, 1, 1, 1),
    ]
    reasons = con.execute("select source_row, reason from raw.quarantined_rows order by source_file").fetchall()
    assert reasons == [(4, f"duplicate of {folder / 'a.csv'} line 2"), (2, f"duplicate of {folder / 'a.csv'} line 3")]


def test_a_broken_file_fails_alone_stays_failed_and_loads_once_fixed(setup):
    folder, source, con = setup
    write(folder, "a.csv", HEADER + line(1))
    write(folder, "b.csv", "order_id;customer_id;ordered_at;quantity;unit_price\nO9;C1;2025-01-01;1;2\n")
    load = load_feed(con, source, now=NOW)
    assert [o.status for o in load.outcomes] == ["loaded", "failed"]
    assert "b.csv: missing column(s)" in load.failed[0].problem
    assert "is the delimiter ';'" in load.failed[0].problem
    assert con.execute("select status from raw.load_manifest where source_file like '%b.csv'").fetchall() == [
        ("failed",)
    ]
    # retried on every refresh until it loads
    assert [o.status for o in load_feed(con, source, now=NOW).outcomes] == ["failed"]
    write(folder, "b.csv", HEADER + line(9))
    assert [o.status for o in load_feed(con, source, now=NOW).outcomes] == ["loaded"]
    assert con.execute("select count(*) from raw.load_manifest where status = 'failed'").fetchone()[0] == 0
    assert con.execute("select count(*) from raw.purchases").fetchone()[0] == 2


def test_a_rerun_after_a_crash_loads_exactly_what_the_crashed_run_did_not(setup, monkeypatch):
    folder, source, con = setup
    for i in range(3):
        write(folder, f"{i}.csv", HEADER + line(10 * i) + line(10 * i + 1))
    real = loading._replace_rows
    calls = []

    def crash_on_second_file(*args, **kwargs):
        calls.append(args[2])
        if len(calls) == 2:
            raise KeyboardInterrupt("killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(loading, "_replace_rows", crash_on_second_file)
    with pytest.raises(KeyboardInterrupt):
        load_feed(con, source, now=NOW)
    assert con.execute("select count(*) from raw.purchases").fetchone()[0] == 2
    assert con.execute("select count(*) from raw.load_manifest").fetchone()[0] == 1
    monkeypatch.setattr(loading, "_replace_rows", real)
    rerun = load_feed(con, source, now=NOW)
    assert [Path(o.source_file).name for o in rerun.outcomes] == ["1.csv", "2.csv"]
    assert con.execute("select count(*) from raw.purchases").fetchone()[0] == 6


def test_changed_reading_settings_reload_the_file(setup):
    folder, source, con = setup
    write(folder, "a.csv", HEADER + line(1) + "O2,C1,01/02/2025 10:00,P1,home,1,2.50,web\n")
    assert load_feed(con, source, now=NOW).outcomes[0].rows_quarantined == 1
    relaxed = FeedSource(PURCHASES, folder, timestamp_formats=("%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M"))
    reload = load_feed(con, relaxed, now=NOW)
    assert [(o.rows_loaded, o.rows_quarantined) for o in reload.outcomes] == [(2, 0)]
    assert con.execute("select count(*) from raw.quarantined_rows").fetchone()[0] == 0


def test_a_warehouse_from_before_the_manifest_is_reloaded_from_its_files(setup):
    folder, source, con = setup
    con.execute("create schema raw")
    con.execute("create table raw.purchases (order_id varchar, customer_id varchar, _source_file varchar)")
    con.execute("insert into raw.purchases values ('OLD', 'C1', 'gone.csv')")
    con.execute("create table raw.load_log (feed varchar, source_file varchar, rows_read bigint)")
    write(folder, "a.csv", HEADER + line(1))
    load_feed(con, source, now=NOW)
    assert con.execute("select order_id from raw.purchases").fetchall() == [("O1",)]
    assert con.execute("select feed, rows_read, rows_loaded from raw.load_log").fetchall() == [("purchases", 1, 1)]


def test_a_file_taken_away_takes_its_rows_along(setup):
    folder, source, con = setup
    write(folder, "a.csv", HEADER + line(1))
    write(folder, "b.csv", HEADER + line(2) + "O3,,2025-01-01 10:00:00,P1,home,1,2.50,web\n")
    load_feed(con, source, now=NOW)
    (folder / "b.csv").unlink()
    load_feed(con, source, now=NOW)
    assert con.execute("select order_id from raw.purchases").fetchall() == [("O1",)]
    assert con.execute("select count(*) from raw.quarantined_rows").fetchone()[0] == 0
    assert con.execute("select status from raw.load_manifest order by source_file").fetchall() == [
        ("loaded",),
        ("removed",),
    ]


def assert_conserved(con: duckdb.DuckDBPyConnection) -> None:
    """Every loaded file's manifest counts equal its rows in the raw and quarantine tables."""
    out_of_balance = con.execute(
        """
        select m.source_file from raw.load_manifest as m
        where m.status = 'loaded' and (
            m.rows_loaded <> (select count(*) from raw.purchases where _source_file = m.source_file)
            or m.rows_quarantined <> (select count(*) from raw.quarantined_rows where source_file = m.source_file)
            or m.rows_duplicate <> (select count(*) from raw.quarantined_rows
                                    where source_file = m.source_file and starts_with(reason, 'duplicate of '))
            or m.rows_read <> m.rows_loaded + m.rows_quarantined)
        """
    ).fetchall()
    assert out_of_balance == []


def where_loaded(con: duckdb.DuckDBPyConnection, order_id: str) -> list[tuple[str, int]]:
    rows = con.execute("select _source_file, _source_row from raw.purchases where order_id = ?", [order_id]).fetchall()
    return [(Path(f).name, r) for f, r in rows]


def test_duplicates_of_a_replaced_or_removed_file_are_loaded_again_exactly_once(setup):
    folder, source, con = setup
    write(folder, "a.csv", HEADER + line(1) + line(9))
    write(folder, "b.csv", HEADER + line(9))
    write(folder, "c.csv", HEADER + line(4) + line(9))
    load_feed(con, source, now=NOW)
    assert where_loaded(con, "O9") == [("a.csv", 3)]

    write(folder, "a.csv", HEADER + line(1))  # corrected: O9 dropped from a.csv
    load_feed(con, source, now=NOW)
    assert where_loaded(con, "O9") == [("b.csv", 2)]
    reasons = con.execute("select source_file, source_row, reason from raw.quarantined_rows").fetchall()
    assert reasons == [(str(folder / "c.csv"), 3, f"duplicate of {folder / 'b.csv'} line 2")]
    assert_conserved(con)

    write(folder, "a.csv", HEADER + line(9) + line(1))  # O9 back in a.csv: b.csv keeps it
    load_feed(con, source, now=NOW)
    assert where_loaded(con, "O9") == [("b.csv", 2)]
    (folder / "b.csv").unlink()
    load_feed(con, source, now=NOW)
    assert where_loaded(con, "O9") == [("a.csv", 2)]
    assert con.execute("select source_file, source_row, reason from raw.quarantined_rows").fetchall() == [
        (str(folder / "c.csv"), 3, f"duplicate of {folder / 'a.csv'} line 2")
    ]
    assert_conserved(con)


def test_a_duplicate_of_a_file_turned_into_a_copy_of_another_is_loaded_again(setup):
    folder, source, con = setup
    write(folder, "a.csv", HEADER + line(1))
    write(folder, "b.csv", HEADER + line(2) + line(3))
    write(folder, "c.csv", HEADER + line(3))
    load_feed(con, source, now=NOW)
    write(folder, "b.csv", HEADER + line(1))  # now byte for byte a.csv: its rows go
    load_feed(con, source, now=NOW)
    assert where_loaded(con, "O3") == [("c.csv", 2)]
    assert_conserved(con)


def test_a_glob_or_folder_matching_nothing_fails_the_feed_and_keeps_its_loaded_files(setup):
    folder, source, con = setup
    write(folder, "a.csv", HEADER + line(1))
    load_feed(con, source, now=NOW)
    typo = load_feed(con, FeedSource(PURCHASES, folder, glob="*.CSV"), now=NOW)
    assert [o.status for o in typo.outcomes] == ["failed"]
    problem = typo.failed[0].problem
    assert str(folder) in problem and "'*.CSV'" in problem and "previously loaded files were kept" in problem
    assert con.execute("select order_id from raw.purchases").fetchall() == [("O1",)]
    assert con.execute("select status from raw.load_manifest order by source_file").fetchall() == [
        ("failed",),
        ("loaded",),
    ]

    (folder / "a.csv").rename(folder.parent / "a.csv")  # the folder emptied
    assert [o.status for o in load_feed(con, source, now=NOW).outcomes] == ["failed"]
    assert con.execute("select count(*) from raw.purchases").fetchone()[0] == 1

    (folder.parent / "a.csv").rename(folder / "a.csv")
    assert load_feed(con, source, now=NOW).failed == []
    assert con.execute("select count(*) from raw.load_manifest where status = 'failed'").fetchone()[0] == 0
    assert con.execute("select order_id from raw.purchases").fetchall() == [("O1",)]
