"""Published versions on disk: one DuckDB file per version, and one stable path analysts open.

DuckDB lets one process write a file, and a writer and a reader cannot hold the same file at
once. So the pipeline never writes the file analysts read: each version is written to its own
file under ``versions/``, checkpointed, closed and renamed into place, and only then is the
stable path ``segments.duckdb`` switched to it with ``os.replace`` of a hard link. The switch
is one atomic rename: a new connection opens either the old version or the new one, never a
mix, and a connection that is already open keeps reading its version (its inode) until it
closes. Every table of a version lives in that one file, so all tables switch together.

Version files are made read-only on disk (mode 0444) once written: an analyst who opens the
published path without ``read_only`` gets a permission error instead of taking DuckDB's write
lock on it (which would stop the next refresh from reading it) or changing it. Renames and
deletions need only the folder's permissions, so switching, rollback and pruning are unaffected.

Versions are written with an older storage format (``STORAGE_VERSION``) so DuckDB 1.x clients
can open them; see `docs/analysts.md`.
"""

import os
import re
import shutil
import stat
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from assets.warehouse import quote_ident

CURRENT_FILE = "segments.duckdb"
VERSION_FILE = re.compile(r"^segments-v(\d{6,})\.duckdb$")
DEFAULT_STORAGE_VERSION = "v1.0.0"
"""Readable by DuckDB 1.0 and every later release (checked with 1.1.3, 1.4.4 and 2.0.0)."""
PUBLICATION_TABLE = "publication"
READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH
"""Mode of every version file (0444): readable by all, writable by nobody but root."""


class PublishedFileUnreadable(RuntimeError):
    """The published file exists but cannot be opened read-only."""


@dataclass(frozen=True)
class PublishedStore:
    """The folder of published versions beside a warehouse file."""

    root: Path

    @classmethod
    def beside(cls, warehouse: Path) -> "PublishedStore":
        """``data/warehouse.duckdb`` publishes to ``data/warehouse-published/``."""
        warehouse = Path(warehouse).expanduser().resolve()
        return cls(warehouse.parent / f"{warehouse.stem}-published")

    @property
    def current(self) -> Path:
        return self.root / CURRENT_FILE

    @property
    def versions_dir(self) -> Path:
        return self.root / "versions"

    @property
    def log_file(self) -> Path:
        return self.root / "publish_log.parquet"

    @property
    def lock_file(self) -> Path:
        return self.root / "refresh.lock"

    @property
    def exports_dir(self) -> Path:
        return self.root / "exports"

    @property
    def data_docs_dir(self) -> Path:
        return self.root / "data_docs"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    def report_file(self, version: int) -> Path:
        """The stakeholder report of a version (see `assets/report/`)."""
        return self.reports_dir / f"segments-v{version:06d}.html"

    def version_file(self, version: int) -> Path:
        return self.versions_dir / f"segments-v{version:06d}.duckdb"

    def versions(self) -> list[int]:
        """Versions whose file was completely written, oldest first."""
        if not self.versions_dir.exists():
            return []
        found = (VERSION_FILE.match(p.name) for p in self.versions_dir.iterdir())
        return sorted(int(m.group(1)) for m in found if m)

    def current_version(self) -> int | None:
        """The version analysts see now, read from the published file itself; None before the first."""
        if not self.current.exists():
            return None
        try:
            with open_published(self.current) as con:
                row = con.execute(f"select max(version) from published.{PUBLICATION_TABLE}").fetchone()
        except duckdb.Error as exc:
            raise PublishedFileUnreadable(
                f"cannot read the published file {self.current}: {exc}. If a process holds it open for writing "
                "(a connection opened without read_only), close that connection; analysts open it read-only."
            ) from exc
        return int(row[0]) if row and row[0] is not None else None

    def replaced_version(self) -> int | None:
        """``previous_version`` of the published file: the version analysts saw before it, rollback's target."""
        if not self.current.exists():
            return None
        with open_published(self.current) as con:
            row = con.execute(f"select max(previous_version) from published.{PUBLICATION_TABLE}").fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def switch_to(self, version: int) -> None:
        """Point the stable path at ``version`` in one atomic rename."""
        staged = self.root / f".{CURRENT_FILE}.switching"
        staged.unlink(missing_ok=True)
        try:
            os.link(self.version_file(version), staged)
        except OSError:
            # file systems without hard links: a copy, still swapped in by one rename
            staged.write_bytes(self.version_file(version).read_bytes())
            staged.chmod(READ_ONLY)
        os.replace(staged, self.current)
        _fsync_dir(self.root)

    def prune(self, keep: int) -> list[int]:
        """Delete all but the newest ``keep`` versions with their exports, reports and Data Docs.

        Never the current version, nor the one it replaced: that is where a rollback goes, and after
        a rollback it can be older than every version kept by number.
        """
        spared = {self.current_version(), self.replaced_version()}
        versions = self.versions()
        doomed = [v for v in versions[: max(len(versions) - keep, 0)] if v not in spared]
        for version in doomed:
            self.version_file(version).unlink(missing_ok=True)
            self.report_file(version).unlink(missing_ok=True)
            for folder in (self.exports_dir, self.data_docs_dir):
                shutil.rmtree(folder / f"v{version:06d}", ignore_errors=True)
        return doomed


@contextmanager
def open_published(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only view of a published file, attached as ``published`` to an in-memory database.

    Attaching (rather than ``duckdb.connect(path)``) bypasses the Python client's per-path cache
    of open databases, so each call sees the file the path names now, not one opened earlier.
    """
    con = duckdb.connect()
    try:
        con.execute("attach ? as published (read_only)", [str(path)])
        yield con
    finally:
        con.close()


def write_version(
    con: duckdb.DuckDBPyConnection,
    target: Path,
    tables: Mapping[str, str],
    *,
    views: Mapping[str, str] | None = None,
    storage_version: str = DEFAULT_STORAGE_VERSION,
    comments: Mapping[str, str] | None = None,
) -> None:
    """Write a complete version file: ``tables`` maps each table name to the query that fills it.

    The queries run on ``con`` (which can see the candidate schema); the file is written under a
    temporary name, checkpointed, closed and made read-only, then renamed to ``target``, so a file
    under a version's name is always complete, even if the process is killed while writing it.
    ``comments`` maps a table or view name to its `COMMENT ON` text, which BI tools show.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    for leftover in (partial, partial.with_name(partial.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con.execute(f"attach ? as version_out (storage_version {_literal(storage_version)})", [str(partial)])
    try:
        for table, query in tables.items():
            con.execute(f"create table version_out.main.{quote_ident(table)} as {query}")
        for view, query in (views or {}).items():
            con.execute(f"create view version_out.main.{quote_ident(view)} as {query}")
        for name, comment in (comments or {}).items():
            kind = "view" if name in (views or {}) else "table"
            # COMMENT ON takes no bound parameters: the text is quoted as a string literal
            con.execute(
                f"comment on {kind} version_out.main.{quote_ident(name)} is '{comment.replace(chr(39), chr(39) * 2)}'"
            )
        con.execute("checkpoint version_out")
    finally:
        con.execute("detach version_out")
    partial.chmod(READ_ONLY)  # before the rename: a file under a version's name is never writable
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, target)
    _fsync_dir(target.parent)


def _literal(text: str) -> str:
    """ATTACH options are not bindable; the storage version is checked against DuckDB's own list."""
    if not re.fullmatch(r"v\d+\.\d+\.\d+|latest", text):
        raise ValueError(f"storage version {text!r} is not of the form v1.0.0 (or 'latest')")
    return f"'{text}'"


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
