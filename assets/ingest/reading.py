"""Read one landed file as text columns, or fail the whole file with a message naming it and the problem.

Whole-file problems: an empty file, bytes that are not in the configured encoding, an unreadable
Parquet or JSON file. Rows with more or fewer fields than the header are not a whole-file problem:
they carry a `_shape_problem` for the quarantine. Blank lines are not rows, but count as lines.
"""

import csv
import io
import json
import re
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
                return _read_whitespace(path, source)
            case "parquet":
                return _numbered(pl.read_parquet(path).cast(pl.String), source)
            case "jsonl":
                return _read_jsonl(path, source)
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
    data: Path | bytes = path
    if source.encoding not in ("utf-8", "utf-8-sig"):
        data = _text(path, source).encode("utf-8")
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
    frame = _numbered(frame, source)
    if frame.width < 3 or frame[frame.columns[-2]].null_count() == 0:
        return frame  # no row lacks its last field: none can be short, and no line is blank
    return _mark_short_rows(frame, data, path, source)


def _mark_short_rows(frame: pl.DataFrame, data: Path | bytes, path: Path, source: FeedSource) -> pl.DataFrame:
    """Flag rows with fewer fields than the header and drop blank lines, counting fields on each physical line.

    The fast reader pads short rows with nulls. Only rows whose last field is null can be short, and
    only files holding such rows pay for this second, vectorised read. Where records span lines
    (quoted line breaks), lines and rows do not align and the file is read row by row instead.
    """
    separator = "\x1f" if source.delimiter != "\x1f" else "\x1e"
    lines = pl.read_csv(
        data,
        has_header=False,
        separator=separator,
        quote_char=None,
        skip_rows=1 if source.header else 0,
        new_columns=["_line"],
        truncate_ragged_lines=True,
        infer_schema=False,
    )["_line"]
    if lines.len() != frame.height:
        return _read_ragged_csv(path, source)
    width = frame.width - 2
    text = pl.col("_line")
    if source.quote:
        quote = re.escape(source.quote)
        text = text.str.replace_all(f"{quote}(?:[^{quote}]|{quote}{quote})*{quote}", "")
    fields = text.str.count_matches(source.delimiter, literal=True) + 1
    last = pl.col(frame.columns[-2])
    return (
        frame.with_columns(lines.alias("_line"))
        .filter(pl.col("_line").str.strip_chars().fill_null("") != "")
        .with_columns(
            pl.when(last.is_null() & (fields < width))
            .then(pl.format(_shape_message(source, width), fields))
            .otherwise(pl.col(SHAPE_PROBLEM))
            .alias(SHAPE_PROBLEM)
        )
        .drop("_line")
    )


def _shape_message(source: FeedSource, width: int) -> str:
    """The reason for a row of another width, with `{}` for its number of fields."""
    return f"line has {{}} fields, the {'header' if source.header else 'first line'} has {width}"


def _read_ragged_csv(path: Path, source: FeedSource) -> pl.DataFrame:
    """Row by row, for files where some rows have another number of fields than the header (or the first row)."""
    reader = csv.reader(
        io.StringIO(_text(path, source), newline=""),
        delimiter=source.delimiter,
        quotechar=source.quote or '"',
        quoting=csv.QUOTE_MINIMAL if source.quote else csv.QUOTE_NONE,
    )
    records, first_line = [], 1
    for row in reader:
        if row:  # a blank line is no row
            records.append((first_line, row))
        first_line = reader.line_num + 1  # a record's number is that of its first line, however many it spans
    if source.header:
        header, records = records[0][1], records[1:]
    else:
        header = [f"column_{i}" for i in range(1, len(records[0][1]) + 1)]
    width = len(header)
    message = _shape_message(source, width)
    columns: dict[str, list[str | None]] = {name: [] for name in header}
    lines, problems = [], []
    for line, row in records:
        lines.append(line)
        problems.append(message.format(len(row)) if len(row) != width else None)
        for i, name in enumerate(header):
            columns[name].append(row[i] if i < len(row) else None)
    frame = pl.DataFrame(columns, schema=dict.fromkeys(header, pl.String))
    return frame.with_columns(
        pl.Series(LINE, lines, dtype=pl.UInt32), pl.Series(SHAPE_PROBLEM, problems, dtype=pl.String)
    ).select(LINE, *header, SHAPE_PROBLEM)


def _read_whitespace(path: Path, source: FeedSource) -> pl.DataFrame:
    """Tokens split on runs of whitespace; a line with another number of tokens than the first is flagged."""
    lines = (
        pl.DataFrame({"line": _text(path, source).splitlines()})
        .with_row_index(LINE, offset=1)
        .filter(pl.col("line").str.strip_chars() != "")
    )
    tokens = lines.select(LINE, pl.col("line").str.extract_all(r"\S+").alias("tokens"))
    width = tokens["tokens"].list.len()[0] if tokens.height else 0
    count = pl.col("tokens").list.len()
    frame = tokens.select(
        LINE,
        *(pl.col("tokens").list.get(i, null_on_oob=True).alias(f"column_{i + 1}") for i in range(width)),
        pl.when(count != width).then(pl.format(_shape_message(source, width), count)).alias(SHAPE_PROBLEM),
    )
    if source.header and frame.height:
        names = [str(v) for v in frame.row(0)[1:-1]]
        frame = frame.slice(1).rename(dict(zip(frame.columns[1:-1], names, strict=True)))
    return frame


def _read_jsonl(path: Path, source: FeedSource) -> pl.DataFrame:
    """JSON lines numbered by their physical line; a line that is no JSON object is quarantined, not the file."""
    lines = (
        pl.DataFrame({"line": _text(path, source).splitlines()})
        .with_row_index(LINE, offset=1)
        .filter(pl.col("line").str.strip_chars() != "")
    )
    try:
        frame = _json_objects(lines["line"])
        return frame.with_columns(lines[LINE], pl.lit(None, dtype=pl.String).alias(SHAPE_PROBLEM))
    except pl.exceptions.PolarsError:
        pass  # some line is broken: find it, the rest still load
    problems = pl.Series(SHAPE_PROBLEM, [_json_problem(line) for line in lines["line"]], dtype=pl.String)
    good = lines.filter(problems.is_null())
    frame = _json_objects(good["line"]).with_columns(good[LINE])
    bad = lines.select(LINE).with_columns(problems).filter(pl.col(SHAPE_PROBLEM).is_not_null())
    return pl.concat([frame, bad], how="diagonal").sort(LINE)


def _json_objects(lines: pl.Series) -> pl.DataFrame:
    text = "\n".join(lines.to_list())
    return pl.read_ndjson(io.StringIO(text), infer_schema_length=None).cast(pl.String) if text else pl.DataFrame()


def _json_problem(line: str) -> str | None:
    """Why one line is no JSON object, quoting its start so the quarantine shows the raw line."""
    try:
        value = json.loads(line)
    except ValueError as exc:
        return f"line is not valid JSON ({exc}): {line[:200]}"
    return None if isinstance(value, dict) else f"line is not a JSON object: {line[:200]}"
