"""Materialization metadata a stakeholder can read in the Dagster UI."""

from __future__ import annotations

from typing import Any

import dagster as dg
import polars as pl

PREVIEW_ROWS = 10


def markdown_table(frame: pl.DataFrame, max_rows: int = PREVIEW_ROWS) -> str:
    """Render the first rows of a frame as a Markdown table (floats to 4 significant digits)."""
    head = frame.head(max_rows)
    header = "| " + " | ".join(head.columns) + " |"
    rule = "| " + " | ".join("---" for _ in head.columns) + " |"
    lines = [header, rule]
    for row in head.iter_rows():
        lines.append("| " + " | ".join(_cell(v) for v in row) + " |")
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value).replace("|", "\\|")


def column_schema(frame: pl.DataFrame) -> dg.TableSchema:
    return dg.TableSchema(columns=[dg.TableColumn(name, str(dtype)) for name, dtype in frame.schema.items()])


def frame_metadata(frame: pl.DataFrame, *, table: str) -> dict[str, Any]:
    """Row count, column schema, table name and a preview for a stored frame."""
    return {
        "dagster/row_count": dg.MetadataValue.int(frame.height),
        "dagster/column_schema": column_schema(frame),
        "dagster/table_name": table,
        "preview": dg.MetadataValue.md(markdown_table(frame)),
    }
