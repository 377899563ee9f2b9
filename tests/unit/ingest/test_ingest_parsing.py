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
    header = ",".join(SIGNUPS.field_names) + "\n"
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
