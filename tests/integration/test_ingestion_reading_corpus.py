"""Exports as shops write them, each through the loader into a real DuckDB file: every case gives its outcome.

| case | file (tests/fixtures/ingest/reading/) | settings | stated outcome |
| --- | --- | --- | --- |
| Mac Roman | 01_mac_roman.csv | encoding: mac_roman | loaded, "San José" and "Café" intact |
| UTF-16 with BOM | 02_utf16_bom.csv | none | loaded: the byte order mark decides |
| undefined cp1252 byte | 03_cp1252_undefined_byte.csv | encoding: cp1252 | failed: "line 3 ... byte 0x81" |
| gzip | 04_gzip.csv.gz | none | loaded |
| zip of one CSV | 05_one_csv.zip | glob *.zip | loaded |
| zip of two CSVs | 06_two_csvs.zip | glob *.zip | failed, naming the archive |
| xlsx sheet | 07_workbook.xlsx | format: xlsx, sheet: Orders | loaded, numbered by sheet row |
| CR-only line endings | 08_classic_mac.csv | none | all 3 rows loaded |
| a stray quote in 500 rows | 09_stray_quote.csv | none | 499 loaded, line 251 quarantined |
| a column named twice | 10_duplicate_header.csv | none | failed: "names the column 'unit_price' 2 times" |
| a last line cut short | 11_cut_short.csv | none | the cut line (`...,12` of 129.99) quarantined |
| a bad byte among emails | 12_signups_bad_byte.csv | signups | failed naming line 302; no email in the message |
"""

import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from assets.ingest.config import FeedSource
from assets.ingest.feeds import PURCHASES, SIGNUPS
from assets.ingest.loading import load_feed
from assets.ingest.reading import MAX_MESSAGE

pytestmark = pytest.mark.integration
CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "reading"
KEY = b"corpus-test-key-0123456789abcdef"
NOW = datetime(2026, 1, 1)

# file -> (settings, status, rows read, loaded, quarantined, what the problem or a reason says)
CASES = {
    "01_mac_roman.csv": ({"encoding": "mac_roman"}, "loaded", 2, 2, 0, None),
    "02_utf16_bom.csv": ({}, "loaded", 2, 2, 0, None),
    "03_cp1252_undefined_byte.csv": (
        {"encoding": "cp1252"},
        "failed",
        0,
        0,
        0,
        "line 3 is not valid cp1252 (byte 0x81",
    ),
    "04_gzip.csv.gz": ({}, "loaded", 2, 2, 0, None),
    "05_one_csv.zip": ({"glob": "*.zip"}, "loaded", 2, 2, 0, None),
    "06_two_csvs.zip": ({"glob": "*.zip"}, "failed", 0, 0, 0, "06_two_csvs.zip: a zip archive must hold exactly one"),
    "07_workbook.xlsx": ({"format": "xlsx", "glob": "*.xlsx", "sheet": "Orders"}, "loaded", 2, 2, 0, None),
    "08_classic_mac.csv": ({}, "loaded", 3, 3, 0, None),
    "09_stray_quote.csv": ({}, "loaded", 500, 499, 1, 'unbalanced quote: a " opens a field'),
    "10_duplicate_header.csv": ({}, "failed", 0, 0, 0, "names the column 'unit_price' 2 times (columns 7, 8)"),
    "11_cut_short.csv": ({}, "loaded", 2, 1, 1, "last line has no line break: the file may be cut short"),
    "12_signups_bad_byte.csv": ({}, "failed", 0, 0, 0, "line 302 is not valid utf-8 (byte 0xff"),
}


def load_case(tmp_path: Path, name: str) -> duckdb.DuckDBPyConnection:
    settings = CASES[name][0]
    folder = tmp_path / name / "landing"
    folder.mkdir(parents=True)
    shutil.copy(CORPUS / name, folder / name)
    feed = SIGNUPS if name.startswith("12_") else PURCHASES
    con = duckdb.connect(str(tmp_path / name / "warehouse.duckdb"))
    load_feed(con, FeedSource(feed, folder, **settings), now=NOW, pii_key=KEY)
    return con


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_case_gives_its_stated_outcome_rows_conserved_and_messages_short_and_clean(tmp_path, name):
    _, status, read, loaded, quarantined, says = CASES[name]
    con = load_case(tmp_path, name)
    feed = "signups" if name.startswith("12_") else "purchases"
    row = con.execute(
        "select status, rows_read, rows_loaded, rows_quarantined, problem from raw.load_manifest"
    ).fetchone()
    assert row[:4] == (status, read, loaded, quarantined)
    in_tables = con.execute(
        f"select (select count(*) from raw.{feed}), (select count(*) from raw.quarantined_rows)"
    ).fetchone()
    assert in_tables == (loaded, quarantined)
    reasons = " | ".join(r for (r,) in con.execute("select reason from raw.quarantined_rows").fetchall())
    if says:
        assert says in (row[4] or reasons)
    if row[4]:
        assert len(row[4]) <= MAX_MESSAGE and "@" not in row[4]


def test_text_survives_its_encoding_and_the_sheet_keeps_excel_row_numbers(tmp_path):
    mac = load_case(tmp_path, "01_mac_roman.csv")
    assert mac.execute("select category from raw.purchases order by _source_row").fetchall() == [
        ("San José",),
        ("Café",),
    ]
    sheet = load_case(tmp_path, "07_workbook.xlsx")
    assert sheet.execute(
        "select order_id, quantity, unit_price, ordered_at, _source_row from raw.purchases order by _source_row"
    ).fetchall() == [
        ("R13", 2, 129.99, datetime(2025, 3, 1, 10), 2),
        ("R14", 1, 5.0, datetime(2025, 3, 1, 11), 4),
    ]


def test_the_cut_line_never_loads_a_short_price(tmp_path):
    con = load_case(tmp_path, "11_cut_short.csv")
    assert con.execute("select order_id, unit_price from raw.purchases").fetchall() == [("R19", 2.5)]
    # the cut line stays quarantined with its raw values: the price it would have loaded was 12
    assert con.execute("select source_row, raw_record->>'unit_price' from raw.quarantined_rows").fetchall() == [
        (3, "12")
    ]
