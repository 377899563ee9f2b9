import polars as pl
import pytest

from assets.segments.profiles import SEGMENT_KINDS, segment_profiles


@pytest.fixture
def inputs() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    segments = pl.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d"],
            "rfm_segment": ["Champions", "Champions", "Lost", "No purchases"],
            "value_tier": ["Top 1%", "Rest", "Rest", "Rest"],
            "churn_risk": ["Low", "Low", "High", "No purchases"],
        }
    )
    features = pl.DataFrame(
        {"customer_id": ["a", "b", "c", "d"], "order_count": [4, 2, 1, 0], "revenue_usd": [400.0, 100.0, 50.0, 0.0]}
    )
    clv = pl.DataFrame({"customer_id": ["a", "b", "c", "d"], "clv_usd": [300.0, 100.0, 2.0, 0.0]})
    return segments, features, clv


def test_profiles_add_up_within_each_kind(inputs):
    profiles = segment_profiles(*inputs)
    for kind in SEGMENT_KINDS:
        rows = profiles.filter(pl.col("segment_kind") == kind)
        assert rows["customers"].sum() == 4
        assert rows["customer_share"].sum() == pytest.approx(1.0)
        assert rows["revenue_share"].sum() == pytest.approx(1.0)


def test_profile_figures(inputs):
    profiles = segment_profiles(*inputs)
    champions = profiles.filter(pl.col("segment") == "Champions").row(0, named=True)
    assert champions["customers"] == 2
    assert champions["revenue_share"] == pytest.approx(500 / 550)
    assert champions["avg_order_value_usd"] == pytest.approx(500 / 6)
    assert champions["avg_clv_usd"] == pytest.approx(200.0)
    assert champions["description"]
    prospects = profiles.filter(pl.col("segment") == "No purchases", pl.col("segment_kind") == "rfm_segment")
    assert prospects["avg_order_value_usd"].item() is None
