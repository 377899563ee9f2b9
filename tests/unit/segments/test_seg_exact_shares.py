"""Shares lie in [0, 1] and add up per segment kind, whatever the order in which revenue is summed."""

import random

import polars as pl

from assets.segments.profiles import SEGMENT_KINDS, segment_profiles

KINDS = {kind: SEGMENT_KINDS[kind] for kind in ("value_tier", "country")}


def frames(revenues: list[float]) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    ids = [f"c{i:05d}" for i in range(len(revenues))]
    segments = pl.DataFrame(
        {
            "customer_id": ids,
            "value_tier": ["Rest"] * len(ids),  # one segment holds all the revenue
            "country": [random.Random(i).choice(["Germany", "Canada", "Wales"]) for i in range(len(ids))],
        }
    )
    features = pl.DataFrame({"customer_id": ids, "order_count": [1] * len(ids), "revenue_usd": revenues})
    clv = pl.DataFrame({"customer_id": ids, "clv_usd": [1.0] * len(ids)})
    return segments, features, clv


def test_one_segment_holding_all_revenue_has_a_share_of_exactly_one():
    # cent amounts whose float sum depends on the order of summation (0.1 + 0.2 + 0.3 != 0.3 + 0.2 + 0.1)
    rng = random.Random(3)
    revenues = [round(rng.uniform(0.01, 999.99), 2) for _ in range(20_000)]
    segments, features, clv = frames(revenues)
    for shuffled in range(3):
        order = pl.Series(random.Random(shuffled).sample(range(len(revenues)), len(revenues)))
        profiles = segment_profiles(segments[order], features[order], clv[order], kinds=KINDS)
        rest = profiles.filter(pl.col("segment_kind") == "value_tier")
        assert rest["revenue_share"].to_list() == [1.0]
        assert rest["customer_share"].to_list() == [1.0]
        assert profiles["revenue_share"].is_between(0, 1).all()
        countries = profiles.filter(pl.col("segment_kind") == "country")
        assert abs(countries["revenue_share"].sum() - 1.0) < 1e-12
        assert (
            countries["revenue_usd"].sum() == rest["revenue_usd"].item()
            or abs(countries["revenue_usd"].sum() - rest["revenue_usd"].item()) < 1e-6
        )
