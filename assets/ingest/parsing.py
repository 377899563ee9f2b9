"""Parse one landed file into typed rows and quarantined rows, with a reason for each.

Every row read ends up in exactly one of the two frames, so a file's rows read always equal
rows loaded plus rows quarantined.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl

from assets.ingest.feeds import Feed, Field

TRUE_WORDS = ["true", "t", "yes", "y", "1"]
FALSE_WORDS = ["false", "f", "no", "n", "0"]
TIMESTAMP_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f")
HEADER_LINES = 1


class FeedFileError(ValueError):
    """A whole file cannot be loaded (unreadable, wrong columns); the message names the file."""


@dataclass(frozen=True)
class ParsedFile:
    path: Path
    rows_read: int
    loaded: pl.DataFrame
    quarantined: pl.DataFrame


def read_raw_text(path: Path, feed: Feed) -> pl.DataFrame:
    """Read a CSV file as text columns, with the file's line number of each row."""
    try:
        frame = pl.read_csv(
            path,
            infer_schema=False,
            row_index_name="_source_row",
            row_index_offset=HEADER_LINES + 1,
        )
    except (pl.exceptions.ComputeError, UnicodeDecodeError, OSError) as exc:
        raise FeedFileError(f"{path}: cannot read as CSV ({exc})") from exc
    missing = [name for name in feed.field_names if name not in frame.columns]
    if missing:
        raise FeedFileError(
            f"{path}: missing column(s) {', '.join(missing)}; the {feed.name} feed needs the header "
            f"{','.join(feed.field_names)}"
        )
    return frame.select("_source_row", *[pl.col(name).str.strip_chars() for name in feed.field_names])


def typed_value(field: Field) -> pl.Expr:
    """The field parsed to its type; null where the text is empty or does not parse."""
    text = pl.col(field.name)
    match field.type:
        case "text":
            return pl.when(text == "").then(None).otherwise(text)
        case "integer":
            return text.cast(pl.Int64, strict=False)
        case "decimal":
            return text.cast(pl.Float64, strict=False)
        case "date":
            return text.str.to_date("%Y-%m-%d", strict=False)
        case "timestamp":
            parsed = [text.str.to_datetime(fmt, time_unit="us", strict=False) for fmt in TIMESTAMP_FORMATS]
            parsed.append(text.str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime("us")))
            return pl.coalesce(parsed)
        case "boolean":
            lowered = text.str.to_lowercase()
            return (
                pl.when(lowered.is_in(TRUE_WORDS))
                .then(True)
                .when(lowered.is_in(FALSE_WORDS))
                .then(False)
                .otherwise(None)
            )


def field_problem(field: Field, now: datetime) -> pl.Expr:
    """A readable reason why this field makes the row unloadable, or null."""
    text = pl.col(field.name)
    value = typed_value(field)
    present = text.is_not_null() & (text != "")
    checks: list[tuple[pl.Expr, str]] = []
    if field.required:
        checks.append((~present, f"{field.name}: required value is missing"))
    checks.append((present & value.is_null(), f"{field.name}: cannot read '{{}}' as {field.type}"))
    if field.positive:
        checks.append((value <= 0, f"{field.name}: must be greater than 0, got '{{}}'"))
    if field.non_negative:
        checks.append((value < 0, f"{field.name}: must not be negative, got '{{}}'"))
    if field.not_in_future:
        checks.append((value.cast(pl.Datetime("us")) > pl.lit(now), f"{field.name}: '{{}}' is in the future"))
    reason: pl.Expr = pl.lit(None, dtype=pl.String)
    for failed, message in reversed(checks):
        rendered = pl.format(message, text) if "{}" in message else pl.lit(message)
        reason = pl.when(failed.fill_null(False)).then(rendered).otherwise(reason)
    return reason


def parse_feed_file(path: Path, feed: Feed, *, now: datetime) -> ParsedFile:
    """Split a landed file into typed rows to load and rows to quarantine with their reasons."""
    raw = read_raw_text(path, feed)
    problems = [field_problem(f, now).alias(f"_problem_{f.name}") for f in feed.fields]
    checked = raw.with_columns(problems).with_columns(
        pl.concat_str([pl.col(f"_problem_{f.name}") for f in feed.fields], separator="; ", ignore_nulls=True)
        .replace("", None)
        .alias("_reason")
    )
    good = checked.filter(pl.col("_reason").is_null())
    bad = checked.filter(pl.col("_reason").is_not_null())
    loaded = good.select(
        *[typed_value(f).alias(f.name) for f in feed.fields],
        pl.lit(str(path)).alias("_source_file"),
        pl.col("_source_row").cast(pl.Int64),
        pl.lit(now).cast(pl.Datetime("us")).alias("_loaded_at"),
    )
    quarantined = bad.select(
        pl.lit(feed.name).alias("feed"),
        pl.lit(str(path)).alias("source_file"),
        pl.col("_source_row").cast(pl.Int64).alias("source_row"),
        pl.col("_reason").alias("reason"),
        pl.struct(feed.field_names).struct.json_encode().alias("raw_record"),
        pl.lit(now).cast(pl.Datetime("us")).alias("quarantined_at"),
    )
    return ParsedFile(path=path, rows_read=raw.height, loaded=loaded, quarantined=quarantined)
