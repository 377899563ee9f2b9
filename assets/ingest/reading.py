"""Read one landed file as text columns, or fail the whole file with a message naming it and the problem.

Whole-file problems: an empty file, bytes that are not in the encoding (named by line and byte), a
damaged archive or a zip holding other than one file, a header naming a column twice, an unreadable
Parquet file or workbook. Rows with more or fewer fields than the header, a stray quote, and a last
line without its line break (a file cut short) are not whole-file problems: they carry a
`_shape_problem` for the quarantine. Blank lines are not rows, but count as lines.

Messages name the file, line and field, never a value of the data (a parser's message may quote
the rest of the file, contact details included), and are at most `MAX_MESSAGE` characters.
"""

import io
import json
import re
from collections import Counter
from pathlib import Path

import polars as pl

from assets.ingest.config import FeedSource
from assets.ingest.csv_records import read_records
from assets.ingest.decoding import Content, DecodeProblem, decode_error, landed_content
from assets.ingest.pii import safe_message
from assets.ingest.spreadsheet import SheetError, read_sheet
from assets.ingest.unpacking import ArchiveError, is_compressed, unpacked_bytes

SHAPE_PROBLEM = "_shape_problem"
LINE = "_source_row"
MAX_MESSAGE = 500
UNTERMINATED = (
    "last line has no line break: the file may be cut short (still being written, or a partial upload); "
    "end the file with a line break if it is complete"
)


class FeedFileError(ValueError):
    """A whole file cannot be loaded (unreadable, empty, wrong columns); the message names the file."""

    def __init__(self, message: str) -> None:
        super().__init__(safe_message(message, MAX_MESSAGE))


def read_table(path: Path, source: FeedSource) -> pl.DataFrame:
    """The file's rows as text columns, with `_source_row` (line or row number) and `_shape_problem`."""
    if path.stat().st_size == 0:
        raise FeedFileError(f"{path}: the file is empty (0 bytes); a {source.format} export needs at least a header")
    try:
        match source.format:
            case "parquet":
                data = io.BytesIO(unpacked_bytes(path)) if is_compressed(path) else path
                return _numbered(pl.read_parquet(data).cast(pl.String), source)
            case "xlsx":
                return _read_xlsx(path, source)
        content = landed_content(path, source.encoding)
        if content.data == b"":
            raise FeedFileError(f"{path}: the file is empty once unpacked; a {source.format} export needs a header")
        match source.format:
            case "csv":
                frame = _read_csv(content, path, source)
            case "whitespace":
                frame = _read_whitespace(content, path, source)
            case _:
                frame = _read_jsonl(content)
        _check_rows_read(frame, content, path, source)
        # a JSON line cut short is no JSON and already quarantined; many writers end without a break
        if source.format == "jsonl" or source.unterminated_last_line == "load":
            return frame
        return _mark_unterminated(frame, content)
    except DecodeProblem as exc:
        raise FeedFileError(
            f"{path}: {exc}; set the feed's `encoding` to the file's encoding (e.g. cp1252 or latin-1 for "
            "Western European Windows exports, mac_roman for old Mac ones)"
        ) from exc
    except (ArchiveError, SheetError) as exc:
        raise FeedFileError(str(exc)) from exc
    except (pl.exceptions.PolarsError, OSError) as exc:
        # only the first line of a Parquet reader's message: text readers' messages quote the data
        detail = f": {str(exc).splitlines()[0][:150]}" if source.format == "parquet" and str(exc) else ""
        raise FeedFileError(f"{path}: cannot read as {source.format} ({type(exc).__name__}{detail})") from exc


def _check_rows_read(frame: pl.DataFrame, content: Content, path: Path, source: FeedSource) -> None:
    """A file with lines of data beyond its header never reads as 0 rows: that is a reading fault."""
    if frame.height:
        return
    lines = sum(1 for line in io.StringIO(content.text(), newline="") if line.strip())
    if lines > (1 if source.header else 0):
        raise FeedFileError(
            f"{path}: {lines} lines but no row could be read; check the feed's format ({source.format}), "
            "delimiter and quote"
        )


def _mark_unterminated(frame: pl.DataFrame, content: Content) -> pl.DataFrame:
    """Quarantine a last record whose line has no line break, in a file that has line breaks."""
    if content.ends_with_line_break or not content.has_line_break or not frame.height:
        return frame
    last = pl.col(LINE) == frame[LINE].max()
    problem = pl.concat_str(pl.col(SHAPE_PROBLEM), pl.lit(UNTERMINATED), separator="; ", ignore_nulls=True)
    return frame.with_columns(pl.when(last).then(problem).otherwise(pl.col(SHAPE_PROBLEM)).alias(SHAPE_PROBLEM))


def check_header(names: list[str], path: Path) -> None:
    """A header naming a column twice would leave one of the two unread: fail the file, naming it."""
    counts = Counter(name.strip() for name in names if name.strip())
    twice = [name for name, count in counts.items() if count > 1]
    if twice:
        positions = [i for i, name in enumerate(names, start=1) if name.strip() == twice[0]]
        raise FeedFileError(
            f"{path}: the header names the column '{safe_message(twice[0], 60)}' {len(positions)} times (columns "
            f"{', '.join(map(str, positions))}); give each column its own name"
        )


def _read_xlsx(path: Path, source: FeedSource) -> pl.DataFrame:
    cells, titles, first_row = read_sheet(path, source.sheet, source.header)
    if titles is not None:
        check_header(titles, path)
        names = [title.strip() or column for title, column in zip(titles, cells.columns, strict=True)]
        cells = cells.rename(dict(zip(cells.columns, names, strict=True)))
    numbered = cells.with_row_index(LINE, offset=first_row).with_columns(
        pl.lit(None, dtype=pl.String).alias(SHAPE_PROBLEM)
    )
    # an empty row is no record, but keeps its number
    return numbered.filter(~pl.all_horizontal(pl.col(cells.columns).is_null())) if cells.width else numbered


def _numbered(frame: pl.DataFrame, source: FeedSource) -> pl.DataFrame:
    first_row = 2 if source.header and source.format in ("csv", "whitespace") else 1
    return frame.with_row_index(LINE, offset=first_row).with_columns(pl.lit(None, dtype=pl.String).alias(SHAPE_PROBLEM))


def _read_csv(content: Content, path: Path, source: FeedSource) -> pl.DataFrame:
    """The fast reader first; files it refuses (ragged rows, stray quotes) are read record by record."""
    try:
        frame = pl.read_csv(
            content.data,
            separator=source.delimiter,
            quote_char=source.quote,
            has_header=source.header,
            infer_schema=False,
        )
    except pl.exceptions.ComputeError as exc:
        if isinstance(content.data, Path) and "utf-8" in str(exc).lower():
            _raise_decode_problem(content.data)
        return _read_csv_records(content, path, source)
    if source.header:
        check_header(_header_names(content, source), path)
        if frame.columns and frame.columns[0].startswith("\ufeff"):
            frame = frame.rename({frame.columns[0]: frame.columns[0].lstrip("\ufeff")})
    else:
        frame = frame.rename({c: f"column_{i}" for i, c in enumerate(frame.columns, start=1)})
    frame = _numbered(frame, source)
    if frame.width < 3 or frame[frame.columns[-2]].null_count() == 0:
        return frame  # no row lacks its last field: none can be short, and no line is blank
    return _mark_short_rows(frame, content, path, source)


def _raise_decode_problem(path: Path) -> None:
    data = path.read_bytes()
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DecodeProblem(decode_error(data, "utf-8", exc)) from exc


def _header_names(content: Content, source: FeedSource) -> list[str]:
    """The header's names as a CSV reader sees them (polars renames a repeated name instead of failing)."""
    if isinstance(content.data, Path):
        with content.data.open("rb") as handle:
            start = handle.read(1 << 16).decode("utf-8-sig", errors="ignore")
    else:
        start = content.data[: 1 << 16].decode("utf-8-sig", errors="ignore")
    records = read_records(start.split("\n", 1)[0] + "\n", source.delimiter, source.quote)
    return records[0].fields if records else []


def _mark_short_rows(frame: pl.DataFrame, content: Content, path: Path, source: FeedSource) -> pl.DataFrame:
    """Flag rows with fewer fields than the header and drop blank lines, counting fields on each physical line.

    The fast reader pads short rows with nulls. Only rows whose last field is null can be short, and
    only files holding such rows pay for this second, vectorised read. Where records span lines
    (quoted line breaks), lines and rows do not align and the file is read record by record instead.
    """
    separator = "\x1f" if source.delimiter != "\x1f" else "\x1e"
    lines = pl.read_csv(
        content.data,
        has_header=False,
        separator=separator,
        quote_char=None,
        skip_rows=1 if source.header else 0,
        new_columns=["_line"],
        truncate_ragged_lines=True,
        infer_schema=False,
    )["_line"]
    if lines.len() != frame.height:
        return _read_csv_records(content, path, source)
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


def _read_csv_records(content: Content, path: Path, source: FeedSource) -> pl.DataFrame:
    """Record by record (`csv_records.py`): rows of another width, and lines with a stray quote, are flagged."""
    records = read_records(content.text(), source.delimiter, source.quote)
    if not records:
        return pl.DataFrame(schema={LINE: pl.UInt32, SHAPE_PROBLEM: pl.String})
    if source.header:
        header, records = [name.lstrip("\ufeff") for name in records[0].fields], records[1:]
        check_header(header, path)
    else:
        header = [f"column_{i}" for i in range(1, len(records[0].fields) + 1)]
    width = len(header)
    message = _shape_message(source, width)
    columns: dict[str, list[str | None]] = {name: [] for name in header}
    lines, problems = [], []
    for record in records:
        lines.append(record.line)
        shape = message.format(len(record.fields)) if len(record.fields) != width else None
        problems.append("; ".join(p for p in (record.problem, shape) if p) or None)
        for i, name in enumerate(header):
            columns[name].append(record.fields[i] if i < len(record.fields) else None)
    frame = pl.DataFrame(columns, schema=dict.fromkeys(header, pl.String))
    return frame.with_columns(
        pl.Series(LINE, lines, dtype=pl.UInt32), pl.Series(SHAPE_PROBLEM, problems, dtype=pl.String)
    ).select(LINE, *header, SHAPE_PROBLEM)


def _read_whitespace(content: Content, path: Path, source: FeedSource) -> pl.DataFrame:
    """Tokens split on runs of whitespace; a line with another number of tokens than the first is flagged."""
    lines = (
        pl.DataFrame({"line": content.text().splitlines()})
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
        check_header(names, path)
        frame = frame.slice(1).rename(dict(zip(frame.columns[1:-1], names, strict=True)))
    return frame


def _read_jsonl(content: Content) -> pl.DataFrame:
    """JSON lines numbered by their physical line; a line that is no JSON object is quarantined, not the file."""
    lines = (
        pl.DataFrame({"line": content.text().splitlines()})
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
    """Why one line is no JSON object; the parser's position, not the line's text (its values stay in the row)."""
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        return f"line is not valid JSON ({exc.msg} at column {exc.colno})"
    return None if isinstance(value, dict) else f"line is not a JSON object but a JSON {type(value).__name__}"
