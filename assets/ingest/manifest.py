"""The load manifest: which landed files were read, what came of each, and how to recognise them again.

`raw.load_manifest` has one row per version of a file: path, size, modification time, SHA-256
checksum, the reading settings it was read with, the row counts and the status:

- `loaded`: its rows are in `raw.<feed>` and `raw.quarantined_rows`;
- `same_content`: byte for byte the file named in `same_as`, which is loaded; nothing was read;
- `failed`: a whole-file problem (in `problem`); retried on every refresh until it loads;
- `replaced`: an earlier version of a path whose new content (or new reading settings) replaced its rows;
- `removed`: a file taken away from the landing folder, whose rows went with it.

`raw.load_log` is a view of the loaded files' counts.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

MANIFEST_DDL = """
create table if not exists raw.load_manifest (
    feed varchar not null,
    source_file varchar not null,
    file_size bigint not null,
    modified_at timestamp not null,
    checksum varchar not null,
    reading_settings varchar not null,
    status varchar not null,
    problem varchar,
    same_as varchar,
    rows_read bigint not null,
    rows_loaded bigint not null,
    rows_quarantined bigint not null,
    rows_duplicate bigint not null,
    loaded_at timestamp not null,
    load_seconds double not null
)"""
LOAD_LOG_VIEW = """
create or replace view raw.load_log as
select feed, source_file, rows_read, rows_loaded, rows_quarantined, rows_duplicate, loaded_at
from raw.load_manifest where status = 'loaded'"""


@dataclass(frozen=True)
class Stat:
    size: int
    modified_at: datetime


@dataclass(frozen=True)
class Entry:
    """A manifest row of a file now landed: `loaded`, `same_content` or `failed`."""

    source_file: str
    status: str
    file_size: int
    modified_at: datetime
    checksum: str
    reading_settings: str
    same_as: str | None
    problem: str | None


@dataclass(frozen=True)
class Outcome:
    """What loading one file came to, as recorded in the manifest."""

    source_file: str
    status: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_duplicate: int = 0
    problem: str | None = None
    same_as: str | None = None


def file_stat(path: Path) -> Stat:
    stat = path.stat()
    return Stat(size=stat.st_size, modified_at=datetime.fromtimestamp(stat.st_mtime_ns / 1e9))


def file_checksum(path: Path) -> str:
    """SHA-256 of the file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def prepare_manifest(con: duckdb.DuckDBPyConnection) -> bool:
    """Create the manifest (and the load log view); True if the manifest is new."""
    con.execute("create schema if not exists raw")
    exists = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'raw' and table_name = 'load_manifest'"
    ).fetchone()[0]
    con.execute(MANIFEST_DDL)
    kind = con.execute(
        "select table_type from information_schema.tables where table_schema = 'raw' and table_name = 'load_log'"
    ).fetchone()
    if kind is not None and kind[0] == "BASE TABLE":
        # warehouses from before the manifest kept the log as a table
        con.execute("drop table raw.load_log")
    con.execute(LOAD_LOG_VIEW)
    return not exists


def current_entries(con: duckdb.DuckDBPyConnection, feed: str) -> dict[str, list[Entry]]:
    """The feed's manifest rows of files now landed (not `replaced` or `removed`), by file path."""
    rows = con.execute(
        "select source_file, status, file_size, modified_at, checksum, reading_settings, same_as, problem "
        "from raw.load_manifest where feed = ? and status in ('loaded', 'same_content', 'failed')",
        [feed],
    ).fetchall()
    entries: dict[str, list[Entry]] = {}
    for row in rows:
        entries.setdefault(row[0], []).append(Entry(*row))
    return entries


class ManifestView:
    """A feed's manifest rows of files now landed, read once per load and kept current as files commit.

    Reading the manifest again for every file made a load of n files cost n manifest reads
    (58 s for a no-op reload of 2,000 files); this keeps a load linear in its files.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, feed: str) -> None:
        self.entries = current_entries(con, feed)
        self.loaded = {
            (e.checksum, e.reading_settings): name
            for name, es in self.entries.items()
            for e in es
            if e.status == "loaded"
        }
        """(checksum, reading settings) -> the path loaded with them."""

    def of(self, path: str) -> list[Entry]:
        return self.entries.get(path, [])

    def recorded(self, outcome: Outcome, *, stat: Stat, checksum: str, reading_settings: str) -> None:
        """Follow what `record` wrote: a failure keeps the loaded version, anything else replaces all."""
        path = outcome.source_file
        kept = [e for e in self.of(path) if e.status != "failed"] if outcome.status == "failed" else []
        for old in self.of(path):
            key = (old.checksum, old.reading_settings)
            if old.status == "loaded" and outcome.status != "failed" and self.loaded.get(key) == path:
                del self.loaded[key]
        new = Entry(
            path,
            outcome.status,
            stat.size,
            stat.modified_at,
            checksum,
            reading_settings,
            outcome.same_as,
            outcome.problem,
        )
        self.entries[path] = [*kept, new]
        if outcome.status == "loaded":
            self.loaded[(checksum, reading_settings)] = path


def record(
    con: duckdb.DuckDBPyConnection,
    feed: str,
    outcome: Outcome,
    *,
    stat: Stat,
    checksum: str,
    reading_settings: str,
    loaded_at: datetime,
    load_seconds: float,
    known: bool = True,
) -> None:
    """Write a file's outcome: a new version replaces the path's earlier rows; a failure keeps a loaded version.

    `known` False: the manifest has no current row for the path, so there is nothing to replace.
    """
    if known and outcome.status != "failed":
        con.execute(
            "update raw.load_manifest set status = 'replaced' "
            "where feed = ? and source_file = ? and status in ('loaded', 'same_content')",
            [feed, outcome.source_file],
        )
    if known:
        con.execute(
            "delete from raw.load_manifest where feed = ? and source_file = ? and status = 'failed'",
            [feed, outcome.source_file],
        )
    con.execute(
        "insert into raw.load_manifest values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            feed,
            outcome.source_file,
            stat.size,
            stat.modified_at,
            checksum,
            reading_settings,
            outcome.status,
            outcome.problem,
            outcome.same_as,
            outcome.rows_read,
            outcome.rows_loaded,
            outcome.rows_quarantined,
            outcome.rows_duplicate,
            loaded_at,
            load_seconds,
        ],
    )
