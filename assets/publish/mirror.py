"""The warehouse's own copy of the published version, in its `segments` schema.

Analysts never open the warehouse (a refresh holds it); they open the published file. The
pipeline and its tests query the warehouse, so it keeps the published version's tables in its
`segments` schema too (tables copied, views such as the history recreated over the same files).
The copy is taken from a complete version file, in one transaction,
and re-taken at the start of every refresh and after a rollback whenever it differs from the
version analysts see, so a refresh killed between the copy and the switch heals on the next run.
"""

import re
from pathlib import Path

import duckdb

from assets.publish.store import PUBLICATION_TABLE
from assets.warehouse import quote_ident, table_exists

MIRROR_SCHEMA = "segments"


def mirrored_version(con: duckdb.DuckDBPyConnection) -> int | None:
    if not table_exists(con, MIRROR_SCHEMA, PUBLICATION_TABLE):
        return None
    row = con.execute(f"select max(version) from {MIRROR_SCHEMA}.{PUBLICATION_TABLE}").fetchone()
    return None if row is None or row[0] is None else int(row[0])


def mirror_published(con: duckdb.DuckDBPyConnection, version_file: Path, log_file: Path) -> None:
    """Replace the warehouse's `segments` tables with those of ``version_file``, all at once."""
    con.execute("attach ? as mirror_source (read_only)", [str(version_file)])
    try:
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from duckdb_tables() where database_name = 'mirror_source' order by table_name"
            ).fetchall()
        ]
        views = {
            name: _view_query(name, sql)
            for name, sql in con.execute(
                "select view_name, sql from duckdb_views() where database_name = 'mirror_source' and not internal "
                "order by view_name"
            ).fetchall()
        }
        log_path = str(log_file).replace("'", "''")
        views["publish_log"] = f"select * from read_parquet('{log_path}')"
        con.execute("begin transaction")
        try:
            con.execute(f"create schema if not exists {MIRROR_SCHEMA}")
            existing = dict(
                con.execute(
                    "select table_name, table_type from information_schema.tables "
                    "where table_catalog = current_database() and table_schema = ?",
                    [MIRROR_SCHEMA],
                ).fetchall()
            )
            for table in tables:
                if existing.get(table) == "VIEW":
                    con.execute(f"drop view {MIRROR_SCHEMA}.{quote_ident(table)}")
                con.execute(
                    f"create or replace table {MIRROR_SCHEMA}.{quote_ident(table)} as "
                    f"select * from mirror_source.main.{quote_ident(table)}"
                )
            for view, query in views.items():
                if existing.get(view) == "BASE TABLE":
                    # the history was a table before it was a view over files (assets/publish/history_files.py)
                    con.execute(f"drop table {MIRROR_SCHEMA}.{quote_ident(view)}")
                con.execute(f"create or replace view {MIRROR_SCHEMA}.{quote_ident(view)} as {query}")
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    finally:
        con.execute("detach mirror_source")


def _view_query(name: str, sql: str) -> str:
    """The query of a view from DuckDB's ``CREATE VIEW <name> AS <query>;``."""
    found = re.match(r"(?is)^\s*create\s+view\s+.+?\s+as\s+(.*?);?\s*$", sql)
    if not found:
        raise ValueError(f"cannot read the definition of view {name}: {sql[:200]}")
    return found.group(1)
