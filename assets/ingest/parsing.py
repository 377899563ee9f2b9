"""Parse one landed file into typed rows and quarantined rows, with a reason for each.

The file is read as text in its own format and layout (`reading.py`), its columns are mapped to
the feed's fields, and every field is parsed and checked (`validation.py`). Every row read ends
up in exactly one of the two frames, so a file's rows read always equal rows loaded plus rows
quarantined.
"""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl

from assets.ingest.config import FeedSource
from assets.ingest.pii import keyed_hash
from assets.ingest.reading import LINE, SHAPE_PROBLEM, FeedFileError, read_table
from assets.ingest.reshaping import (
    SOURCE_COLUMN,
    UNPIVOT_NAME,
    UNPIVOT_VALUE,
    derive_fields,
    derived_column,
    map_values,
    unpivot_table,
)
from assets.ingest.validation import (
    field_problem,
    implausible_problem,
    not_purchase_reason,
    nulled_when_implausible,
    typed_value,
)

__all__ = ["FeedFileError", "ParsedFile", "parse_feed_file", "read_raw_text"]
LIKELY_DELIMITERS = (";", "\t", "|", ",")


@dataclass(frozen=True)
class ParsedFile:
    path: Path
    rows_read: int
    loaded: pl.DataFrame
    """The rows of `raw.<feed>`: stored columns, then `_source_file`, `_source_row`, `_loaded_at`."""
    quarantined: pl.DataFrame
    """The rows of `raw.quarantined_rows`."""
    nulled: pl.DataFrame | None = None
    """The rows of `raw.nulled_values`: implausible values nulled in loaded rows, with the reason."""


def read_raw_text(path: Path, source: FeedSource) -> pl.DataFrame:
    """The file's rows as the feed's fields in text, with the line (or row) number of each."""
    table = read_table(path, source)
    feed = source.feed
    names = match_columns(source_columns(source), table.columns, path)
    table, names = _reshaped(table, names, source, path)
    missing = sorted({column for column in names.values() if column not in table.columns})
    if not source.columns:
        # no explicit mapping: the header names the fields; only required ones must be there
        missing = [
            f.name
            for f in feed.fields
            if source.is_required(f.name)
            and names.get(f.name) not in table.columns
            and f.name not in source.constants
            and f.name not in feed.derivable
        ]
        names = {name: column for name, column in names.items() if column in table.columns}
        missing += [group[0] for group in feed.one_of if not (set(group) & (set(names) | set(source.constants)))]
    if missing:
        expected = (
            ",".join(c for c in names.values() if not c.startswith("__"))
            if source.columns
            else ",".join(feed.field_names)
        )
        raise FeedFileError(
            f"{path}: missing column(s) {', '.join(missing)}; the {feed.name} feed expects the columns {expected}"
            + _delimiter_hint(table.columns, source)
        )
    columns = []
    mapped = source.mapping
    for f in feed.fields:
        if f.name in names:
            # a value of only whitespace is missing, like an empty one
            stripped = pl.col(names[f.name]).str.strip_chars()
            columns.append(pl.when(stripped != "").then(stripped).alias(f.name))
        elif f.name in source.constants:
            columns.append(pl.lit(source.constants[f.name]).alias(f.name))
        else:
            columns.append(pl.lit(None, dtype=pl.String).alias(f.name))
    lineage = [SOURCE_COLUMN] if SOURCE_COLUMN in table.columns else []
    frame = table.select(LINE, *columns, SHAPE_PROBLEM, *lineage)
    if mapped.values:
        frame = frame.with_columns(map_values(mapped.values))
    if mapped.currency and "currency" in feed.field_names:
        frame = frame.with_columns(pl.col("currency").fill_null(mapped.currency))
    return derive_missing(frame, set(names) | set(source.constants), source, path)


def _reshaped(
    table: pl.DataFrame, names: dict[str, str], source: FeedSource, path: Path
) -> tuple[pl.DataFrame, dict[str, str]]:
    """Derived fields, then unpivoting, per the feed's mapping; the fields they fill name their new columns."""
    mapped = source.mapping
    if mapped.derive:
        required = {name for name in mapped.derive if source.is_required(name)}
        formats = (source.date_formats[0], source.timestamp_formats[0])
        table = derive_fields(table, mapped.derive, source.feed, path, formats, required)
        names = {**names, **{name: derived_column(name) for name in mapped.derive}}
    if mapped.unpivot is not None:
        table = unpivot_table(table, mapped.unpivot, path)
        names = {**names, mapped.unpivot.name: UNPIVOT_NAME, mapped.unpivot.value: UNPIVOT_VALUE}
    return table, names


def _delimiter_hint(columns: list[str], source: FeedSource) -> str:
    """When the header reads as one column holding another delimiter, say so."""
    if source.format != "csv" or len([c for c in columns if not c.startswith("_")]) != 1:
        return ""
    found = [d for d in LIKELY_DELIMITERS if d != source.delimiter and d in columns[1]]
    if not found:
        return ""
    shown = "\\t" if found[0] == "\t" else found[0]
    return f" (the header reads as one column: is the delimiter '{shown}' rather than '{source.delimiter}'?)"


def match_columns(wanted: dict[str, str | tuple[str, ...]], columns: list[str], path: Path) -> dict[str, str]:
    """Field -> the file's column, matching header names ignoring case and surrounding whitespace.

    Exports spell headers `Quantity` or ` quantity `; an exact match wins, and a name that matches
    two columns only this loosely is a whole-file problem rather than a guess. Of alternative
    names, the first the file has wins; none present reads as the missing column `A or B`.
    """
    loose: dict[str, list[str]] = {}
    for column in columns:
        loose.setdefault(column.strip().casefold(), []).append(column)
    matched = {}
    for name, choice in wanted.items():
        alternatives = choice if isinstance(choice, tuple) else (choice,)
        present = [c for c in alternatives if c in columns or c.strip().casefold() in loose]
        column = present[0] if present else " or ".join(alternatives)
        found = [column] if column in columns else loose.get(column.strip().casefold(), [column])
        if len(found) > 1:
            raise FeedFileError(
                f"{path}: the columns {', '.join(repr(c) for c in found)} all match '{column}' (for the field "
                f"{name}) when case and spaces are ignored; rename one, or map the field to the exact name"
            )
        matched[name] = found[0]
    return matched


def source_columns(source: FeedSource) -> dict[str, str | tuple[str, ...]]:
    """Field -> the file's column that carries it (positions become `column_<n>`), or alternative names."""
    names: dict[str, str | tuple[str, ...]] = {}
    for f in source.feed.fields:
        column = source.source_column(f.name)
        if column is not None:
            names[f.name] = f"column_{column}" if isinstance(column, int) else column
    return names


def derive_missing(frame: pl.DataFrame, mapped: set[str], source: FeedSource, path: Path) -> pl.DataFrame:
    """Fill the fields a feed can derive (see `Feed.derivable`) and sign returns, where the file does not."""
    if source.feed.name != "purchases":
        return frame
    exprs = []
    if "order_id" not in mapped:
        exprs.append(pl.format("{}:{}", pl.lit(path.name), pl.col(LINE)).alias("order_id"))
    if "quantity" not in mapped:
        exprs.append(pl.lit("1").alias("quantity"))
    frame = frame.with_columns(exprs) if exprs else frame
    if "status" in mapped:
        # a return given by status carries positive numbers in many exports: make them negative
        is_return = pl.col("status").str.to_lowercase().is_in(list(source.return_statuses)).fill_null(False)
        frame = frame.with_columns(
            pl.when(is_return & ~pl.col(name).str.starts_with("-") & (pl.col(name) != ""))
            .then(pl.lit("-") + pl.col(name))
            .otherwise(pl.col(name))
            .alias(name)
            for name in ("quantity", "line_amount")
        )
    quantity = pl.col("quantity").cast(pl.Float64, strict=False)
    if "unit_price" not in mapped and "line_amount" in mapped:
        amount = pl.col("line_amount").cast(pl.Float64, strict=False)
        # a quantity of 0 is quarantined for itself; it derives no price (0 / 0 is no number)
        price = pl.when(quantity != 0).then((amount / quantity).abs().round(6).cast(pl.String))
        frame = frame.with_columns(price.alias("unit_price"))
    return frame


def parse_feed_file(path: Path, source: FeedSource, *, now: datetime, pii_key: bytes | None = None) -> ParsedFile:
    """Split a landed file into typed rows to load and rows to quarantine with their reasons.

    Contact fields (emails, phone numbers) are stored as their HMAC under `pii_key`, which the
    feeds that carry them need.
    """
    feed = source.feed
    contacts = [f for f in feed.fields if f.contact is not None]
    if contacts and pii_key is None:
        raise ValueError(f"the {feed.name} feed carries contact details: parsing it needs the pseudonymisation key")
    raw = read_raw_text(path, source)
    nullable = [f for f in feed.fields if nulled_when_implausible(f, source)]
    problems = [pl.col(SHAPE_PROBLEM)]
    problems += [field_problem(f, source, now).alias(f"_problem_{f.name}") for f in feed.fields]
    problems += [
        implausible_problem(f, source, now).alias(f"_implausible_{f.name}") for f in feed.fields if f not in nullable
    ]
    problems += [
        pl.when(pl.all_horizontal(pl.col(group).is_null()))
        .then(pl.lit(f"{' or '.join(group)}: a value is required"))
        .alias(f"_problem_{'_'.join(group)}")
        for group in feed.one_of
    ]
    checked = raw.with_columns(problems[1:]).with_columns(
        pl.concat_str(
            problems[:1] + [pl.col(p.meta.output_name()) for p in problems[1:]], separator="; ", ignore_nulls=True
        )
        .replace("", None)
        .alias("_reason")
    )
    not_purchase = not_purchase_reason(source)
    if not_purchase is not None:
        # an open or lost deal is no purchase: that is its one reason, whatever else it lacks
        checked = checked.with_columns(pl.coalesce(not_purchase, pl.col("_reason")).alias("_reason"))
    good = checked.filter(pl.col("_reason").is_null()).with_columns(
        implausible_problem(f, source, now).alias(f"_nulled_{f.name}") for f in nullable
    )
    bad = checked.filter(pl.col("_reason").is_not_null())
    loaded = good.select(
        *[
            pl.when(pl.col(f"_nulled_{f.name}").is_null()).then(typed_value(f, source)).alias(f.name)
            if f in nullable
            else typed_value(f, source).alias(f.name)
            for f in feed.fields
        ],
        pl.lit(str(path)).alias("_source_file"),
        pl.col(LINE).cast(pl.Int64).alias("_source_row"),
        pl.lit(now).cast(pl.Datetime("us")).alias("_loaded_at"),
    )
    if pii_key is not None:
        loaded = loaded.with_columns(keyed_hash(loaded[f.name], pii_key).alias(f"{f.name}_hmac") for f in contacts)
    stored = [name for name, _ in feed.stored_columns]
    loaded = loaded.select(*stored, "_source_file", "_source_row", "_loaded_at")
    quarantined = bad.select(
        pl.lit(feed.name).alias("feed"),
        pl.lit(str(path)).alias("source_file"),
        pl.col(LINE).cast(pl.Int64).alias("source_row"),
        _located(pl.col("_reason"), raw.columns).alias("reason"),
        pl.struct(feed.field_names).struct.json_encode().alias("raw_record"),
        pl.lit(now).cast(pl.Datetime("us")).alias("quarantined_at"),
    )
    nulled = nulled_values(good, [f.name for f in nullable], feed.name, path, now)
    return ParsedFile(path=path, rows_read=raw.height, loaded=loaded, quarantined=quarantined, nulled=nulled)


NULLED_SCHEMA = {
    "feed": pl.String,
    "source_file": pl.String,
    "source_row": pl.Int64,
    "field": pl.String,
    "reason": pl.String,
    "nulled_at": pl.Datetime("us"),
}


def nulled_values(good: pl.DataFrame, fields: list[str], feed: str, path: Path, now: datetime) -> pl.DataFrame:
    """One row per implausible value nulled in a loaded row: the rows of `raw.nulled_values`."""
    frames = [
        good.filter(pl.col(f"_nulled_{name}").is_not_null()).select(
            pl.lit(feed).alias("feed"),
            pl.lit(str(path)).alias("source_file"),
            pl.col(LINE).cast(pl.Int64).alias("source_row"),
            pl.lit(name).alias("field"),
            pl.col(f"_nulled_{name}").alias("reason"),
            pl.lit(now).cast(pl.Datetime("us")).alias("nulled_at"),
        )
        for name in fields
    ]
    return pl.concat([pl.DataFrame(schema=NULLED_SCHEMA), *frames])


def _located(reason: pl.Expr, columns: list[str]) -> pl.Expr:
    """An unpivoted row's reason names the file column it came from, as its source row names the line."""
    if SOURCE_COLUMN not in columns:
        return reason
    return pl.format("column {}: {}", pl.col(SOURCE_COLUMN), reason)
