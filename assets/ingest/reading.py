"""Read one landed file as text columns, or fail the whole file with a message naming it and the problem.

Whole-file problems: an empty file, bytes that are not in the configured encoding, an unreadable
Parquet or JSON file. Rows with more fields than the header are not a whole-file problem: the
file is read again row by row and those rows carry a `_shape_problem` for the quarantine.
"""

import csv
import io
from pathlib import Path

import polars as pl

from assets.ingest.config import FeedSource

SHAPE_PROBLEM = "_shape_problem"
LINE = "_source_row"


class FeedFileError(ValueError):
    """A whole file cannot be loaded (unreadable, empty, wrong columns); the message names the file."""


def read_table(path: Path, source: FeedSource) -> pl.DataFrame:
    """The file's rows as text columns, with `_source_row` (line or row number) and `_shape_problem`."""
    if path.stat().st_size == 0:
        raise FeedFileError(f"{path}: the file is empty (0 bytes); a {source.format} export needs at least a header")
    try:
        match source.format:
            case "csv":
                return _read_csv(path, source)
            case "whitespace":
                return _numbered(_read_whitespace(path, source), source)
            case "parquet":
                return _numbered(pl.read_parquet(path).cast(pl.String), source)
            case "jsonl":
                return _numbered(pl.read_ndjson(path, infer_schema_length=None).cast(pl.String), source)
    except UnicodeDecodeError as exc:
        raise FeedFileError(_encoding_message(path, source, exc)) from exc
    except (pl.exceptions.PolarsError, OSError) as exc:
        if "utf-8" in str(exc).lower() and source.format in ("csv", "jsonl"):
            try:
                path.read_bytes().decode(source.encoding)
            except UnicodeDecodeError as decode_error:
                raise FeedFileError(_encoding_message(path, source, decode_error)) from exc
        raise FeedFileError(f"{path}: cannot read as {source.format} ({type(exc).__name__}: {exc})") from exc


def _encoding_message(path: Path, source: FeedSource, exc: UnicodeDecodeError) -> str:
    data = path.read_bytes()
    line = data.count(b"\n", 0, exc.start) + 1
    return (
        f"{path}: line {line} is not valid {source.encoding} (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
        "set the feed's `encoding` to the file's encoding (latin-1 or cp1252 for most Western European exports)"
    )


def _numbered(frame: pl.DataFrame, source: FeedSource) -> pl.DataFrame:
    first_row = 2 if source.header and source.format in ("csv", "whitespace") else 1
    return frame.with_row_index(LINE, offset=first_row).with_columns(pl.lit(None, dtype=pl.String).alias(SHAPE_PROBLEM))


def _text(path: Path, source: FeedSource) -> str:
    # utf-8-sig drops a byte order mark
    encoding = "utf-8-sig" if source.encoding == "utf-8" else source.encoding
    return path.read_bytes().decode(encoding)


def _read_csv(path: Path, source: FeedSource) -> pl.DataFrame:
    data: Path | io.BytesIO = path
    if source.encoding not in ("utf-8", "utf-8-sig"):
        data = io.BytesIO(_text(path, source).encode("utf-8"))
    try:
        frame = pl.read_csv(
            data, separator=source.delimiter, quote_char=source.quote, has_header=source.header, infer_schema=False
        )
    except pl.exceptions.ComputeError as exc:
        if "more fields" not in str(exc):
            raise
        return _read_ragged_csv(path, source)
    if source.header and frame.columns and frame.columns[0].startswith("\ufeff"):
        frame = frame.rename({frame.columns[0]: frame.columns[0].lstrip("\ufeff")})
    if not source.header:
        frame = frame.rename({c: f"column_{i}" for i, c in enumerate(frame.columns, start=1)})
    return _numbered(frame, source)


def _read_ragged_csv(path: Path, source: FeedSource) -> pl.DataFrame:
    """Row by row, for files where some rows have more fields than the header (or the first row)."""
    reader = csv.reader(
        io.StringIO(_text(path, source), newline=""),
        delimiter=source.delimiter,
        quotechar=source.quote or '"',
        quoting=csv.QUOTE_MINIMAL if source.quote else csv.QUOTE_NONE,
    )
    records = [(reader.line_num, row) for row in reader if row]
    if source.header:
        header, records = records[0][1], records[1:]
    else:
        header = [f"column_{i}" for i in range(1, len(records[0][1]) + 1)]
    width = len(header)
    columns: dict[str, list[str | None]] = {name: [] for name in header}
    lines, problems = [], []
    for line, row in records:
        lines.append(line)
        problems.append(f"line has {len(row)} fields, the header has {width}" if len(row) > width else None)
        for i, name in enumerate(header):
            columns[name].append(row[i] if i < len(row) else None)
    frame = pl.DataFrame(columns, schema=dict.fromkeys(header, pl.String))
    return frame.with_columns(
        pl.Series(LINE, lines, dtype=pl.UInt32), pl.Series(SHAPE_PROBLEM, problems, dtype=pl.String)
    ).select(LINE, *header, SHAPE_PROBLEM)


def _read_whitespace(path: Path, source: FeedSource) -> pl.DataFrame:
    lines = pl.DataFrame({"line": _text(path, source).splitlines()}).filter(pl.col("line").str.strip_chars() != "")
    tokens = lines.select(pl.col("line").str.extract_all(r"\S+").alias("tokens"))
    width = int(tokens["tokens"].list.len().max() or 0)
    frame = tokens.select(pl.col("tokens").list.get(i, null_on_oob=True).alias(f"column_{i + 1}") for i in range(width))
    if source.header and frame.height:
        names = [str(v) for v in frame.row(0)]
        frame = frame.slice(1).rename(dict(zip(frame.columns, names, strict=True)))
    return frame
