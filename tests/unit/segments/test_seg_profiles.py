import polars as pl
import pytest

from assets.segments.config import default_config
from assets.segments.labels import LABEL_ORDER
from assets.segments.profiles import PROFILE_COLUMNS, SEGMENT_KINDS, segment_kinds, segment_profiles

KINDS = {kind: SEGMENT_KINDS[kind] for kind in ("rfm_segment", "value_tier", "churn_risk", "age_band", "country")}


@pytest.fixture
def inputs() -> tuple[pl.DataFrame, ...]:
    segments = pl.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d"],
            "rfm_segment": ["Champions", "Champions", "Lost", "No purchases"],
            "value_tier": ["Top 1%", "Rest", "Rest", "Rest"],
            "churn_risk": ["Low", "Low", "High", "No purchases"],
            "age_band": ["25-34", "25-34", "65+", "unknown"],
            "country": ["Germany", "Canada", "Germany", "unknown"],
        }
    )
    features = pl.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d"],
            "order_count": [4, 2, 1, 0],
            "revenue_usd": [400.0, 100.0, 50.0, 0.0],
            "age_years": [30, 32, 70, None],
            "income_usd": [50_000.0, 70_000.0, 30_000.0, None],
        }
    )
    clv = pl.DataFrame({"customer_id": ["a", "b", "c", "d"], "clv_usd": [300.0, 100.0, 2.0, 0.0]})
    categories = pl.DataFrame(
        {
            "customer_id": ["a", "a", "b", "c"],
            "category": ["games", "books", "books", "garden"],
            "revenue_usd": [300.0, 100.0, 100.0, 50.0],
        }
    )
    channels = pl.DataFrame(
        {"customer_id": ["a", "a", "b", "c"], "channel": ["app", "web", "web", "phone"], "order_count": [3, 1, 2, 1]}
    )
    return segments, features, clv, categories, channels


def test_profiles_add_up_within_each_kind(inputs):
    profiles = segment_profiles(*inputs, kinds=KINDS)
    assert profiles.columns == list(PROFILE_COLUMNS)
    for kind in KINDS:
        rows = profiles.filter(pl.col("segment_kind") == kind)
        assert rows["customers"].sum() == 4
        assert rows["customer_share"].sum() == pytest.approx(1.0)
        assert rows["revenue_share"].sum() == pytest.approx(1.0)


def test_profile_figures(inputs):
    profiles = segment_profiles(*inputs, kinds=KINDS)
    champions = profiles.filter(pl.col("segment") == "Champions").row(0, named=True)
    assert champions["customers"] == 2
    assert champions["revenue_share"] == pytest.approx(500 / 550)
    assert champions["avg_order_value_usd"] == pytest.approx(500 / 6)
    assert champions["avg_clv_usd"] == pytest.approx(200.0)
    assert champions["total_clv_usd"] == pytest.approx(400.0)
    assert champions["description"] == "Bought very recently, buy often and spend the most."
    # games 300 and books 200 of the segment's 500 USD; web has 3 of its 6 orders, app 3: tie goes by name
    assert champions["top_categories"] == "games 60%, books 40%"
    assert champions["preferred_channel"] == "app"
    assert champions["median_age_years"] == pytest.approx(31.0)
    assert champions["median_income_usd"] == pytest.approx(60_000.0)
    assert champions["age_band_mix"] == "25-34 100%"
    assert champions["country_mix"] in ("Germany 50%, Canada 50%", "Canada 50%, Germany 50%")
    assert champions["life_stage_mix"] is None  # no life_stage column in this frame


def test_segments_without_purchases_have_no_order_figures(inputs):
    profiles = segment_profiles(*inputs, kinds=KINDS)
    prospects = profiles.filter(pl.col("segment") == "No purchases", pl.col("segment_kind") == "rfm_segment")
    assert prospects["avg_order_value_usd"].item() is None
    assert prospects["top_categories"].item() is None
    assert prospects["preferred_channel"].item() is None
    assert prospects["description"].item() == "Signed up but has not bought yet."


def test_closed_vocabularies_follow_the_configured_order_and_open_ones_go_by_size(inputs):
    profiles = segment_profiles(*inputs, kinds=KINDS)
    rfm = profiles.filter(pl.col("segment_kind") == "rfm_segment")["segment"].to_list()
    assert rfm == ["Champions", "Lost", "No purchases"]
    countries = profiles.filter(pl.col("segment_kind") == "country")
    assert countries["segment"].to_list()[0] == "Germany"
    # a segment no rule describes is described from its own figures
    assert countries["description"][0].startswith("Country 'Germany': 50.0% of customers")


def test_value_and_churn_descriptions_come_from_the_configured_bands(inputs):
    profiles = segment_profiles(*inputs, kinds=KINDS)
    described = dict(profiles.select("segment", "description").iter_rows())
    assert described["Top 1%"] == "Customers in the top 1% by expected lifetime value."
    assert described["High"] == "Probably gone: P(alive) below 0.3."
    assert described["Low"] == "Probably still active: P(alive) of 0.7 or more."


def test_persona_descriptions_are_used_when_given(inputs):
    segments, *rest = inputs
    segments = segments.with_columns(pl.Series("persona", ["Gamers", "Gamers", "Gardeners", "Gardeners"]))
    described = pl.DataFrame({"persona": ["Gamers", "Gardeners"], "description": ["Play a lot.", "Dig a lot."]})
    profiles = segment_profiles(segments, *rest, described, kinds={"persona": None})
    assert dict(profiles.select("segment", "description").iter_rows()) == {
        "Gamers": "Play a lot.",
        "Gardeners": "Dig a lot.",
    }


def test_a_missing_segment_column_is_named(inputs):
    segments, *rest = inputs
    with pytest.raises(ValueError, match="missing from the customer segments: churn_risk"):
        segment_profiles(segments.drop("churn_risk"), *rest, kinds=KINDS)


def test_segment_kinds_list_every_label_column_in_display_order():
    kinds = segment_kinds(default_config())
    assert tuple(kinds) == LABEL_ORDER
    assert kinds["rfm_segment"][-1] == "No purchases"
    assert kinds["persona"] is None and kinds["country"] is None
    assert "unknown" in kinds["psychographic_group"] and "not B2B" in kinds["employee_band"]
