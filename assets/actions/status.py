"""The status of each action capability: whether its table could be built, and why not in plain words.

Each capability is optional: without its input the refresh still succeeds, its table is empty
and `action_status` says what is missing, in words a marketer can act on.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from assets.warehouse import quote_ident, table_ref

STATUS_TABLE = "action_status"
READY, UNAVAILABLE = "ready", "unavailable"
STATUS_SCHEMA: dict[str, pl.DataType] = {
    "capability": pl.String,
    "table_name": pl.String,
    "status": pl.String,
    "reason": pl.String,
    "rows": pl.Int64,
}


@dataclass(frozen=True)
class Status:
    """A capability's outcome: ready with rows, or unavailable with the reason."""

    capability: str
    table: str
    status: str
    reason: str
    rows: int

    @classmethod
    def ready(cls, capability: str, table: str, rows: int, reason: str) -> Status:
        return cls(capability, table, READY, reason, rows)

    @classmethod
    def unavailable(cls, capability: str, table: str, reason: str) -> Status:
        return cls(capability, table, UNAVAILABLE, reason, 0)


def record_status(con: duckdb.DuckDBPyConnection, schema: str, status: Status) -> None:
    """Replace the capability's row of ``<schema>.action_status`` (created when missing)."""
    target = table_ref(schema, STATUS_TABLE)
    con.execute(f"create schema if not exists {quote_ident(schema)}")
    con.execute(
        f"create table if not exists {target} (capability varchar, table_name varchar, status varchar, "
        "reason varchar, rows bigint)"
    )
    con.execute(f"delete from {target} where capability = ?", [status.capability])
    con.execute(
        f"insert into {target} values (?, ?, ?, ?, ?)",
        [status.capability, status.table, status.status, status.reason, status.rows],
    )
