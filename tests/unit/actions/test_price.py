"""Price sensitivity: lines on offer, their discount, low-tier lines, and recovery of planted discount shares."""

from datetime import date

import polars as pl
import pytest

from assets.actions.price import segment_price_sensitivity
from sample_data import generate_feeds
from sample_data.discounts import DISCOUNT_RANGE, DISCOUNT_SHARES


def test_shares_of_offers_and_low_tier_lines_and_the_average_discount():
    lines = pl.DataFrame(
        {
            "customer_id": ["a", "a", "b", "b", "c", "c"],
            "category": ["tea"] * 6,
            "unit_price_usd": [1.0, 8.0, 9.0, 10.0, 2.0, 3.0],
            "list_price_usd": [2.0, 10.0, 9.0, 10.0, None, None],
            "amount_usd": [1.0, 8.0, 9.0, 10.0, 2.0, 3.0],
        }
    )
    segments = pl.DataFrame({"customer_id": ["a", "b", "c"], "kind": ["Savers", "Full price", "No list"]})
    table = {row["segment"]: row for row in segment_price_sensitivity(lines, segments, ["kind"]).to_dicts()}
    savers = table["Savers"]
    assert savers["discounted_line_share"] == 1.0 and savers["average_discount"] == pytest.approx((0.5 + 0.2) / 2)
    assert savers["low_tier_line_share"] == 0.5  # 1.0 is in tea's cheapest third, 8.0 is not
    assert table["Full price"]["discounted_line_share"] == 0.0 and table["Full price"]["average_discount"] is None
    assert table["No list"]["lines_with_list_price"] == 0 and table["No list"]["discounted_line_share"] is None
    assert table["No list"]["low_tier_line_share"] == 1.0


def test_planted_discount_shares_are_recovered_per_persona(tmp_path):
    """Each persona's share of lines on offer is within 0.03 of the planted share; discounts average mid-range."""
    landing = tmp_path / "landing"
    generate_feeds(landing, customers=2_000, seed=5, as_of=date(2026, 6, 30), progress=False)
    lines = pl.read_csv(landing / "purchases" / "*.csv").select(
        "customer_id",
        "category",
        pl.col("unit_price").alias("unit_price_usd"),
        pl.col("list_price").alias("list_price_usd"),
        (pl.col("unit_price") * pl.col("quantity")).alias("amount_usd"),
    )
    truth = pl.read_parquet(landing / "_truth" / "customers.parquet", columns=["customer_id", "persona"])
    table = segment_price_sensitivity(lines, truth, ["persona"])
    for persona, share, discount in table.select("segment", "discounted_line_share", "average_discount").rows():
        assert share == pytest.approx(DISCOUNT_SHARES[persona], abs=0.03), persona
        assert discount == pytest.approx(sum(DISCOUNT_RANGE) / 2, abs=0.03), persona


def test_without_list_prices_only_tiers_are_measured_and_the_status_says_so():
    from assets.actions.price_assets import price_table

    lines = pl.DataFrame(
        {
            "customer_id": ["a"],
            "category": ["tea"],
            "unit_price_usd": [1.0],
            "list_price_usd": [None],
            "amount_usd": [1.0],
        },
        schema_overrides={"list_price_usd": pl.Float64},
    )
    table, status = price_table(lines, pl.DataFrame({"customer_id": ["a"], "persona": ["P"]}))
    assert table["low_tier_line_share"].to_list() == [1.0] and table["average_discount"].to_list() == [None]
    assert status.status == "ready" and "carries no list_price" in status.reason
