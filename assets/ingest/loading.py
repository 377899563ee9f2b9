"""Load a feed's new and changed files into the warehouse, one transaction per file, driven by the manifest.

A file already in the manifest with the same bytes and reading settings is skipped (unchanged size
and modification time skip even the checksum); a file with the same bytes as another loaded file
is recorded as `same_content` and not read; a changed file replaces the rows of its earlier
version. Each file's rows, quarantined rows and manifest entry commit together, so a rerun after
a crash loads exactly the files the crashed run did not commit. A whole-file problem is recorded
as `failed` and the other files still load. A file taken away from the landing folder takes its
rows along: the raw tables always hold what the landing folder holds, each file read once.

Rows equal in every field to a row loaded before (from this file or another) are quarantined as
`duplicate of <file> line <n>` and counted in the manifest's `rows_duplicate`.
"""

import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from assets.ingest.config import FeedSource
from assets.ingest.feeds import Feed, raw_table_ddl
from assets.ingest.manifest import (
    Entry,
    Outcome,
    current_entries,
    file_checksum,
    file_stat,
    prepare_manifest,
    record,
)
from assets.ingest.parsing import FeedFileError, parse_feed_file
from assets.warehouse import table_ref

QUARANTINE_DDL = """
create table if not exists raw.quarantined_rows (
    feed varchar, source_file varchar, source_row bigint, reason varchar,
    raw_record varchar, quarantined_at timestamp
)"""
DUPLICATE_REASON = "duplicate of "


@dataclass
class FeedLoad:
    """What one load of a feed did, file by file."""

    feed: str
    outcomes: list[Outcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """Files already loaded with the same content and settings."""

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def total(self, counter: str) -> int:
        return sum(getattr(o, counter) for o in self.outcomes)


def landed_files(source: FeedSource) -> list[Path]:
    """The feed's files, in name order; hidden and ``_``-prefixed files are not feeds."""
    if not source.folder.is_dir():
        raise FileNotFoundError(
            f"{source.folder}: no such folder; the {source.feed.name} feed is read from {source.folder}/{source.glob} "
            "(run `segments generate` for sample data)"
        )
    return sorted(p for p in source.folder.glob(source.glob) if p.is_file() and not p.name.startswith(("_", ".")))


def prepare_feed_tables(con: duckdb.DuckDBPyConnection, feed: Feed) -> None:
    """Create the manifest, quarantine and raw table; a raw table of another shape is rebuilt from its files."""
    new_manifest = prepare_manifest(con)
    if new_manifest:
        # a warehouse from before the manifest: its raw rows cannot be matched to file versions
        con.execute("drop table if exists raw.quarantined_rows")
    con.execute(QUARANTINE_DDL)
    raw_table = table_ref("raw", feed.name)
    columns = [
        row[0]
        for row in con.execute(
            "select column_name from information_schema.columns where table_schema = 'raw' and table_name = ? "
            "order by ordinal_position",
            [feed.name],
        ).fetchall()
    ]
    expected = [part.split(" ")[0] for part in raw_table_ddl(feed).split(", ")]
    if new_manifest or (columns and columns != expected):
        con.execute(f"drop table if exists {raw_table}")
        con.execute("delete from raw.quarantined_rows where feed = ?", [feed.name])
        con.execute("delete from raw.load_manifest where feed = ?", [feed.name])
    con.execute(f"create table if not exists {raw_table} ({raw_table_ddl(feed)})")


def create_empty_feed(con: duckdb.DuckDBPyConnection, feed: Feed) -> None:
    """An empty raw table for a feed the configuration does not list, so the models still build."""
    prepare_feed_tables(con, feed)
    con.execute("begin transaction")
    con.execute(f"delete from {table_ref('raw', feed.name)}")
    con.execute("delete from raw.quarantined_rows where feed = ?", [feed.name])
    con.execute("delete from raw.load_manifest where feed = ?", [feed.name])
    con.execute("commit")


def load_feed(
    con: duckdb.DuckDBPyConnection, source: FeedSource, *, now: datetime, pii_key: bytes | None = None
) -> FeedLoad:
    """Load the feed's files that the manifest does not have yet (or has as failed, or in another version)."""
    feed = source.feed
    prepare_feed_tables(con, feed)
    settings = source.reading_fingerprint()
    load = FeedLoad(feed=feed.name)
    files = landed_files(source)
    _forget_removed_files(con, feed, [str(p) for p in files])
    for path in files:
        entries = current_entries(con, feed.name)
        loaded = {
            (e.checksum, e.reading_settings): name for name, es in entries.items() for e in es if e.status == "loaded"
        }
        current = _current_version(entries.get(str(path), []), loaded)
        stat = file_stat(path)
        if (
            current
            and current.reading_settings == settings
            and (current.file_size, current.modified_at)
            == (
                stat.size,
                stat.modified_at,
            )
        ):
            load.skipped.append(str(path))
            continue
        checksum = file_checksum(path)
        if current and (current.checksum, current.reading_settings) == (checksum, settings):
            # touched, not changed: remember the new modification time so the next refresh skips the checksum
            con.execute(
                "update raw.load_manifest set modified_at = ? where feed = ? and source_file = ? and status = ?",
                [stat.modified_at, feed.name, str(path), current.status],
            )
            load.skipped.append(str(path))
            continue
        started = time.perf_counter()
        twin = loaded.get((checksum, settings))
        parsed = None
        if twin is not None and twin != str(path):
            outcome = Outcome(source_file=str(path), status="same_content", same_as=twin)
        else:
            try:
                parsed = parse_feed_file(path, source, now=now, pii_key=pii_key)
            except FeedFileError as exc:
                outcome = Outcome(source_file=str(path), status="failed", problem=str(exc))
                known = (checksum, settings, outcome.problem)
                if any(
                    (e.status, e.checksum, e.reading_settings, e.problem) == ("failed", *known)
                    for e in entries.get(str(path), [])
                ):
                    # failed again the same way: the manifest already says so
                    load.outcomes.append(outcome)
                    continue
        con.execute("begin transaction")
        try:
            if parsed is not None:
                outcome = _replace_rows(con, feed, path, parsed.loaded, parsed.quarantined, parsed.rows_read)
            elif outcome.status == "same_content":
                _delete_rows(con, feed, path)
            record(
                con,
                feed.name,
                outcome,
                stat=stat,
                checksum=checksum,
                reading_settings=settings,
                loaded_at=now,
                load_seconds=time.perf_counter() - started,
            )
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        load.outcomes.append(outcome)
    return load


def _forget_removed_files(con: duckdb.DuckDBPyConnection, feed: Feed, landed: list[str]) -> None:
    """The raw tables mirror the landing folder: a file taken away takes its rows along (status `removed`)."""
    con.execute("begin transaction")
    try:
        gone = con.execute(
            "select distinct source_file from raw.load_manifest "
            "where feed = ? and status in ('loaded', 'same_content', 'failed') and not list_contains(?, source_file)",
            [feed.name, landed],
        ).fetchall()
        for (path,) in gone:
            _delete_rows(con, feed, Path(path))
        con.execute(
            "update raw.load_manifest set status = 'removed' "
            "where feed = ? and status in ('loaded', 'same_content', 'failed') and not list_contains(?, source_file)",
            [feed.name, landed],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _current_version(entries: list[Entry], loaded: dict[tuple[str, str], str]) -> Entry | None:
    """The path's version that needs no reload: loaded, or the same content as a file that still is."""
    for entry in entries:
        if entry.status == "loaded":
            return entry
        if entry.status == "same_content" and loaded.get((entry.checksum, entry.reading_settings)) == entry.same_as:
            return entry
    return None


def _delete_rows(con: duckdb.DuckDBPyConnection, feed: Feed, path: Path) -> None:
    con.execute(f"delete from {table_ref('raw', feed.name)} where _source_file = ?", [str(path)])
    con.execute("delete from raw.quarantined_rows where feed = ? and source_file = ?", [feed.name, str(path)])


def _replace_rows(
    con: duckdb.DuckDBPyConnection,
    feed: Feed,
    path: Path,
    loaded: pl.DataFrame,
    quarantined: pl.DataFrame,
    rows_read: int,
) -> Outcome:
    """Swap the path's rows for its new version's, quarantining rows already loaded (duplicates)."""
    _delete_rows(con, feed, path)
    loaded, duplicates = split_duplicates(con, feed, loaded)
    quarantined = pl.concat([quarantined, duplicates])
    con.register("_loaded", loaded.to_arrow())
    con.register("_quarantined", quarantined.to_arrow())
    try:
        con.execute(f"insert into {table_ref('raw', feed.name)} select * from _loaded")
        con.execute("insert into raw.quarantined_rows select * from _quarantined")
    finally:
        con.unregister("_loaded")
        con.unregister("_quarantined")
    return Outcome(
        source_file=str(path),
        status="loaded",
        rows_read=rows_read,
        rows_loaded=loaded.height,
        rows_quarantined=quarantined.height,
        rows_duplicate=duplicates.height,
    )


def split_duplicates(
    con: duckdb.DuckDBPyConnection, feed: Feed, loaded: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows to insert, and quarantine rows for those equal in every stored column to an earlier row.

    Earlier means an earlier line of the same file, or any row already in `raw.<feed>`.
    """
    columns = [name for name, _ in feed.stored_columns]
    first_line = pl.col("_source_row").min().over(columns)
    marked = loaded.with_columns(
        pl.when(first_line != pl.col("_source_row"))
        .then(pl.lit(DUPLICATE_REASON) + pl.col("_source_file") + pl.lit(" line ") + first_line.cast(pl.String))
        .alias("_duplicate_of")
    )
    con.register(
        "_candidates", marked.filter(pl.col("_duplicate_of").is_null()).select(*columns, "_source_row").to_arrow()
    )
    try:
        matches = " and ".join(f"c.{c} is not distinct from e.{c}" for c in columns)
        earlier = con.execute(
            f"""
            select c._source_row, min(e._source_file || ' line ' || e._source_row)
            from _candidates as c join {table_ref("raw", feed.name)} as e on {matches}
            group by c._source_row
            """
        ).fetchall()
    finally:
        con.unregister("_candidates")
    if earlier:
        other = pl.DataFrame(
            {"_source_row": [row for row, _ in earlier], "_other": [DUPLICATE_REASON + where for _, where in earlier]},
            schema={"_source_row": pl.Int64, "_other": pl.String},
        )
        marked = marked.join(other, on="_source_row", how="left", maintain_order="left").with_columns(
            pl.coalesce("_duplicate_of", "_other").alias("_duplicate_of")
        )
        marked = marked.drop("_other")
    keep = marked.filter(pl.col("_duplicate_of").is_null()).drop("_duplicate_of")
    duplicates = marked.filter(pl.col("_duplicate_of").is_not_null()).select(
        pl.lit(feed.name).alias("feed"),
        pl.col("_source_file").alias("source_file"),
        pl.col("_source_row").alias("source_row"),
        pl.col("_duplicate_of").alias("reason"),
        pl.struct(columns).struct.json_encode().alias("raw_record"),
        pl.col("_loaded_at").alias("quarantined_at"),
    )
    return keep, duplicates
