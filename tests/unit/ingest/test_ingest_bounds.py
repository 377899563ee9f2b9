"""Implausible values are stopped at loading: quarantined with the reason, or nulled and counted."""

from datetime import date, datetime
from pathlib import Path

import pytest

from assets.ingest.bounds import Bounds, parse_bounds
from assets.ingest.config import FeedConfigError, FeedSource, load_config
from assets.ingest.feeds import PURCHASES, SIGNUPS
from assets.ingest.parsing import parse_feed_file

NOW = datetime(2026, 1, 1)
KEY = b"0123456789abcdef0123456789abcdef"
INT64_MAX = "9223372036854775807"


def parse(tmp_path: Path, text: str, source: FeedSource):
    path = tmp_path / "feed.csv"
    path.write_text(text, encoding="utf-8")
    return parse_feed_file(path, source, now=NOW, pii_key=KEY)


def test_implausible_purchase_lines_are_quarantined_with_their_reason(tmp_path):
    header = "order_id,customer_id,ordered_at,quantity,unit_price,line_amount\n"
    rows = (
        "O1,C1,2025-01-01 10:00:00,2,5.00,\n"
        "O2,C1,0001-01-01 10:00:00,1,5.00,\n"
        f"O3,C1,2025-01-02 10:00:00,{INT64_MAX},5.00,\n"
        "O4,C1,2025-01-03 10:00:00,1,2000000,\n"
        "O5,C1,2025-01-04 10:00:00,50000,900,\n"
        "O6,C1,2025-01-05 10:00:00,1,,99999999999999999999\n"
    )
    parsed = parse(tmp_path, header + rows, FeedSource(PURCHASES, tmp_path))
    assert parsed.loaded["order_id"].to_list() == ["O1"]
    reasons = dict(zip(parsed.quarantined["source_row"], parsed.quarantined["reason"], strict=True))
    assert reasons[3] == "ordered_at: '0001-01-01 10:00:00' is before the earliest date 1900-01-01"
    assert reasons[4].startswith(f"quantity: '{INT64_MAX}' is beyond the plausible 100,000 (bounds.max_quantity)")
    assert reasons[5] == "unit_price: '2000000' is beyond the plausible 1,000,000 (bounds.max_unit_price)"
    assert reasons[6].startswith("line_amount: '45000000.0' (quantity x unit price where not given) is beyond")
    assert reasons[7].startswith("line_amount: '99999999999999999999' (quantity x unit price")
    assert parsed.nulled is not None and parsed.nulled.is_empty()


def test_an_implausible_birth_date_is_nulled_and_counted_while_the_row_loads(tmp_path):
    header = "customer_id,signed_up_at,birth_date,country\n"
    rows = (
        "C1,2025-01-01 00:00:00,1893-04-02,UK\n"
        "C2,2025-01-01 00:00:00,1980-05-06,UK\n"
        "C3,2025-01-01 00:00:00,1904-01-01,UK\n"  # after 1900 but 121 years old
        "C4,2025-01-01 00:00:00,2030-01-01,UK\n"  # not born yet
        "C5,0001-01-01 00:00:00,1980-05-06,UK\n"  # a required date: the row is quarantined
    )
    parsed = parse(tmp_path, header + rows, FeedSource(SIGNUPS, tmp_path))
    loaded = dict(zip(parsed.loaded["customer_id"], parsed.loaded["birth_date"], strict=True))
    assert loaded == {"C1": None, "C2": date(1980, 5, 6), "C3": None, "C4": None}
    assert parsed.quarantined["source_row"].to_list() == [6]
    nulled = parsed.nulled.sort("source_row")
    assert nulled.select("source_row", "field").rows() == [(2, "birth_date"), (4, "birth_date"), (5, "birth_date")]
    assert nulled["reason"].to_list() == [
        "birth_date: '1893-04-02' is before the earliest date 1900-01-01",
        "birth_date: '1904-01-01' means an age over 120",
        "birth_date: '2030-01-01' is in the future",
    ]


def test_bounds_are_configurable_and_checked(tmp_path):
    path = tmp_path / "feeds.yaml"
    path.write_text("feeds:\n  purchases: {}\nbounds:\n  earliest_date: 2000-01-01\n  max_quantity: 10\n")
    source = load_config(path).source("purchases")
    assert source.bounds == Bounds(earliest_date=date(2000, 1, 1), max_quantity=10)
    assert source.reading_fingerprint() != FeedSource(PURCHASES, source.folder).reading_fingerprint()
    # at the defaults the bounds leave the fingerprint alone: files loaded before bounds existed stay loaded
    assert Bounds().fingerprint() is None
    for raw, message in (
        ({"max_quantity": 2.5}, "max_quantity: expected a whole number"),
        ({"max_line_amount": 1e17}, "does not fit the warehouse's decimals"),
        ({"earliest_date": "1900-13-01"}, "earliest_date: expected a date YYYY-MM-DD"),
        ({"latest": 3}, "latest: unknown key"),
        ({"max_unit_price": -1}, "max_unit_price: expected a number above 0"),
    ):
        with pytest.raises(FeedConfigError, match=message):
            parse_bounds(raw, "feeds.yaml: bounds")
