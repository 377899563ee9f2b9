"""Row rules beyond types: returns, currencies, formulas, contact details and their keyed hashes."""

import hashlib
import hmac
import json
from datetime import datetime
from pathlib import Path

import pytest

from assets.ingest.config import FeedSource
from assets.ingest.feeds import FEEDS, PURCHASES, SIGNUPS
from assets.ingest.parsing import parse_feed_file
from assets.ingest.pii import PiiKeyError, resolve_pii_key

NOW = datetime(2026, 1, 1)
KEY = b"0123456789abcdef0123456789abcdef"


def parse(tmp_path: Path, text: str, source: FeedSource, name: str = "feed.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_feed_file(path, source, now=NOW, pii_key=KEY)


def test_returns_by_negative_quantity_or_by_status_load_as_negative_lines(tmp_path):
    header = "order_id,customer_id,ordered_at,quantity,line_amount,currency,status\n"
    rows = (
        "O1,C1,2025-01-01 10:00:00,2,10.00,usd,completed\n"
        "O2,C1,2025-01-02 10:00:00,-1,-5.00,USD,\n"
        "O3,C1,2025-01-03 10:00:00,1,5.00,EUR,Returned\n"
        "O4,C1,2025-01-04 10:00:00,0,0,USD,completed\n"
        "O5,C1,2025-01-05 10:00:00,1,-5.00,USD,completed\n"
        "O6,C1,2025-01-06 10:00:00,1,5.00,XYZ,completed\n"
    )
    parsed = parse(tmp_path, header + rows, FeedSource(PURCHASES, tmp_path))
    loaded = parsed.loaded.sort("order_id")
    assert loaded["order_id"].to_list() == ["O1", "O2", "O3"]
    assert loaded["quantity"].to_list() == [2, -1, -1]
    assert loaded["line_amount"].to_list() == [10.0, -5.0, -5.0]
    assert loaded["unit_price"].to_list() == [5.0, 5.0, 5.0]
    reasons = dict(zip(parsed.quarantined["source_row"], parsed.quarantined["reason"], strict=True))
    assert reasons == {
        5: "quantity: must not be 0 (returns are negative), got '0'",
        6: "line_amount: '-5.00' has the opposite sign of the quantity (returns are negative)",
        7: "currency: 'XYZ' is not an ISO 4217 currency code (e.g. USD, EUR)",
    }


TEXT_FIELDS = [(feed, f.name) for feed in FEEDS for f in feed.fields if f.type == "text"]
GOOD = {
    "purchases": "O1,C1,2025-01-01 10:00:00,P1,home,1,2.50,,web,USD,,,",
    "signups": "C1,2025-01-01 00:00:00,a@example.com,+44 20 7946 0958,,f,single,,,,UK,,,,web,,,,,,",
    "surveys": "R1,C1,S1,Q1,-5,2025-01-01 00:00:00",
    "customers": "C1,,a@example.com" + "," * 25,
    "customer_category_spend": "C1,home,12.5",
    "customer_channel_purchases": "C1,web,3",
    "accounts": "A1,Acme,retail,10,5.5,US,,,,1990",
    "campaign_responses": "C1,K1,email,opened,2025-01-01 00:00:00",
}


@pytest.mark.parametrize(("feed", "name"), TEXT_FIELDS, ids=[f"{feed.name}.{name}" for feed, name in TEXT_FIELDS])
def test_a_spreadsheet_formula_in_any_text_field_is_quarantined(tmp_path, feed, name):
    good = dict(zip(feed.field_names, GOOD[feed.name].split(","), strict=True))
    source = FeedSource(feed, tmp_path)
    header = ",".join(feed.field_names) + "\n"
    assert parse(tmp_path, header + ",".join(good.values()) + "\n", source).quarantined.height == 0
    for formula in ('"=HYPERLINK(""http://x"",""y"")"', "@SUM(A1)", "+cmd|' /C calc'!A0", "-SUM(A1)", "=cmd@evil.com"):
        row = {**good, name: formula}
        parsed = parse(tmp_path, header + ",".join(row.values()) + "\n", source)
        assert parsed.loaded.height == 0
        assert parsed.quarantined["reason"][0].startswith(f"{name}: ")
        assert "looks like a spreadsheet formula" in parsed.quarantined["reason"][0]


def test_numbers_in_free_text_are_not_formulas(tmp_path):
    header = "order_id,customer_id,ordered_at,category,quantity,unit_price\n"
    rows = "O1,-5,2025-01-01 10:00:00,-5 percent,1,2\nO2,+44,2025-01-01 10:00:00,+3.5,1,2\n"
    parsed = parse(tmp_path, header + rows, FeedSource(PURCHASES, tmp_path))
    assert parsed.loaded["order_id"].to_list() == ["O1", "O2"]


def test_contact_details_are_normalised_and_stored_only_as_keyed_hashes(tmp_path):
    header = "customer_id,signed_up_at,email,phone\n"
    rows = (
        "C1,2025-01-01 00:00:00, Ann@Example.COM ,+49 (30) 1234-567\n"
        "C2,2025-01-01 00:00:00,ann@example.com,0049301234567\n"
        "C3,2025-01-01 00:00:00,not-an-email,\n"
        "C4,2025-01-01 00:00:00,,12\n"
    )
    parsed = parse(tmp_path, header + rows, FeedSource(SIGNUPS, tmp_path))
    loaded = parsed.loaded.sort("customer_id")
    assert "phone" not in loaded.columns
    assert loaded["email"].to_list() == ["ann@example.com", "ann@example.com"]
    expected = hmac.new(KEY, b"ann@example.com", hashlib.sha256).hexdigest()
    assert loaded["email_hmac"].to_list() == [expected, expected]
    assert (
        loaded["phone_hmac"][0]
        == loaded["phone_hmac"][1]
        == (hmac.new(KEY, b"+49301234567", hashlib.sha256).hexdigest())
    )
    assert expected != hashlib.sha256(b"ann@example.com").hexdigest()
    assert parsed.quarantined["reason"].to_list() == [
        "email: not an email address",
        "phone: not a phone number (7 to 15 digits)",
    ]
    assert json.loads(parsed.quarantined["raw_record"][1])["phone"] == "12"


def test_the_key_comes_from_the_environment_else_a_local_file_except_in_production(tmp_path, monkeypatch):
    monkeypatch.delenv("SEGMENTS_PII_KEY", raising=False)
    monkeypatch.delenv("SEGMENTS_ENV", raising=False)
    key, where = resolve_pii_key(tmp_path / "warehouse.duckdb")
    assert where == f"local key file {tmp_path / 'pii.key'}"
    assert resolve_pii_key(tmp_path / "warehouse.duckdb")[0] == key and len(key) == 64
    assert (tmp_path / "pii.key").stat().st_mode & 0o077 == 0

    monkeypatch.setenv("SEGMENTS_ENV", "production")
    with pytest.raises(PiiKeyError, match="SEGMENTS_PII_KEY is not set"):
        resolve_pii_key(tmp_path / "warehouse.duckdb")
    monkeypatch.setenv("SEGMENTS_PII_KEY", "short")
    with pytest.raises(PiiKeyError, match="at least 32"):
        resolve_pii_key(tmp_path / "warehouse.duckdb")
    monkeypatch.setenv("SEGMENTS_PII_KEY", "k" * 40)
    assert resolve_pii_key(tmp_path / "warehouse.duckdb") == (b"k" * 40, "environment variable SEGMENTS_PII_KEY")


def test_rows_with_more_fields_than_the_header_are_quarantined_not_the_file(tmp_path):
    header = "order_id,customer_id,ordered_at,quantity,unit_price\n"
    rows = "O1,C1,2025-01-01 10:00:00,1,2\nO2,Smith, John,2025-01-01 10:00:00,1,2\nO3,C1,2025-01-01 10:00:00,1,2\n"
    parsed = parse(tmp_path, header + rows, FeedSource(PURCHASES, tmp_path))
    assert parsed.loaded["order_id"].to_list() == ["O1", "O3"]
    assert parsed.quarantined["source_row"].to_list() == [3]
    assert parsed.quarantined["reason"][0].startswith("line has 6 fields, the header has 5")
