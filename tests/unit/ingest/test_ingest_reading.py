"""Reading landed files as shops export them: encodings, compression, spreadsheets, odd line endings, stray quotes."""

import gzip
import zipfile
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from xlsx_files import write_xlsx

from assets.ingest.config import FeedSource
from assets.ingest.decoding import Content
from assets.ingest.feeds import PURCHASES, SIGNUPS
from assets.ingest.parsing import FeedFileError, parse_feed_file
from assets.ingest.reading import MAX_MESSAGE, _check_rows_read

NOW = datetime(2026, 1, 1)
KEY = b"k" * 32
HEADER = "order_id,customer_id,ordered_at,product_id,category,quantity,unit_price,channel\n"
SIGNUP_HEADER = "customer_id,signed_up_at,email,city\n"


def line(order: int, price: str = "2.50", category: str = "home") -> str:
    return f"O{order},C{order},2025-01-01 10:00:00,P1,{category},1,{price},web\n"


def write_bytes(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def parse(path: Path, **settings):
    return parse_feed_file(path, FeedSource(PURCHASES, path.parent, **settings), now=NOW)


@pytest.mark.parametrize("encoding", ["mac_roman", "cp1252", "latin-1", "utf-16", "utf-16-le", "cp850"])
def test_any_codec_python_knows_reads_san_jose(tmp_path, encoding):
    path = write_bytes(tmp_path, "p.csv", (HEADER + line(1, category="San José")).encode(encoding))
    parsed = parse(path, encoding=encoding)
    assert parsed.loaded["category"].to_list() == ["San José"]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-8"])
def test_a_byte_order_mark_decides_the_encoding_whatever_is_configured(tmp_path, codec):
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff", "utf-8": b"\xef\xbb\xbf"}[codec]
    text = HEADER + line(1, category="Zürich") + line(2)
    path = write_bytes(tmp_path, "p.csv", bom + text.encode(codec))
    parsed = parse(path, encoding="cp1252")
    assert parsed.loaded["category"].to_list() == ["Zürich", "home"]
    assert parsed.loaded["_source_row"].to_list() == [2, 3]


def test_mac_roman_bytes_read_as_mac_roman_not_as_cp1252_lookalikes(tmp_path):
    path = write_bytes(tmp_path, "p.csv", (HEADER + line(1, category="San José")).encode("mac_roman"))
    assert parse(path, encoding="mac_roman").loaded["category"].to_list() == ["San José"]
    # the configuration decides: cp1252 reads 0x8e as a valid, different letter
    assert parse(path, encoding="cp1252").loaded["category"].to_list() == ["San JosŽ"]


@pytest.mark.parametrize(
    ("encoding", "bad", "byte"),
    [("cp1252", b"\x81", "0x81"), ("utf-8", b"\xe9", "0xe9"), ("utf-16-le", b"\x00\xd8\x41\x00", "0x00")],
)
def test_a_byte_that_does_not_decode_fails_the_file_naming_line_and_byte(tmp_path, encoding, bad, byte):
    data = (HEADER + line(1) + "\r\n").encode(encoding) + line(2).encode(encoding)[:12] + bad
    data += line(3).encode(encoding)[12:]
    path = write_bytes(tmp_path, "p.csv", data)
    with pytest.raises(FeedFileError, match=rf"p\.csv: line 4 is not valid {encoding} \(byte {byte} at offset \d+\)"):
        parse(path, encoding=encoding)


def test_gzip_and_a_zip_of_one_csv_read_like_the_csv_with_its_line_numbers(tmp_path):
    text = HEADER + line(1) + "\n" + line(2)
    gz = write_bytes(tmp_path, "p.csv.gz", gzip.compress(text.encode()))
    archive = tmp_path / "p.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("__MACOSX/._p.csv", b"metadata")
        handle.writestr("export/p.csv", text)
    for path in (gz, archive):
        parsed = parse(path)
        assert parsed.loaded.select("order_id", "_source_row").rows() == [("O1", 2), ("O2", 4)]


def test_a_gzip_of_latin1_text_is_decoded_after_unpacking(tmp_path):
    path = write_bytes(tmp_path, "p.csv.gz", gzip.compress((HEADER + line(1, category="Café")).encode("latin-1")))
    assert parse(path, encoding="latin-1").loaded["category"].to_list() == ["Café"]


def test_a_zip_with_two_files_or_a_cut_gzip_fails_naming_the_archive(tmp_path):
    archive = tmp_path / "two.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("a.csv", HEADER + line(1))
        handle.writestr("b.csv", HEADER + line(2))
    with pytest.raises(FeedFileError, match=r"two\.zip: a zip archive must hold exactly one data file, it holds 2"):
        parse(archive)
    cut = write_bytes(tmp_path, "cut.csv.gz", gzip.compress((HEADER + line(1) * 50).encode())[:-30])
    with pytest.raises(FeedFileError, match=r"cut\.csv\.gz: the gzip stream is damaged or cut short"):
        parse(cut)


def test_an_xlsx_sheet_reads_with_its_sheet_row_numbers(tmp_path):
    header = HEADER.strip().split(",")
    rows = [
        ["notes above the table"],
        [],
        header,
        ["O1", "C1", datetime(2025, 1, 1, 10), "P1", "home", 2, 129.99, "web"],
    ]
    rows += [[], ["O2", "C2", "2025-01-02 11:00:00", "P2", "toys", 1, "x", "app"]]
    path = write_xlsx(tmp_path / "p.xlsx", {"Readme": [["nothing here"]], "Orders": rows[2:]})
    parsed = parse(path, format="xlsx", sheet="Orders")
    assert parsed.loaded.select("order_id", "quantity", "unit_price", "_source_row").rows() == [("O1", 2, 129.99, 2)]
    assert parsed.loaded["ordered_at"].to_list() == [datetime(2025, 1, 1, 10)]
    assert parsed.quarantined.select("source_row", "reason").rows() == [(4, "unit_price: cannot read 'x' as decimal")]
    # the first sheet by default; empty rows above the table keep the numbering Excel shows
    first = write_xlsx(tmp_path / "q.xlsx", {"Orders": [[None], [None], *rows[2:4]]})
    assert parse(first, format="xlsx").loaded["_source_row"].to_list() == [4]
    with pytest.raises(
        FeedFileError, match=r"p\.xlsx: no sheet named 'Sales'; the workbook's sheets are Readme, Orders"
    ):
        parse(path, format="xlsx", sheet="Sales")


def test_classic_mac_line_endings_read_every_row(tmp_path):
    path = write_bytes(tmp_path, "p.csv", (HEADER + line(1) + line(2)).replace("\n", "\r").encode())
    parsed = parse(path)
    assert parsed.rows_read == 2
    assert parsed.loaded["_source_row"].to_list() == [2, 3]


def test_a_file_with_data_lines_never_reads_as_zero_rows(tmp_path):
    # the guard behind every reader: whatever a reader makes of the bytes, 0 rows from lines of data fail
    empty = pl.DataFrame(schema={"_source_row": pl.UInt32, "_shape_problem": pl.String})
    content = Content(data=(HEADER + line(1) + "\n").encode(), has_line_break=True, ends_with_line_break=True)
    with pytest.raises(FeedFileError, match=r"p\.csv: 2 lines but no row could be read; check the feed's format"):
        _check_rows_read(empty, content, tmp_path / "p.csv", FeedSource(PURCHASES, tmp_path))
    header_only = Content(data=HEADER.encode(), has_line_break=True, ends_with_line_break=True)
    _check_rows_read(empty, header_only, tmp_path / "p.csv", FeedSource(PURCHASES, tmp_path))


def test_a_stray_quote_quarantines_its_line_only_and_the_rest_of_the_file_loads(tmp_path):
    lines = [line(i) for i in range(1, 501)]
    lines[249] = lines[249].replace(",home,", ',"home,')  # opens a quoted field that never closes
    lines[399] = lines[399].replace(",home,", ',12" vinyl,')  # a quote inside a field is a character
    path = write_bytes(tmp_path, "p.csv", (HEADER + "".join(lines)).encode())
    parsed = parse(path)
    assert parsed.rows_read == 500
    assert parsed.loaded.height == 499
    assert parsed.quarantined.select("source_row", "reason").rows() == [
        (251, 'unbalanced quote: a " opens a field that does not close on this line')
    ]
    assert parsed.loaded.filter(parsed.loaded["_source_row"] == 401)["category"].to_list() == ['12" vinyl']


def test_a_quoted_field_spanning_lines_is_one_record_beside_a_stray_quote(tmp_path):
    text = HEADER + line(1).replace(",home,", ',"home\nand garden",') + line(2).replace(",home,", ',"home,') + line(3)
    parsed = parse(write_bytes(tmp_path, "p.csv", text.encode()))
    assert parsed.loaded.select("category", "_source_row").rows() == [("home\nand garden", 2), ("home", 5)]
    assert parsed.quarantined["source_row"].to_list() == [4]


def test_a_header_naming_a_column_twice_fails_the_file_naming_it(tmp_path):
    path = write_bytes(tmp_path, "p.csv", (HEADER.replace("channel", "unit_price") + line(1)).encode())
    with pytest.raises(
        FeedFileError, match=r"p\.csv: the header names the column 'unit_price' 2 times \(columns 7, 8\)"
    ):
        parse(path)
    ragged = write_bytes(tmp_path, "r.csv", (HEADER.replace("channel", "unit_price") + "O1,C1\n" + line(1)).encode())
    with pytest.raises(FeedFileError, match="names the column 'unit_price' 2 times"):
        parse(ragged)


def test_a_last_line_without_its_line_break_is_quarantined_as_cut_short(tmp_path):
    price_last = HEADER.replace("unit_price,channel", "channel,unit_price")
    text = (
        price_last
        + "O1,C1,2025-01-01 10:00:00,P1,home,1,web,2.50\n"
        + "O2,C1,2025-01-01 10:00:00,P1,home,1,web,129.99\n"
    )
    parsed = parse(write_bytes(tmp_path, "p.csv", text[:-5].encode()))  # the upload stopped inside "129.99"
    assert parsed.loaded.select("order_id", "unit_price").rows() == [("O1", 2.5)]
    assert parsed.quarantined.select("source_row", "reason").rows() == [
        (
            3,
            "last line has no line break: the file may be cut short (still being written, or a partial upload); "
            "end the file with a line break if it is complete",
        )
    ]
    # trailing blanks after the last line break are no cut line; a lone line without a break is not judged
    assert parse(write_bytes(tmp_path, "q.csv", (text + "  ").encode())).loaded.height == 2
    headerless = write_bytes(tmp_path, "h.csv", line(1).strip().encode())
    assert (
        parse(
            headerless, header=False, columns=dict(order_id=1, customer_id=2, ordered_at=3, quantity=6, unit_price=7)
        ).loaded.height
        == 1
    )


def test_a_file_level_failure_names_file_and_line_never_values_and_is_capped(tmp_path):
    rows = "".join(f"C{i},2025-01-01 10:00:00,jane.doe{i}.private@gmail.com,Leeds\n" for i in range(3000))
    data = (SIGNUP_HEADER + rows).encode() + b"\xff" + b"C9,2025-01-01 10:00:00,x@y.com,Leeds\n" * 3000
    path = write_bytes(tmp_path, "s.csv", data)
    with pytest.raises(FeedFileError) as failure:
        parse_feed_file(path, FeedSource(SIGNUPS, tmp_path), now=NOW, pii_key=KEY)
    message = str(failure.value)
    assert "line 3002" in message and "@" not in message and len(message) <= MAX_MESSAGE
    long_name = write_bytes(tmp_path, "x" * 200 + ".csv", (SIGNUP_HEADER.replace("city", "email")).encode())
    with pytest.raises(FeedFileError) as failure:
        parse_feed_file(long_name, FeedSource(SIGNUPS, tmp_path), now=NOW, pii_key=KEY)
    assert len(str(failure.value)) <= MAX_MESSAGE


def test_json_lines_without_a_final_line_break_all_load_a_cut_json_line_is_invalid_json(tmp_path):
    good = '{"order_id": "O%d", "customer_id": "C1", "ordered_at": "2025-01-01 10:00:00", "unit_price": 129.99}'
    path = write_bytes(tmp_path, "p.jsonl", "\n".join(good % n for n in (1, 2)).encode())
    assert parse(path, format="jsonl").loaded.height == 2
    cut = write_bytes(tmp_path, "q.jsonl", ("\n".join(good % n for n in (1, 2))[:-4]).encode())
    assert parse(cut, format="jsonl").quarantined["reason"].str.starts_with("line is not valid JSON").to_list() == [
        True
    ]


def test_a_gzipped_parquet_file_reads_like_the_parquet_file(tmp_path):
    frame = pl.DataFrame({"order_id": ["O1"], "customer_id": ["C1"], "ordered_at": ["2025-01-01 10:00:00"]})
    frame = frame.with_columns(quantity=pl.lit(1), unit_price=pl.lit(2.5))
    frame.write_parquet(tmp_path / "p.parquet")
    packed = write_bytes(tmp_path, "p.parquet.gz", gzip.compress((tmp_path / "p.parquet").read_bytes()))
    for path in (tmp_path / "p.parquet", packed):
        assert parse(path, format="parquet").loaded.select("order_id", "unit_price").rows() == [("O1", 2.5)]


def test_a_compressed_empty_file_is_named_empty(tmp_path):
    path = write_bytes(tmp_path, "p.csv.gz", gzip.compress(b""))
    with pytest.raises(FeedFileError, match=r"p\.csv\.gz: the file is empty once unpacked"):
        parse(path)


def test_a_stray_quote_among_emails_quarantines_one_row_and_no_reason_quotes_the_data(tmp_path):
    rows = [f"C{i},2025-01-01 09:00:00,jane.doe{i}.private@gmail.com,Leeds\n" for i in range(400)]
    rows[200] = rows[200].replace(",Leeds", ',"Leeds')  # the parser used to dump the rest of the file
    path = write_bytes(tmp_path, "s.csv", (SIGNUP_HEADER + "".join(rows)).encode())
    parsed = parse_feed_file(path, FeedSource(SIGNUPS, tmp_path), now=NOW, pii_key=KEY)
    assert (parsed.loaded.height, parsed.quarantined["source_row"].to_list()) == (399, [202])
    assert "@" not in parsed.quarantined["reason"].item()


def test_an_exporter_known_to_end_without_a_line_break_loads_its_last_line(tmp_path):
    text = HEADER + line(1) + line(2).rstrip("\n")
    parsed = parse(write_bytes(tmp_path, "p.csv", text.encode()), unterminated_last_line="load")
    assert parsed.loaded["order_id"].to_list() == ["O1", "O2"] and parsed.quarantined.is_empty()


def test_a_header_naming_a_contact_value_twice_is_reported_without_the_value(tmp_path):
    # a headerless export: its first record, holding the same address twice, is read as the header
    path = write_bytes(tmp_path, "s.csv", b"C1,2025-01-01 10:00:00,ann@example.com,ann@example.com\n")
    with pytest.raises(FeedFileError) as failure:
        parse_feed_file(path, FeedSource(SIGNUPS, tmp_path), now=NOW, pii_key=KEY)
    message = str(failure.value)
    assert "2 times" in message and "ann@example.com" not in message and "<email>" in message
