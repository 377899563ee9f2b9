"""A customer table with one accepted-or-not column per campaign loads into campaign_responses by configuration."""

import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from assets.actions.channel_assets import channel_response_tables
from assets.ingest.config import load_config
from assets.ingest.loading import load_feed

FIXTURES = Path(__file__).parents[2] / "fixtures" / "campaigns"
NOW = datetime(2026, 1, 1)


def test_accepted_cmp_columns_unpivot_into_one_contact_per_customer_and_campaign(tmp_path: Path):
    (tmp_path / "crm").mkdir()
    shutil.copy(FIXTURES / "marketing_campaign_responses.tsv", tmp_path / "crm")
    shutil.copy(FIXTURES / "feeds.yaml", tmp_path / "feeds.yaml")
    source = load_config(tmp_path / "feeds.yaml").source("campaign_responses")
    assert source is not None
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        load = load_feed(con, source, now=NOW)
        loaded = con.sql("select customer_id, campaign_id, channel, outcome from raw.campaign_responses").pl()
        quarantined = con.sql("select source_row, reason from raw.quarantined_rows").fetchall()
    # 11 customers x 6 campaign columns load; the line without an ID is quarantined, one row per column
    assert loaded.height == 66 and load.total("rows_loaded") == 66
    assert {row for row, _ in quarantined} == {13} and all("customer_id" in why for _, why in quarantined)
    assert set(loaded["channel"]) == {"email"} and set(loaded["campaign_id"]) == {f"CMP{i}" for i in range(1, 7)}
    accepted = loaded.filter(pl.col("outcome") == "converted").sort("customer_id", "campaign_id")
    assert accepted.select("customer_id", "campaign_id").rows() == [
        ("387", "CMP1"),
        ("387", "CMP3"),
        ("4855", "CMP6"),
        ("5524", "CMP6"),
        ("5899", "CMP5"),
    ]
    segments = pl.DataFrame({"customer_id": loaded["customer_id"].unique().sort(), "persona": "everyone"})
    table, best, status = channel_response_tables(loaded, segments)
    row = table.filter(pl.col("segment_kind") == "persona").row(0, named=True)
    assert (row["contacts"], row["responses"], row["conversions"]) == (66, 5, 5)
    assert status.status == "ready" and set(best["best_channel"]) == {"email"}


def test_without_campaign_responses_the_tables_are_empty_and_the_status_says_why():
    responses = pl.DataFrame(schema={c: pl.String for c in ("customer_id", "campaign_id", "channel", "outcome")})
    table, best, status = channel_response_tables(responses, pl.DataFrame({"customer_id": ["a"], "persona": ["P"]}))
    assert table.is_empty() and best.is_empty()
    assert status.status == "unavailable" and "configure the campaign_responses feed" in status.reason
