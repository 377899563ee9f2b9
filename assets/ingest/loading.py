"""Load a feed's new and changed files into the warehouse, one transaction per file, driven by the manifest.

A file already in the manifest with the same bytes and reading settings is skipped (unchanged size
and modification time skip even the checksum); a file with the same bytes as another loaded file
is recorded as `same_content` and not read; a changed file replaces the rows of its earlier
version. Each file's rows, quarantined rows and manifest entry commit together, so a rerun after
a crash loads exactly the files the crashed run did not commit. A whole-file problem is recorded
as `failed` and the other files still load. A file taken away from the landing folder takes its
rows along: the raw tables always hold what the landing folder holds, each file read once.

Rows equal in every field to a row loaded before (from this file or another) are quarantined as
`duplicate of <file> line <n>` and counted in the manifest's `rows_duplicate`. When that file's rows
go (replaced or removed), its duplicates elsewhere are loaded again, once.

A feed whose folder and glob match no file while the manifest holds loaded files fails instead of
emptying the raw table: a glob typo or an emptied folder must not wipe a feed silently.

Files still being written (see `landed.py`) are skipped and listed in `FeedLoad.unsettled`; their
earlier version, if any, keeps its rows. A symbolic link leading out of the feed's folder is
recorded as `failed`. The manifest is read once per load and kept current in memory, so a load
costs time linear in the number of files.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from assets.ingest.config import FeedSource
from assets.ingest.feeds import Feed, raw_table_ddl
from assets.ingest.landed import landed_files, outside_folder, unsettled_files
from assets.ingest.manifest import (
    Entry,
    ManifestView,
    Outcome,
    Stat,
    file_checksum,
    file_stat,
    prepare_manifest,
    record,
)
from assets.ingest.parsing import FeedFileError, parse_feed_file
from assets.ingest.pii import safe_message
from assets.ingest.reading import MAX_MESSAGE
from assets.warehouse import table_ref

QUARANTINE_DDL = """
create table if not exists raw.quarantined_rows (
    feed varchar, source_file varchar, source_row bigint, reason varchar,
    raw_record varchar, quarantined_at timestamp
)"""
NULLED_DDL = """
create table if not exists raw.nulled_values (
    feed varchar, source_file varchar, source_row bigint, field varchar, reason varchar, nulled_at timestamp
)"""
DUPLICATE_REASON = "duplicate of "
POLARS_TYPES: dict[str, pl.DataType] = {
    "varchar": pl.String(),
    "bigint": pl.Int64(),
    "double": pl.Float64(),
    "date": pl.Date(),
    "timestamp": pl.Datetime("us"),
    "boolean": pl.Boolean(),
}


@dataclass
class FeedLoad:
    """What one load of a feed did, file by file."""

    feed: str
    outcomes: list[Outcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """Files already loaded with the same content and settings."""
    unsettled: list[str] = field(default_factory=list)
    """Files modified within the feed's `settle_seconds` and again while watched: still being written."""

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def total(self, counter: str) -> int:
        return sum(getattr(o, counter) for o in self.outcomes)


__all__ = ["FeedLoad", "create_empty_feed", "landed_files", "load_feed", "prepare_feed_tables"]


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Commit the block's statements together, or roll them back keeping the error that stopped them.

    A failed commit (a full disk) can end the transaction itself; the rollback then fails with
    `no transaction is active`, which must not replace the real error: it is added as a note.
    """
    con.execute("begin transaction")
    try:
        yield
        con.execute("commit")
    except BaseException as error:
        try:
            con.execute("rollback")
        except duckdb.Error as rollback_error:
            error.add_note(f"the rollback after this error failed too: {rollback_error}")
        raise


def prepare_feed_tables(con: duckdb.DuckDBPyConnection, feed: Feed) -> None:
    """Create the manifest, quarantine and raw table; a raw table of another shape is rebuilt from its files."""
    new_manifest = prepare_manifest(con)
    if new_manifest:
        # a warehouse from before the manifest: its raw rows cannot be matched to file versions
        con.execute("drop table if exists raw.quarantined_rows")
    con.execute(QUARANTINE_DDL)
    con.execute(NULLED_DDL)
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
    with transaction(con):
        con.execute(f"delete from {table_ref('raw', feed.name)}")
        con.execute("delete from raw.quarantined_rows where feed = ?", [feed.name])
        con.execute("delete from raw.nulled_values where feed = ?", [feed.name])
        con.execute("delete from raw.load_manifest where feed = ?", [feed.name])


def load_feed(
    con: duckdb.DuckDBPyConnection, source: FeedSource, *, now: datetime, pii_key: bytes | None = None
) -> FeedLoad:
    """Load the feed's files that the manifest does not have yet (or has as failed, or in another version)."""
    feed = source.feed
    prepare_feed_tables(con, feed)
    settings = source.reading_fingerprint()
    load = FeedLoad(feed=feed.name)
    files = landed_files(source)
    if not files and _has_loaded_files(con, feed):
        load.outcomes.append(_record_no_files(con, source, now=now))
        return load
    _forget_removed_files(con, feed, [str(p) for p in files])
    unsettled = set(unsettled_files(files, source.settle_seconds))
    load.unsettled = [str(p) for p in files if p in unsettled]
    manifest = ManifestView(con, feed.name)
    for path in files:
        if path not in unsettled:
            outcome = _load_file(con, source, path, manifest, settings=settings, now=now, pii_key=pii_key)
            if outcome is None:
                load.skipped.append(str(path))
            else:
                load.outcomes.append(outcome)
    return load


def _load_file(
    con: duckdb.DuckDBPyConnection,
    source: FeedSource,
    path: Path,
    manifest: ManifestView,
    *,
    settings: str,
    now: datetime,
    pii_key: bytes | None,
) -> Outcome | None:
    """Load one file if the manifest has no current version of it; None when it is unchanged."""
    feed = source.feed
    entries = manifest.of(str(path))
    current = _current_version(entries, manifest.loaded)
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
        return None
    refused = outside_folder(path, source.folder)
    checksum = "" if refused else file_checksum(path)
    if current and (current.checksum, current.reading_settings) == (checksum, settings):
        # touched, not changed: remember the new modification time so the next refresh skips the checksum
        con.execute(
            "update raw.load_manifest set modified_at = ? where feed = ? and source_file = ? and status = ?",
            [stat.modified_at, feed.name, str(path), current.status],
        )
        return None
    started = time.perf_counter()
    twin = manifest.loaded.get((checksum, settings))
    parsed = None
    outcome = Outcome(source_file=str(path), status="loaded")  # until parsed: its counts come from the rows
    if refused:
        outcome = Outcome(source_file=str(path), status="failed", problem=refused)
    elif twin is not None and twin != str(path):
        outcome = Outcome(source_file=str(path), status="same_content", same_as=twin)
    else:
        try:
            parsed = parse_feed_file(path, source, now=now, pii_key=pii_key)
        except FeedFileError as exc:
            outcome = Outcome(source_file=str(path), status="failed", problem=str(exc))
    if outcome.status == "failed" and any(
        (e.status, e.checksum, e.reading_settings, e.problem) == ("failed", checksum, settings, outcome.problem)
        for e in entries
    ):
        return outcome  # failed again the same way: the manifest already says so
    had_rows = any(e.status == "loaded" for e in entries)
    with transaction(con):
        if parsed is not None:
            outcome = _replace_rows(
                con, feed, path, parsed.loaded, parsed.quarantined, parsed.rows_read, had_rows=had_rows
            )
            _insert_nulled(con, parsed.nulled, feed)
        elif outcome.status == "same_content" and had_rows:
            _delete_rows(con, feed, path)
            restore_orphaned_duplicates(con, feed, [str(path)])
        record(
            con,
            feed.name,
            outcome,
            stat=stat,
            checksum=checksum,
            reading_settings=settings,
            loaded_at=now,
            load_seconds=time.perf_counter() - started,
            known=bool(entries),
        )
    manifest.recorded(outcome, stat=stat, checksum=checksum, reading_settings=settings)
    return outcome


def _forget_removed_files(con: duckdb.DuckDBPyConnection, feed: Feed, landed: list[str]) -> None:
    """The raw tables mirror the landing folder: a file taken away takes its rows along (status `removed`)."""
    with transaction(con):
        known = con.execute(
            "select distinct source_file from raw.load_manifest "
            "where feed = ? and status in ('loaded', 'same_content', 'failed')",
            [feed.name],
        ).fetchall()
        gone = sorted({path for (path,) in known} - set(landed))  # a set difference: linear in the files
        if not gone:
            return
        for path in gone:
            _delete_rows(con, feed, Path(path))
        restore_orphaned_duplicates(con, feed, gone)
        con.execute(
            "update raw.load_manifest set status = 'removed' "
            "where feed = ? and status in ('loaded', 'same_content', 'failed') and list_contains(?, source_file)",
            [feed.name, gone],
        )


def _has_loaded_files(con: duckdb.DuckDBPyConnection, feed: Feed) -> bool:
    return bool(
        con.execute(
            "select count(*) from raw.load_manifest where feed = ? and status in ('loaded', 'same_content')",
            [feed.name],
        ).fetchone()[0]
    )


def _record_no_files(con: duckdb.DuckDBPyConnection, source: FeedSource, *, now: datetime) -> Outcome:
    """Fail the feed's load, keeping its loaded files, when its folder and glob match nothing at all."""
    pattern = str(source.folder / source.glob)
    outcome = Outcome(
        source_file=pattern,
        status="failed",
        problem=safe_message(
            f"{pattern}: no file matches the glob '{source.glob}' in {source.folder}, but the {source.feed.name} "
            "feed has loaded files there before; the previously loaded files were kept. Fix the folder or glob "
            "(names are case-sensitive); to empty the feed on purpose, leave it out of the feeds configuration",
            MAX_MESSAGE,
        ),
    )
    with transaction(con):
        record(
            con,
            source.feed.name,
            outcome,
            stat=Stat(size=0, modified_at=now),
            checksum="",
            reading_settings=source.reading_fingerprint(),
            loaded_at=now,
            load_seconds=0.0,
        )
    return outcome


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
    con.execute("delete from raw.nulled_values where feed = ? and source_file = ?", [feed.name, str(path)])


def _insert_nulled(con: duckdb.DuckDBPyConnection, nulled: pl.DataFrame | None, feed: Feed) -> None:
    """Record the implausible values nulled in the file's loaded rows (a duplicate's stay with its copy)."""
    if nulled is None or nulled.is_empty():
        return
    con.register("_nulled", nulled.to_arrow())
    try:
        con.execute(
            f"insert into raw.nulled_values select n.* from _nulled as n where exists (select 1 from "
            f"{table_ref('raw', feed.name)} as r where r._source_file = n.source_file and r._source_row = n.source_row)"
        )
    finally:
        con.unregister("_nulled")


def _replace_rows(
    con: duckdb.DuckDBPyConnection,
    feed: Feed,
    path: Path,
    loaded: pl.DataFrame,
    quarantined: pl.DataFrame,
    rows_read: int,
    *,
    had_rows: bool = True,
) -> Outcome:
    """Swap the path's rows for its new version's, quarantining rows already loaded (duplicates).

    A path the manifest has no loaded version of has no rows to swap (`had_rows` False): a first
    load of many small files skips those statements.
    """
    if had_rows:
        _delete_rows(con, feed, path)
    loaded, duplicates = split_duplicates(con, feed, loaded)
    quarantined = pl.concat([quarantined, duplicates])
    _insert(con, feed, loaded, quarantined)
    if had_rows:
        # after the new rows are in, so a line the new version still has stays its duplicate
        restore_orphaned_duplicates(con, feed, [str(path)])
    return Outcome(
        source_file=str(path),
        status="loaded",
        rows_read=rows_read,
        rows_loaded=loaded.height,
        rows_quarantined=quarantined.height,
        rows_duplicate=duplicates.height,
    )


def _insert(con: duckdb.DuckDBPyConnection, feed: Feed, loaded: pl.DataFrame, quarantined: pl.DataFrame) -> None:
    """Append rows to `raw.<feed>` and to `raw.quarantined_rows`."""
    for name, table, frame in (
        ("_loaded", table_ref("raw", feed.name), loaded),
        ("_quarantined", "raw.quarantined_rows", quarantined),
    ):
        if frame.is_empty():
            continue
        con.register(name, frame.to_arrow())
        try:
            con.execute(f"insert into {table} select * from {name}")
        finally:
            con.unregister(name)


def split_duplicates(
    con: duckdb.DuckDBPyConnection, feed: Feed, loaded: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows to insert, and quarantine rows for those equal in every stored column to an earlier row.

    Earlier means an earlier line of the same file, or any row already in `raw.<feed>`.
    """
    columns = [name for name, _ in feed.stored_columns]
    first_line = pl.col("_source_row").min().over(columns)
    # rows are told apart by position: an unpivoted line gives several rows with the same line number
    marked = loaded.with_row_index("_row").with_columns(
        pl.when(first_line != pl.col("_source_row"))
        .then(pl.lit(DUPLICATE_REASON) + pl.col("_source_file") + pl.lit(" line ") + first_line.cast(pl.String))
        .alias("_duplicate_of")
    )
    con.register("_candidates", marked.filter(pl.col("_duplicate_of").is_null()).select(*columns, "_row").to_arrow())
    try:
        matches = " and ".join(f"c.{c} is not distinct from e.{c}" for c in columns)
        earlier = con.execute(
            f"""
            select c._row, min(e._source_file || ' line ' || e._source_row)
            from _candidates as c join {table_ref("raw", feed.name)} as e on {matches}
            group by c._row
            """
        ).fetchall()
    finally:
        con.unregister("_candidates")
    if earlier:
        other = pl.DataFrame(
            {"_row": [row for row, _ in earlier], "_other": [DUPLICATE_REASON + where for _, where in earlier]},
            schema={"_row": pl.UInt32, "_other": pl.String},
        )
        marked = marked.join(other, on="_row", how="left", maintain_order="left").with_columns(
            pl.coalesce("_duplicate_of", "_other").alias("_duplicate_of")
        )
        marked = marked.drop("_other")
    keep = marked.filter(pl.col("_duplicate_of").is_null()).drop("_duplicate_of", "_row")
    duplicates = marked.filter(pl.col("_duplicate_of").is_not_null()).select(
        pl.lit(feed.name).alias("feed"),
        pl.col("_source_file").alias("source_file"),
        pl.col("_source_row").alias("source_row"),
        pl.col("_duplicate_of").alias("reason"),
        pl.struct(columns).struct.json_encode().alias("raw_record"),
        pl.col("_loaded_at").alias("quarantined_at"),
    )
    return keep, duplicates


def restore_orphaned_duplicates(con: duckdb.DuckDBPyConnection, feed: Feed, deleted: list[str]) -> None:
    """Load again the rows quarantined as duplicates of rows of the `deleted` files, whose rows are gone.

    Each such row is loaded once: a row still equal to a loaded row (or to another restored row)
    stays quarantined as its duplicate. The files' manifest counts move with their rows, so rows
    read still equal rows loaded plus rows quarantined. Runs inside the caller's transaction.
    """
    orphans = _orphaned_duplicates(con, feed, deleted)
    if orphans.is_empty():
        return
    con.register("_orphans", orphans.select("source_file", "source_row", "raw_record").to_arrow())
    try:
        # the record too: an unpivoted line's rows share its line number
        con.execute(
            "delete from raw.quarantined_rows as q where feed = ? and starts_with(q.reason, ?) and exists "
            "(select 1 from _orphans as o where o.source_file = q.source_file and o.source_row = q.source_row "
            "and o.raw_record = q.raw_record)",
            [feed.name, DUPLICATE_REASON],
        )
    finally:
        con.unregister("_orphans")
    schema = {name: POLARS_TYPES[sql_type] for name, sql_type in feed.stored_columns}
    for (source_file,), rows in orphans.sort("source_file", "source_row").group_by("source_file", maintain_order=True):
        typed = rows.select(
            pl.col("raw_record").str.json_decode(pl.Struct(schema)).struct.unnest(),
            pl.col("source_file").alias("_source_file"),
            pl.col("source_row").alias("_source_row"),
            pl.col("quarantined_at").alias("_loaded_at"),
        )
        keep, duplicates = split_duplicates(con, feed, typed)
        _insert(con, feed, keep, duplicates)
        con.execute(
            "update raw.load_manifest set rows_loaded = rows_loaded + ?, rows_quarantined = rows_quarantined - ?, "
            "rows_duplicate = rows_duplicate - ? where feed = ? and source_file = ? and status = 'loaded'",
            [keep.height, keep.height, keep.height, feed.name, source_file],
        )


def _orphaned_duplicates(con: duckdb.DuckDBPyConnection, feed: Feed, deleted: list[str]) -> pl.DataFrame:
    """Quarantined duplicates, in files not deleted, of rows of the `deleted` files."""
    rows = []
    for path in deleted:
        rows += con.execute(
            "select source_file, source_row, raw_record, quarantined_at from raw.quarantined_rows "
            "where feed = ? and not list_contains(?, source_file) and starts_with(reason, ?)",
            [feed.name, deleted, f"{DUPLICATE_REASON}{path} line "],
        ).fetchall()
    schema = {
        "source_file": pl.String,
        "source_row": pl.Int64,
        "raw_record": pl.String,
        "quarantined_at": pl.Datetime("us"),
    }
    return pl.DataFrame(rows, schema=schema, orient="row")
