"""Profile updates: the latest sign-up wins in the features, the snapshot keeps the earlier version."""

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from assets.ingest.config import FeedSource
from assets.ingest.feeds import SIGNUPS
from assets.ingest.loading import load_feed

pytestmark = pytest.mark.integration
HEADER = "customer_id,signed_up_at,email,phone,city,marketing_consent\n"
KEY = b"history-test-key-0123456789abcdef"


def test_a_later_signup_updates_the_profile_and_the_snapshot_keeps_the_first(tmp_path: Path, dbt_build):
    def build(warehouse: Path, target: Path) -> None:
        result = dbt_build(warehouse, target, "stg_crm__signups int_signups_deduplicated signup_profiles_snapshot")
        assert result.returncode == 0, result.stdout[-3000:]

    folder = tmp_path / "signups"
    folder.mkdir()
    warehouse = tmp_path / "warehouse.duckdb"
    source = FeedSource(SIGNUPS, folder)

    def land(name: str, text: str) -> None:
        (folder / name).write_text(HEADER + text, encoding="utf-8")
        con = duckdb.connect(str(warehouse))
        try:
            load_feed(con, source, now=datetime(2026, 1, 1), pii_key=KEY)
        finally:
            con.close()

    land(
        "a.csv", "C1,2025-01-01 09:00:00,Ann@Example.com,+44 20 7946 0000,Leeds,yes\nC2,2025-01-01 09:00:00,,,York,no\n"
    )
    build(warehouse, tmp_path / "target")
    land("b.csv", "C1,2025-03-01 09:00:00,ann@new.example,,Bristol,yes\n")
    build(warehouse, tmp_path / "target")

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        latest = con.execute(
            "select city, email, length(email_hmac), phone_hmac is null "
            "from intermediate.int_signups_deduplicated where customer_id = 'C1'"
        ).fetchall()
        history = con.execute(
            "select city, dbt_valid_from, dbt_valid_to is null from snapshots.signup_profiles_snapshot "
            "where customer_id = 'C1' order by dbt_valid_from"
        ).fetchall()
        staged = {
            c
            for (c,) in con.execute(
                "select column_name from information_schema.columns where table_name = 'stg_crm__signups'"
            ).fetchall()
        }
    finally:
        con.close()
    assert latest == [("Bristol", "ann@new.example", 64, True)]
    assert history == [
        ("Leeds", datetime(2025, 1, 1, 9), False),
        ("Bristol", datetime(2025, 3, 1, 9), True),
    ]
    assert "phone" not in staged and {"email_hmac", "phone_hmac"} <= staged
