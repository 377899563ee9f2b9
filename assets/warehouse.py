"""Small helpers for moving polars frames in and out of the DuckDB warehouse."""

from __future__ import annotations

import duckdb
import polars as pl


def quote_ident(name: str) -> str:
    """Quote a SQL identifier; identifiers cannot be bound parameters."""
    return '"' + name.replace('"', '""') + '"'


def table_ref(schema: str, table: str) -> str:
    return f"{quote_ident(schema)}.{quote_ident(table)}"


def replace_table(con: duckdb.DuckDBPyConnection, schema: str, table: str, frame: pl.DataFrame) -> None:
    """Create or replace ``schema.table`` with the rows of ``frame``, keeping its column types."""
    con.execute(f"create schema if not exists {quote_ident(schema)}")
    con.register("_incoming_frame", frame.to_arrow())
    try:
        con.execute(f"create or replace table {table_ref(schema, table)} as select * from _incoming_frame")
    finally:
        con.unregister("_incoming_frame")


def read_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> pl.DataFrame:
    return con.sql(f"select * from {table_ref(schema, table)}").pl()


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(row and row[0])
