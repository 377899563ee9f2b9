"""Parse one landed file into typed rows and quarantined rows, with a reason for each.

The file is read as text in its own format and layout, its columns are mapped to the feed's
fields, and every field is parsed and checked. Every row read ends up in exactly one of the two
frames, so a file's rows read always equal rows loaded plus rows quarantined.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl

from assets.ingest.config import FeedSource
from assets.ingest.feeds import Field

TRUE_WORDS = ["true", "t", "yes", "y", "1"]
FALSE_WORDS = ["false", "f", "no", "n", "0"]


class FeedFileError(ValueError):
    """A whole file cannot be loaded (unreadable, wrong columns); the message names the file."""


@dataclass(frozen=True)
class ParsedFile:
    path: Path
    rows_read: int
    loaded: pl.DataFrame
    quarantined: pl.DataFrame


def _read_table(path: Path, source: FeedSource) -> pl.DataFrame:
    """The file as text columns (header names, or `column_<n>` without a header), row order kept."""
    match source.format:
        case "csv":
            data: Path | io.BytesIO = path
            if source.encoding in ("latin-1", "cp1252"):
                # polars reads UTF-8 only: re-encode single-byte files first
                data = io.BytesIO(path.read_bytes().decode(source.encoding).encode("utf-8"))
            frame = pl.read_csv(
                data, separator=source.delimiter, quote_char=source.quote, has_header=source.header, infer_schema=False
            )
            if source.header and frame.columns and frame.columns[0].startswith("\ufeff"):
                frame = frame.rename({frame.columns[0]: frame.columns[0].lstrip("\ufeff")})
            if not source.header:
                frame = frame.rename({c: f"column_{i}" for i, c in enumerate(frame.columns, start=1)})
            return frame
        case "whitespace":
            text = path.read_bytes().decode(source.encoding)
            lines = pl.DataFrame({"line": text.splitlines()}).filter(pl.col("line").str.strip_chars() != "")
            tokens = lines.select(pl.col("line").str.extract_all(r"\S+").alias("tokens"))
            width = int(tokens["tokens"].list.len().max() or 0)
            frame = tokens.select(
                pl.col("tokens").list.get(i, null_on_oob=True).alias(f"column_{i + 1}") for i in range(width)
            )
            if source.header and frame.height:
                names = [str(v) for v in frame.row(0)]
                frame = frame.slice(1).rename(dict(zip(frame.columns, names, strict=True)))
            return frame
        case "parquet":
            return pl.read_parquet(path).cast(pl.String)
        case "jsonl":
            return pl.read_ndjson(path, infer_schema_length=None).cast(pl.String)


def read_raw_text(path: Path, source: FeedSource) -> pl.DataFrame:
    """The file's rows as the feed's fields in text, with the line (or row) number of each."""
    try:
        table = _read_table(path, source)
    except (pl.exceptions.PolarsError, UnicodeDecodeError, OSError) as exc:
        raise FeedFileError(f"{path}: cannot read as {source.format} ({type(exc).__name__}: {exc})") from exc
    first_row = 2 if source.header and source.format in ("csv", "whitespace") else 1
    table = table.with_row_index("_source_row", offset=first_row)
    feed = source.feed
    names = source_columns(source, table.columns)
    missing = sorted({column for column in names.values() if column not in table.columns})
    if not source.columns:
        # no explicit mapping: the header names the fields; only required ones must be there
        missing = [
            f.name
            for f in feed.fields
            if f.required
            and f.name not in table.columns
            and f.name not in source.constants
            and f.name not in feed.derivable
        ]
        names = {name: column for name, column in names.items() if column in table.columns}
        missing += [group[0] for group in feed.one_of if not (set(group) & (set(names) | set(source.constants)))]
    if missing:
        expected = ",".join(str(c) for c in names.values()) if source.columns else ",".join(feed.field_names)
        raise FeedFileError(
            f"{path}: missing column(s) {', '.join(missing)}; the {feed.name} feed expects the columns {expected}"
        )
    columns = []
    for f in feed.fields:
        if f.name in names:
            columns.append(pl.col(names[f.name]).str.strip_chars().alias(f.name))
        elif f.name in source.constants:
            columns.append(pl.lit(source.constants[f.name]).alias(f.name))
        else:
            columns.append(pl.lit(None, dtype=pl.String).alias(f.name))
    frame = table.select("_source_row", *columns)
    return derive_missing(frame, set(names) | set(source.constants), source, path)


def source_columns(source: FeedSource, available: list[str]) -> dict[str, str]:
    """Field -> the file's column that carries it (positions become `column_<n>`)."""
    names = {}
    for f in source.feed.fields:
        column = source.source_column(f.name)
        if column is not None:
            names[f.name] = f"column_{column}" if isinstance(column, int) else column
    return names


def derive_missing(frame: pl.DataFrame, mapped: set[str], source: FeedSource, path: Path) -> pl.DataFrame:
    """Fill the fields a feed can derive (see `Feed.derivable`) where the file does not carry them."""
    if source.feed.name != "purchases":
        return frame
    exprs = []
    if "order_id" not in mapped:
        exprs.append(pl.format("{}:{}", pl.lit(path.name), pl.col("_source_row")).alias("order_id"))
    if "quantity" not in mapped:
        exprs.append(pl.lit("1").alias("quantity"))
    frame = frame.with_columns(exprs) if exprs else frame
    quantity = pl.col("quantity").cast(pl.Float64, strict=False)
    if "unit_price" not in mapped and "line_amount" in mapped:
        amount = pl.col("line_amount").cast(pl.Float64, strict=False)
        frame = frame.with_columns((amount / quantity).round(6).cast(pl.String).alias("unit_price"))
    return frame


def typed_value(field: Field, source: FeedSource) -> pl.Expr:
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
            return pl.coalesce([text.str.to_date(fmt, strict=False) for fmt in source.date_formats])
        case "timestamp":
            parsed = [text.str.to_datetime(fmt, time_unit="us", strict=False) for fmt in source.timestamp_formats]
            parsed += [text.str.to_date(fmt, strict=False).cast(pl.Datetime("us")) for fmt in source.date_formats]
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


def field_problem(field: Field, source: FeedSource, now: datetime) -> pl.Expr:
    """A readable reason why this field makes the row unloadable, or null."""
    text = pl.col(field.name)
    value = typed_value(field, source)
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


def parse_feed_file(path: Path, source: FeedSource, *, now: datetime) -> ParsedFile:
    """Split a landed file into typed rows to load and rows to quarantine with their reasons."""
    feed = source.feed
    raw = read_raw_text(path, source)
    problems = [field_problem(f, source, now).alias(f"_problem_{f.name}") for f in feed.fields]
    problems += [
        pl.when(pl.all_horizontal(pl.col(group).is_null()))
        .then(pl.lit(f"{' or '.join(group)}: a value is required"))
        .alias(f"_problem_{'_'.join(group)}")
        for group in feed.one_of
    ]
    problem_columns = [f"_problem_{f.name}" for f in feed.fields] + [f"_problem_{'_'.join(g)}" for g in feed.one_of]
    checked = raw.with_columns(problems).with_columns(
        pl.concat_str([pl.col(c) for c in problem_columns], separator="; ", ignore_nulls=True)
        .replace("", None)
        .alias("_reason")
    )
    good = checked.filter(pl.col("_reason").is_null())
    bad = checked.filter(pl.col("_reason").is_not_null())
    loaded = good.select(
        *[typed_value(f, source).alias(f.name) for f in feed.fields],
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
