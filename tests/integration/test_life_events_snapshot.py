"""Life events from the real dbt snapshot: a couple's second sign-up record with a child makes a young family."""

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from assets.actions.life_events import life_events
from assets.ingest.config import FeedSource
from assets.ingest.feeds import SIGNUPS
from assets.ingest.loading import load_feed
from assets.segments.config import default_config

pytestmark = pytest.mark.integration
HEADER = "customer_id,signed_up_at,email,birth_date,marital_status,children,income,region,country,city\n"
KEY = b"life-events-test-key-0123456789ab"


def test_a_profile_update_in_the_snapshot_becomes_life_events_without_contact_details(tmp_path: Path, dbt_build):
    folder = tmp_path / "signups"
    folder.mkdir()
    warehouse = tmp_path / "warehouse.duckdb"

    def land_and_build(name: str, text: str) -> None:
        (folder / name).write_text(HEADER + text, encoding="utf-8")
        with duckdb.connect(str(warehouse)) as con:
            load_feed(con, FeedSource(SIGNUPS, folder), now=datetime(2026, 1, 1), pii_key=KEY)
        result = dbt_build(
            warehouse, tmp_path / "target", "stg_crm__signups int_signups_deduplicated signup_profiles_snapshot"
        )
        assert result.returncode == 0, result.stdout[-3000:]

    land_and_build(
        "a.csv",
        "C1,2025-01-01 09:00:00,ann@example.com,1995-06-01,married,0,60000,Saxony,Germany,Leipzig\n"
        "C2,2025-01-01 09:00:00,,1960-01-01,single,0,40000,Kent,UK,Dover\n",
    )
    land_and_build(
        "b.csv", "C1,2025-09-01 09:00:00,ann@example.com,1995-06-01,married,1,60000,Saxony,Germany,Leipzig\n"
    )
    with duckdb.connect(str(warehouse), read_only=True) as con:
        versions = con.sql(
            "select customer_id, dbt_valid_from as valid_from, birth_date, marital_status, children_count, "
            "cast(income_usd as double) as income_usd, region, country from snapshots.signup_profiles_snapshot"
        ).pl()
    events = life_events(versions, default_config())
    assert events.select("customer_id", "event").rows() == [
        ("C1", "children: 0 to 1"),
        ("C1", "became Young family"),
    ]
    assert not any("@" in str(value) or "Leipzig" in str(value) for row in events.rows() for value in row)
