"""One sheet of an `.xlsx` workbook as text columns numbered by their sheet row.

The feed's `sheet` names the sheet (default: the first). Cells are read as text by calamine (via
fastexcel): numbers as written (`2`, `129.99`), date cells as `YYYY-MM-DD HH:MM:SS`. The first
non-empty row is the header (or the first record, for `header: false`); an empty row is no record
but keeps its number, so `_source_row` is the row number Excel shows.
"""

import re
import zipfile
from pathlib import Path, PurePosixPath

import fastexcel
import polars as pl

FIRST_CELL = re.compile(rb'<c r="[A-Z]+(\d+)"')
SHEET_ENTRY = re.compile(r'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"')
RELATIONSHIP = re.compile(r'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"')


class SheetError(ValueError):
    """The workbook or the sheet cannot be read; the message names them."""


def read_sheet(path: Path, sheet: str | None, header: bool) -> tuple[pl.DataFrame, list[str] | None, int]:
    """The sheet's records as text columns `column_<n>`, the header row's titles, and the first record's row."""
    try:
        workbook = fastexcel.read_excel(str(path))
    except fastexcel.FastExcelError as exc:
        raise SheetError(f"{path}: not a readable .xlsx workbook ({str(exc).splitlines()[0][:150]})") from exc
    names = workbook.sheet_names
    name = sheet if sheet is not None else names[0]
    if name not in names:
        raise SheetError(f"{path}: no sheet named '{name}'; the workbook's sheets are {', '.join(names)}")
    try:
        cells = workbook.load_sheet(name, header_row=None, dtypes="string").to_polars()
    except fastexcel.FastExcelError as exc:
        raise SheetError(f"{path}: cannot read the sheet '{name}' ({str(exc).splitlines()[0][:150]})") from exc
    cells = cells.rename({c: f"column_{i}" for i, c in enumerate(cells.columns, start=1)})
    first = _first_row(path, names.index(name), name)
    if header and cells.height:
        titles = [str(v) if v is not None else "" for v in cells.row(0)]
        return cells.slice(1), titles, first + 1
    return cells, None, first


def _first_row(path: Path, index: int, name: str) -> int:
    """The row number of the sheet's first cell: calamine drops the empty rows above it.

    A workbook laid out otherwise than Excel writes it (no relationship for the sheet) counts from 1.
    """
    try:
        return _first_cell_row(path, index, name)
    except (KeyError, IndexError, zipfile.BadZipFile):
        return 1


def _first_cell_row(path: Path, index: int, name: str) -> int:
    with zipfile.ZipFile(path) as book:
        workbook = book.read("xl/workbook.xml").decode("utf-8")
        rels = book.read("xl/_rels/workbook.xml.rels").decode("utf-8")
        entries = SHEET_ENTRY.findall(workbook)
        rel_id = next((rid for sheet, rid in entries if _unescape(sheet) == name), entries[index][1])
        target = dict(RELATIONSHIP.findall(rels))[rel_id]
        member = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        with book.open(member) as sheet:
            start = sheet.read(1 << 16)
    found = FIRST_CELL.search(start)
    return int(found.group(1)) if found else 1


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )
