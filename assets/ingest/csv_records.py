"""CSV read record by record, for the files the fast reader refuses: rows of other widths, stray quotes.

A record spans lines only inside a quoted field. When a quote opens a field and the record it
starts does not close into as many fields as the header has (within `MAX_RECORD_LINES` lines), or
swallows lines that are records of their own, the quote is a stray one: that line alone is kept
with the problem `unbalanced quote`, its fields split without quoting so the quarantine shows its
raw values, and reading goes on at the next line. One stray `"` thus costs one row, not the file.
A quote inside an unquoted field (`12" vinyl`) is an ordinary character, as in Python's reader.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

MAX_RECORD_LINES = 1000


@dataclass(frozen=True)
class Record:
    line: int
    """The number of the record's first line (1-based, blank lines counted)."""
    fields: list[str]
    problem: str | None = None


def read_records(text: str, delimiter: str, quote: str | None) -> list[Record]:
    """Every record of the text, blank lines skipped; the first sets the width a quoted record must have."""
    lines = io.StringIO(text, newline="").readlines()  # keeps CR, LF and CRLF breaks as they are
    dialect = {"delimiter": delimiter, "quotechar": quote or '"', "strict": False}
    quoting = csv.QUOTE_MINIMAL if quote else csv.QUOTE_NONE
    records: list[Record] = []
    width: int | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if not quote or quote not in line:
            records.append(Record(i + 1, next(csv.reader([line], quoting=quoting, **dialect))))
            i += 1
        else:
            reader = csv.reader(_window(lines, i), quoting=quoting, **dialect)
            fields = next(reader)
            used = reader.line_num
            if used == 1 or width is None or _is_record(fields, lines[i + 1 : i + used - 1], width, delimiter):
                records.append(Record(i + 1, fields))
                i += used
            else:
                plain = next(csv.reader([line], quoting=csv.QUOTE_NONE, **dialect))
                problem = f"unbalanced quote: a {quote} opens a field that does not close on this line"
                records.append(Record(i + 1, plain, problem))
                i += 1
        if width is None:
            width = len(records[-1].fields)
    return records


def _is_record(fields: list[str], inner: list[str], width: int, delimiter: str) -> bool:
    """Whether a record spanning lines is one: as wide as the header, with no whole record swallowed inside.

    A stray quote closed by another stray quote further down can span a record of the right width;
    the lines between would then be records of their own, which a line break in a text never is.
    """
    return len(fields) == width and not any(line.count(delimiter) + 1 == width for line in inner)


def _window(lines: list[str], start: int) -> Iterator[str]:
    """The lines a quoted record may span, from its first."""
    yield from lines[start : start + MAX_RECORD_LINES]
