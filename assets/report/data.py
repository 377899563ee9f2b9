"""What the report shows, read from a published file the way analysts read it (read-only).

Every query tolerates what an older or newer version may lack: a missing table or column
leaves its section out (``None``) instead of failing, so the report opens on any version.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from assets.publish.store import open_published

CATALOG = "published"
SEGMENT_KINDS_SHOWN = ("rfm_segment", "value_tier", "churn_risk", "persona", "life_stage")
"""Kinds charted by size and value, in this order, when present; the rest are listed in a table."""


@dataclass(frozen=True)
class ReportData:
    """The frames one report page is built from; ``None`` where the published file lacks the source."""

    publication: dict[str, object]
    profiles: pl.DataFrame | None
    clv_by_segment: pl.DataFrame | None
    transitions: pl.DataFrame | None
    model_parameters: pl.DataFrame | None
    backtest: pl.DataFrame | None
    attempts: pl.DataFrame | None
    quarantine: pl.DataFrame | None = None


def read_report_data(published: Path, quarantine: pl.DataFrame | None = None) -> ReportData:
    """Read a published (or version) file read-only; ``quarantine`` comes from the warehouse when at hand."""
    with open_published(published) as con:
        columns = _columns(con)
        return ReportData(
            publication=_publication(con, columns),
            profiles=_profiles(con, columns),
            clv_by_segment=_clv_by_segment(con, columns),
            transitions=_transitions(con, columns),
            model_parameters=_select(con, columns, "clv_model_parameters"),
            backtest=_select(con, columns, "clv_backtest"),
            attempts=_attempts(con, columns),
            quarantine=quarantine,
        )


def quarantine_summary(con: duckdb.DuckDBPyConnection) -> pl.DataFrame | None:
    """Quarantined rows per feed and kind of reason, from a warehouse connection (None without the table).

    Reasons are cut at their first colon: the kind of problem (``unit_price is not a number``) is
    kept, and the offending value, which for sign-ups may be contact data, is not.
    """
    found = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'raw' and table_name = 'quarantined_rows'"
    ).fetchall()
    if not found[0][0]:
        return None
    return con.sql(
        "select feed, split_part(reason, ':', 1) as reason, count(*) as rows_quarantined, "
        "count(distinct source_file) as files from raw.quarantined_rows group by all "
        "order by feed, rows_quarantined desc, reason"
    ).pl()


def _columns(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    rows = con.execute(
        "select table_name, column_name from duckdb_columns() where database_name = ?", [CATALOG]
    ).fetchall()
    tables: dict[str, set[str]] = {}
    for table, column in rows:
        tables.setdefault(table, set()).add(column)
    return tables


def _select(
    con: duckdb.DuckDBPyConnection, columns: dict[str, set[str]], table: str, order: str | None = None
) -> pl.DataFrame | None:
    if table not in columns:
        return None
    # table names come from the fixed set above, never from input
    return con.sql(f"select * from {CATALOG}.main.{table}" + (f" order by {order}" if order else "")).pl()


def _profiles(con: duckdb.DuckDBPyConnection, columns: dict[str, set[str]]) -> pl.DataFrame | None:
    if not {"segment_kind", "segment", "customers"} <= columns.get("segment_profiles", set()):
        return None
    return _select(con, columns, "segment_profiles", order="segment_kind, customers desc, segment")


def _publication(con: duckdb.DuckDBPyConnection, columns: dict[str, set[str]]) -> dict[str, object]:
    frame = _select(con, columns, "publication", order="version desc")
    return frame.row(0, named=True) if frame is not None and frame.height else {}


def _clv_by_segment(con: duckdb.DuckDBPyConnection, columns: dict[str, set[str]]) -> pl.DataFrame | None:
    """Average CLV, average P(alive) and the share at high churn risk, per RFM segment."""
    segments, clv = columns.get("customer_segments", set()), columns.get("customer_clv", set())
    if not {"customer_id", "rfm_segment"} <= segments or not {"customer_id", "clv_usd", "p_alive"} <= clv:
        return None
    high_risk = "avg(case when s.churn_risk = 'High' then 1 else 0 end)" if "churn_risk" in segments else "null"
    return con.sql(
        f"""
        select s.rfm_segment as segment, count(*) as customers, avg(c.clv_usd) as avg_clv_usd,
               sum(c.clv_usd) as total_clv_usd, avg(c.p_alive) as avg_p_alive, {high_risk} as high_churn_risk_share
        from {CATALOG}.main.customer_segments s join {CATALOG}.main.customer_clv c using (customer_id)
        group by s.rfm_segment order by avg_clv_usd desc nulls last, segment
        """
    ).pl()


def _transitions(con: duckdb.DuckDBPyConnection, columns: dict[str, set[str]]) -> pl.DataFrame | None:
    """The moves into the current version only (the table keeps every version's)."""
    if not {"to_version", "customers"} <= columns.get("segment_transitions", set()):
        return None
    return con.sql(
        f"select * from {CATALOG}.main.segment_transitions "
        f"where to_version = (select max(to_version) from {CATALOG}.main.segment_transitions) "
        "order by segment_kind, customers desc, from_segment nulls first, to_segment nulls last"
    ).pl()


def _attempts(con: duckdb.DuckDBPyConnection, columns: dict[str, set[str]]) -> pl.DataFrame | None:
    """The last refresh attempts, newest first (the publish_log view reads a Parquet file beside the file)."""
    if "publish_log" not in columns:
        return None
    try:
        return con.sql(
            f"select * from {CATALOG}.main.publish_log where action = 'refresh' order by started_at desc limit 5"
        ).pl()
    except duckdb.Error:
        return None  # the folder was moved: the view's absolute path no longer resolves
