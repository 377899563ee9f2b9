"""Load every landed file of a feed into the warehouse in one transaction.

``raw.<feed>`` gets the typed rows, ``raw.quarantined_rows`` the rows that failed with their
reasons, and ``raw.load_log`` one row per file with its counts, so every row read is
accounted for. A failure rolls back the whole feed: the previous load stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from assets.ingest.config import FeedSource
from assets.ingest.feeds import Feed, raw_table_ddl
from assets.ingest.parsing import parse_feed_file
from assets.warehouse import table_ref

QUARANTINE_DDL = """
create table if not exists raw.quarantined_rows (
    feed varchar, source_file varchar, source_row bigint, reason varchar,
    raw_record varchar, quarantined_at timestamp
)"""
LOAD_LOG_DDL = """
create table if not exists raw.load_log (
    feed varchar, source_file varchar, rows_read bigint, rows_loaded bigint,
    rows_quarantined bigint, loaded_at timestamp
)"""


@dataclass(frozen=True)
class FeedLoad:
    feed: str
    files: list[Path]
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    top_reasons: dict[str, int]


def landed_files(source: FeedSource) -> list[Path]:
    """The feed's files, in name order; hidden and ``_``-prefixed files are not feeds."""
    if not source.folder.is_dir():
        raise FileNotFoundError(
            f"{source.folder}: no such folder; the {source.feed.name} feed is read from {source.folder}/{source.glob} "
            "(run `segments generate` for sample data)"
        )
    return sorted(p for p in source.folder.glob(source.glob) if p.is_file() and not p.name.startswith(("_", ".")))


def _prepare(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists raw")
    con.execute(QUARANTINE_DDL)
    con.execute(LOAD_LOG_DDL)


def create_empty_feed(con: duckdb.DuckDBPyConnection, feed: Feed) -> None:
    """An empty raw table for a feed the configuration does not list, so the models still build."""
    _prepare(con)
    con.execute("begin transaction")
    con.execute(f"create or replace table {table_ref('raw', feed.name)} ({raw_table_ddl(feed)})")
    con.execute("delete from raw.quarantined_rows where feed = ?", [feed.name])
    con.execute("delete from raw.load_log where feed = ?", [feed.name])
    con.execute("commit")


def load_feed(con: duckdb.DuckDBPyConnection, source: FeedSource, *, now: datetime) -> FeedLoad:
    """Replace the feed's raw rows with what is in its folder now."""
    feed = source.feed
    files = landed_files(source)
    raw_table = table_ref("raw", feed.name)
    _prepare(con)
    con.execute("begin transaction")
    try:
        con.execute(f"create or replace table {raw_table} ({raw_table_ddl(feed)})")
        con.execute("delete from raw.quarantined_rows where feed = ?", [feed.name])
        con.execute("delete from raw.load_log where feed = ?", [feed.name])
        totals = {"read": 0, "loaded": 0, "quarantined": 0}
        reasons: list[pl.Series] = []
        for path in files:
            parsed = parse_feed_file(path, source, now=now)
            con.register("_loaded", parsed.loaded.to_arrow())
            con.register("_quarantined", parsed.quarantined.to_arrow())
            con.execute(f"insert into {raw_table} select * from _loaded")
            con.execute("insert into raw.quarantined_rows select * from _quarantined")
            con.unregister("_loaded")
            con.unregister("_quarantined")
            con.execute(
                "insert into raw.load_log values (?, ?, ?, ?, ?, ?)",
                [feed.name, str(path), parsed.rows_read, parsed.loaded.height, parsed.quarantined.height, now],
            )
            totals["read"] += parsed.rows_read
            totals["loaded"] += parsed.loaded.height
            totals["quarantined"] += parsed.quarantined.height
            reasons.append(parsed.quarantined["reason"])
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return FeedLoad(
        feed=feed.name,
        files=files,
        rows_read=totals["read"],
        rows_loaded=totals["loaded"],
        rows_quarantined=totals["quarantined"],
        top_reasons=summarise_reasons(reasons),
    )


def summarise_reasons(reasons: list[pl.Series], top: int = 5) -> dict[str, int]:
    """The most frequent quarantine reasons, by their first problem."""
    if not reasons:
        return {}
    first = pl.concat(reasons).str.split("; ").list.first()
    counts = first.value_counts(sort=True).head(top)
    return {row[0]: int(row[1]) for row in counts.iter_rows()}
