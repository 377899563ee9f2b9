"""Contact data stays in raw.*: messages that leave it carry no contact values and are bounded; files holding
contact data are owner-only from the start."""

import os
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from assets.ingest.config import FeedSource
from assets.ingest.feeds import SIGNUPS
from assets.ingest.parsing import parse_feed_file
from assets.ingest.pii import MAX_MESSAGE_CHARS, resolve_pii_key, safe_message
from assets.publish.exports import write_exports
from assets.publish.log import Attempt, read_log, record

KEY = b"privacy-test-key-0123456789abcdef"


def test_contact_field_reasons_name_the_field_never_the_value(tmp_path: Path):
    header = "customer_id,signed_up_at,email,phone,company\n"
    rows = (
        "C1,2025-01-01 00:00:00,jane.doe0.private@gmail,,\n"
        "C2,2025-01-01 00:00:00,,+44 12,\n"
        "C3,2025-01-01 00:00:00,=cmd@evil.com,,\n"
        "C4,2025-01-01 00:00:00,,,=HYPERLINK(1)\n"
    )
    (tmp_path / "signups.csv").write_text(header + rows, encoding="utf-8")
    parsed = parse_feed_file(
        tmp_path / "signups.csv", FeedSource(SIGNUPS, tmp_path), now=datetime(2026, 1, 1), pii_key=KEY
    )
    reasons = parsed.quarantined.sort("source_row")["reason"].to_list()
    assert reasons == [
        "email: not an email address",
        "phone: not a phone number (7 to 15 digits)",
        "email: looks like a spreadsheet formula",
        "company: '=HYPERLINK(1)' looks like a spreadsheet formula",  # not contact data: the value helps
    ]


def test_safe_message_hides_emails_and_international_phone_numbers_and_keeps_the_rest():
    text = (
        "check raw_signups_quarantine_share_is_small failed: {'reason': \"email: 'jane.doe0.private@gmail' is "
        'not an email address"} at /data/landing/signups/a.csv line 12; call +44 20 7946 0000 or 0049301234567; '
        "read 10000000 rows on 2025-01-01 10:00:00"
    )
    cleaned = safe_message(text)
    assert "jane.doe0" not in cleaned and "7946" not in cleaned and "49301234567" not in cleaned
    assert "<email>" in cleaned and cleaned.count("<phone>") == 2
    assert "/data/landing/signups/a.csv line 12" in cleaned and "10000000 rows on 2025-01-01 10:00:00" in cleaned


def test_every_message_is_capped_saying_how_much_was_cut():
    cleaned = safe_message("x" * 101_737)
    assert len(cleaned) <= MAX_MESSAGE_CHARS
    assert cleaned.endswith("more characters cut]")


def test_the_publish_log_stores_no_contact_value_whoever_writes_it(tmp_path: Path):
    log_file = tmp_path / "publish_log.parquet"
    attempt = Attempt(version=1, status="failed", message="email: 'ann@example.com' is not valid; " + "y" * 5000)
    attempt.failed_checks = ["check x failed: {'sample': 'bob@example.org'}"]
    record(log_file, attempt)
    row = read_log(log_file).row(0, named=True)
    assert "ann@example.com" not in row["message"] and len(row["message"]) <= MAX_MESSAGE_CHARS
    assert row["failed_checks"] == ["check x failed: {'sample': '<email>'}"]


@pytest.fixture
def open_umask():
    """A permissive umask and a chmod that does nothing: only the mode a file is created with counts."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def test_the_local_key_file_is_created_owner_only(tmp_path: Path, monkeypatch, open_umask):
    monkeypatch.delenv("SEGMENTS_PII_KEY", raising=False)
    monkeypatch.delenv("SEGMENTS_ENV", raising=False)
    monkeypatch.setattr(Path, "chmod", lambda self, mode: None)
    resolve_pii_key(tmp_path / "warehouse.duckdb")
    assert (tmp_path / "pii.key").stat().st_mode & 0o777 == 0o600


def test_audience_exports_are_created_owner_only(tmp_path: Path, monkeypatch, open_umask):
    monkeypatch.setattr(Path, "chmod", lambda self, mode: None)
    frame = pl.DataFrame({"customer_id": ["a"], "email": ["a@example.org"]})
    write_exports(tmp_path / "exports" / "v000001", {("rfm_segment", "Loyal"): frame})
    files = [p for p in (tmp_path / "exports").rglob("*")]
    assert files and {oct(p.stat().st_mode & 0o777) for p in files if p.is_file()} == {"0o600"}
    assert {oct(p.stat().st_mode & 0o777) for p in files if p.is_dir()} == {"0o700"}


def test_a_short_limit_is_kept_too():
    for limit in (10, 40, 60, 80):
        assert len(safe_message("y" * 1_000, limit)) <= limit
    assert safe_message("y" * 1_000, 80).startswith("y")
