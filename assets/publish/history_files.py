"""Segment history and transitions on disk: one immutable Parquet file per published version.

Copying the whole history into every version file made each publication write every earlier
publication's rows again (34,000 more rows a publication at 2,000 customers, unchanged data or
not). Instead each publication writes only its own assignments and transitions, as
``history/segment_history-v000042.parquet`` and ``history/segment_transitions-v000042.parquet``
(read-only, written under a temporary name and renamed), and its version file holds views over
the files of every version analysts have been switched to, plus its own. A version that was
later rolled back stays in the history of the versions published after it.
"""

import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path

import duckdb
import polars as pl

from assets.publish.history import transitions
from assets.publish.store import READ_ONLY, PublishedStore

HISTORY_TABLES = ("segment_history", "segment_transitions")
HISTORY_FILE = re.compile(r"^(segment_history|segment_transitions)-v(\d{6,})\.parquet$")
READABLE_FOLDER = stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH
"""0755: analysts (other users) must reach the published file, its history and the publish log."""


def history_dir(store: PublishedStore) -> Path:
    return store.root / "history"


def history_file(store: PublishedStore, table: str, version: int) -> Path:
    return history_dir(store) / f"{table}-v{version:06d}.parquet"


def history_versions(store: PublishedStore) -> set[int]:
    """Versions with a complete history file."""
    folder = history_dir(store)
    if not folder.is_dir():
        return set()
    found = (HISTORY_FILE.match(p.name) for p in folder.iterdir())
    return {int(m.group(2)) for m in found if m and m.group(1) == "segment_history"}


def open_folders(store: PublishedStore) -> None:
    """Create the folders analysts read from, readable by them whatever the process's umask."""
    for folder in (store.root, store.versions_dir, history_dir(store)):
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(READABLE_FOLDER)


def write_history_file(store: PublishedStore, table: str, version: int, frame: pl.DataFrame) -> Path:
    """Write one version's rows of ``table``, read-only, complete under its final name or absent."""
    target = history_file(store, table, version)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    frame.write_parquet(partial)
    partial.chmod(READ_ONLY)
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, target)
    return target


def history_view(store: PublishedStore, table: str, versions: Iterable[int]) -> str:
    """The query of a view over ``table``'s files of ``versions`` (paths are literals: views take no parameters)."""
    files = [history_file(store, table, v) for v in sorted(set(versions))]
    listed = ", ".join("'" + str(path).replace("'", "''") + "'" for path in files)
    return f"select * from read_parquet([{listed}])"


def migrate_copied_history(con: duckdb.DuckDBPyConnection, store: PublishedStore, attached: str) -> set[int]:
    """Split a history table copied whole into a version file (the earlier layout) into per-version files.

    ``attached`` names the attached published file. Versions that already have their files are
    left alone. Returns the versions written.
    """
    kinds = dict(
        con.execute(
            "select table_name, table_type from information_schema.tables where table_catalog = ? and table_name in ?",
            [attached, list(HISTORY_TABLES)],
        ).fetchall()
    )
    if kinds.get("segment_history") != "BASE TABLE":
        return set()
    have = history_versions(store)
    written: set[int] = set()
    history = con.sql(f"select * from {attached}.main.segment_history").pl()
    moves = (
        con.sql(f"select * from {attached}.main.segment_transitions").pl()
        if kinds.get("segment_transitions") == "BASE TABLE"
        else None
    )
    for version in sorted(set(history["version"].to_list()) - have):
        rows = history.filter(pl.col("version") == version).sort("segment_kind", "customer_id")
        moved = moves.filter(pl.col("to_version") == version) if moves is not None else None
        if moved is None:
            moved = transitions(rows.clear(), rows.clear())
        write_history_file(store, "segment_transitions", version, moved)
        write_history_file(store, "segment_history", version, rows)
        written.add(version)
    return written
