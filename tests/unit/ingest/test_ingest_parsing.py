import json
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from assets.ingest.config import FeedSource
from assets.ingest.feeds import PURCHASES, SIGNUPS
from assets.ingest.parsing import FeedFileError, parse_feed_file

NOW = datetime(2026, 1, 1)
KEY = b"k" * 32
HEADER = "order_id,customer_id,ordered_at,product_id,category,quantity,unit_price,channel\n"


def write(tmp_path: Path, text: str, name: str = "purchases.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_rows_load_with_types_and_their_line_numbers(tmp_path):
    path = write(
        tmp_path, HEADER + "O1,C1,2025-01-01 10:00:00,P1,Home,2,3.50,web\nO2,C2,2025-01-02T11:00:00,P2,,1,0,\n"
    )
    parsed = parse_feed_file(path, FeedSource(PURCHASES, tmp_path), now=NOW)
    assert parsed.rows_read == 2
    assert parsed.quarantined.height == 0
    assert parsed.loaded["_source_row"].to_list() == [2, 3]
    assert parsed.loaded.schema["ordered_at"] == pl.Datetime("us")
    assert parsed.loaded["quantity"].to_list() == [2, 1]
    assert parsed.loaded["category"].to_list() == ["Home", None]


def test_bad_rows_are_quarantined_with_file_line_field_and_reason(tmp_path):
    path = write(
        tmp_path,
        HEADER
        + "O1,C1,2025-01-01 10:00:00,P1,home,2,3.50,web\n"
        + "O2,,2025-01-01,P1,home,x,-1,web\n"
        + "O3,C2,2030-01-01 00:00:00,P2,home,1,1,web\n",
    )
    parsed = parse_feed_file(path, FeedSource(PURCHASES, tmp_path), now=NOW)
    assert parsed.rows_read == parsed.loaded.height + parsed.quarantined.height == 3
    bad = parsed.quarantined.sort("source_row").to_dicts()
    assert [row["source_row"] for row in bad] == [3, 4]
    assert bad[0]["source_file"] == str(path)
    assert bad[0]["reason"] == (
        "customer_id: required value is missing; quantity: cannot read 'x' as integer; "
        "unit_price: must not be negative, got '-1'"
    )
    assert json.loads(bad[0]["raw_record"])["quantity"] == "x"
    assert bad[1]["reason"] == "ordered_at: '2030-01-01 00:00:00' is in the future"


def test_missing_columns_fail_the_file_with_a_clear_message(tmp_path):
    path = write(tmp_path, "order_id,customer_id\nO1,C1\n")
    with pytest.raises(FeedFileError, match=r"purchases\.csv: missing column\(s\) ordered_at, unit_price;"):
        parse_feed_file(path, FeedSource(PURCHASES, tmp_path), now=NOW)


def test_booleans_and_optional_business_fields(tmp_path):
    header = ",".join(name for name in SIGNUPS.field_names if name != "account_id") + "\n"
    rows = (
        "C1,2025-01-01 00:00:00,a@example.com,,1990-01-31,female,single,0,50000,bachelor,US,CA,SF,urban,social,"
        "none,yes,,,\n"
        "C2,2025-01-01 00:00:00,b@example.com,,,male,married,2,70000,master,US,NY,NYC,urban,email,none,maybe,,,\n"
    )
    parsed = parse_feed_file(
        write(tmp_path, header + rows, "signups.csv"), FeedSource(SIGNUPS, tmp_path), now=NOW, pii_key=KEY
    )
    assert parsed.loaded["marketing_consent"].to_list() == [True]
    assert parsed.quarantined["reason"].to_list() == ["marketing_consent: cannot read 'maybe' as boolean"]


def test_header_names_match_the_fields_ignoring_case_and_surrounding_spaces(tmp_path):
    header = "Order_ID, Customer_Id ,ORDERED_AT,Quantity,Unit_Price\n"
    path = write(tmp_path, header + "O1,C1,2025-01-01 10:00:00,5,2.50\n")
    parsed = parse_feed_file(path, FeedSource(PURCHASES, tmp_path), now=NOW)
    assert parsed.loaded.select("order_id", "customer_id", "quantity").rows() == [("O1", "C1", 5)]
    mapped = FeedSource(PURCHASES, tmp_path, columns={**{f: f for f in ("order_id", "ordered_at")}, **MAPPED})
    path = write(tmp_path, "order_id,ordered_at,CUSTOMER,qty,PRICE\nO1,2025-01-01 10:00:00,C1,5,2.50\n")
    assert parse_feed_file(path, mapped, now=NOW).loaded["quantity"].to_list() == [5]


MAPPED = {"customer_id": "Customer", "quantity": "QTY", "unit_price": "price"}


def test_two_columns_matching_a_field_only_loosely_fail_the_file(tmp_path):
    path = write(tmp_path, "order_id,customer_id,ordered_at,Quantity,QUANTITY ,unit_price\nO1,C1,2025-01-01,5,6,2\n")
    with pytest.raises(FeedFileError, match=r"'Quantity', 'QUANTITY ' all match 'quantity'"):
        parse_feed_file(path, FeedSource(PURCHASES, tmp_path), now=NOW)


def test_a_value_of_only_whitespace_is_missing(tmp_path):
    rows = 'O1,C1,2025-01-01 10:00:00,P1,home,1," ",web\nO2,"  ",2025-01-01 10:00:00,P1,home,1,2.50,web\n'
    parsed = parse_feed_file(write(tmp_path, HEADER + rows), FeedSource(PURCHASES, tmp_path), now=NOW)
    assert parsed.loaded.height == 0
    assert parsed.quarantined["reason"].to_list() == [
        "unit_price or line_amount: a value is required",
        "customer_id: required value is missing",
    ]


@pytest.mark.parametrize("number", ["NaN", "nan", "inf", "-inf", "Infinity"])
def test_numbers_that_are_not_finite_are_quarantined(tmp_path, number):
    path = write(tmp_path, HEADER + f"O1,C1,2025-01-01 10:00:00,P1,home,1,{number},web\n")
    parsed = parse_feed_file(path, FeedSource(PURCHASES, tmp_path), now=NOW)
    assert parsed.quarantined["reason"].to_list() == [f"unit_price: must be a finite number, got '{number}'"]


def test_csv_rows_with_fewer_fields_than_the_header_are_quarantined_and_blank_lines_are_no_rows(tmp_path):
    header = "customer_id,signed_up_at,country,region,city\n"
    rows = "C1,2025-01-01 00:00:00,UK,Leeds\n\nC2,2025-01-01 00:00:00,UK,Yorkshire,\nC3,2025-01-01 00:00:00,UK,N,York\n"
    parsed = parse_feed_file(write(tmp_path, header + rows), FeedSource(SIGNUPS, tmp_path), now=NOW, pii_key=KEY)
    assert parsed.rows_read == 3
    assert parsed.loaded.select("customer_id", "city", "_source_row").rows() == [("C2", None, 4), ("C3", "York", 5)]
    assert parsed.quarantined.select("source_row", "reason").rows() == [(2, "line has 4 fields, the header has 5")]


def test_short_rows_are_found_where_a_quoted_field_spans_lines(tmp_path):
    rows = 'O1,C1,2025-01-01 10:00:00,P1,"home\nand garden",1,2.50,web\nO2,C1,2025-01-01 10:00:00,P1,home,1\n'
    parsed = parse_feed_file(write(tmp_path, HEADER + rows), FeedSource(PURCHASES, tmp_path), now=NOW)
    assert parsed.loaded.select("category", "_source_row").rows() == [("home\nand garden", 2)]
    assert parsed.quarantined["source_row"].to_list() == [4]
    assert parsed.quarantined["reason"][0].startswith("line has 6 fields, the header has 8;")


def test_whitespace_rows_of_another_width_are_quarantined_with_their_line_numbers(tmp_path):
    text = "order_id customer_id ordered_at quantity unit_price\nO1 C1 2025-01-01 1 2.5\n\nO2 C2 2025-01-01 1\n"
    text += "O3 C3 2025-01-01 1 2.5 extra\n"
    source = FeedSource(PURCHASES, tmp_path, format="whitespace", glob="*.txt", header=True)
    parsed = parse_feed_file(write(tmp_path, text, "p.txt"), source, now=NOW)
    assert parsed.loaded.select("order_id", "_source_row").rows() == [("O1", 2)]
    assert parsed.quarantined["source_row"].to_list() == [4, 5]
    assert parsed.quarantined["reason"][0].startswith("line has 4 fields, the header has 5;")
    assert parsed.quarantined["reason"][1] == "line has 6 fields, the header has 5"


def test_a_broken_json_line_is_quarantined_alone_and_lines_are_counted_across_blank_ones(tmp_path):
    good = '{"order_id": "O1", "customer_id": "C1", "ordered_at": "2025-01-01 10:00:00", "unit_price": 2}'
    text = good + "\n\n" + '{"order_id": "O2", "customer_id": \n' + "[1, 2]\n" + good.replace("O1", "O3") + "\n"
    source = FeedSource(PURCHASES, tmp_path, format="jsonl", glob="*.jsonl")
    parsed = parse_feed_file(write(tmp_path, text, "p.jsonl"), source, now=NOW)
    assert parsed.rows_read == 4
    assert parsed.loaded.select("order_id", "_source_row").rows() == [("O1", 1), ("O3", 5)]
    reasons = parsed.quarantined.select("source_row", "reason").rows()
    assert [row for row, _ in reasons] == [3, 4]
    # the parser's position, never the line's text: reasons leave raw.* in samples
    assert reasons[0][1].startswith("line is not valid JSON (Expecting value at column 35);")
    assert reasons[1][1].startswith("line is not a JSON object but a JSON list;")
    blank_first = "\n" + good + "\n"
    assert parse_feed_file(write(tmp_path, blank_first, "q.jsonl"), source, now=NOW).loaded["_source_row"][0] == 2
