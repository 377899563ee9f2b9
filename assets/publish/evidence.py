"""What the UI shows of each published table: its column schema and a rounded preview.

Read back from the version file itself, so the UI shows exactly what analysts get. Previews
hold no contact data: the published tables carry none (it stays in `raw.*` and the exports).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import dagster as dg

from assets.publish.store import open_published
from assets.report.numbers import number
from assets.warehouse import quote_ident

PREVIEW_ROWS = 5


def published_evidence(version_file: Path, tables: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Per table: `dagster/column_schema` (name and DuckDB type of each column) and a Markdown preview."""
    evidence: dict[str, dict[str, Any]] = {}
    with open_published(version_file) as con:
        for table in tables:
            columns = con.execute(
                "select column_name, data_type from duckdb_columns() "
                "where database_name = 'published' and table_name = ? order by column_index",
                [table],
            ).fetchall()
            if not columns:
                continue
            # the first rows as stored (DuckDB keeps insertion order): no sort over millions of history rows
            rows = con.execute(f"select * from published.main.{quote_ident(table)} limit {PREVIEW_ROWS}").fetchall()
            evidence[table] = {
                "dagster/column_schema": dg.TableSchema(
                    columns=[dg.TableColumn(name=name, type=kind) for name, kind in columns]
                ),
                "preview": dg.MetadataValue.md(preview_markdown([name for name, _ in columns], rows)),
            }
    return evidence


def preview_markdown(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A Markdown table with numbers to 3 significant digits (no exponents) and times to the minute."""
    lines = ["| " + " | ".join(columns) + " |", "| " + " | ".join("---" for _ in columns) + " |"]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return number(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        value = ", ".join(_cell(v) for v in value)
    return str(value).replace("|", "\\|").replace("\n", " ")
