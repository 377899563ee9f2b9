import polars as pl

from assets.segments.config import default_config
from assets.segments.value import (
    CHURN_BY_P_ALIVE,
    CHURN_BY_RECENCY,
    VALUE_BY_CLV,
    VALUE_BY_SPEND,
    churn_risk,
    value_bases,
    value_labels,
    value_tier,
)


def test_value_tiers_follow_clv_rank():
    clv = pl.DataFrame({"clv": [float(v) for v in range(100, 0, -1)]})
    tiers = clv.select(value_tier(pl.col("clv")).alias("tier"))["tier"].to_list()
    assert tiers[0] == "Top 1%"
    assert tiers[1:10] == ["Top 10%"] * 9
    assert tiers[10:20] == ["Top 20%"] * 10
    assert set(tiers[20:]) == {"Rest"}


def test_tied_clv_shares_the_better_tier():
    clv = pl.DataFrame({"clv": [5.0] * 3 + [1.0] * 97})
    tiers = clv.select(value_tier(pl.col("clv")).alias("tier"))["tier"].to_list()
    assert tiers[:3] == ["Top 1%"] * 3


def test_churn_risk_bands_and_prospects():
    p = pl.DataFrame({"p": [0.0, 0.29, 0.3, 0.69, 0.7, 1.0, None]})
    risk = p.select(churn_risk(pl.col("p")).alias("risk"))["risk"].to_list()
    assert risk == ["High", "High", "Medium", "Medium", "Low", "Low", "No purchases"]


def test_without_a_clv_model_tiers_rank_spend_and_churn_bands_recency():
    config = default_config()
    features = pl.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d", "e"],
            "order_count": [3, 1, 1, 2, 0],
            "revenue_usd": [900.0, 50.0, 10.0, 300.0, 0.0],
            "recency_days": [20, 200, 400, 179, None],
        }
    )
    no_model = pl.DataFrame({"customer_id": list("abcde"), "clv_usd": [None] * 5, "p_alive": [None] * 5})
    no_model = no_model.cast({"clv_usd": pl.Float64, "p_alive": pl.Float64})
    assert value_bases(no_model) == (VALUE_BY_SPEND, CHURN_BY_RECENCY)
    labels = value_labels(features, no_model, config)
    assert labels["value_tier"].to_list() == ["Top 20%", "Rest", "Rest", "Rest", "Rest"]
    # Low below 180 days since the last purchase, Medium below 365, High beyond; prospects named so
    assert labels["churn_risk"].to_list() == ["Low", "Medium", "High", "Low", "No purchases"]


def test_with_a_clv_model_tiers_rank_clv_and_a_worthless_customer_is_never_top():
    config = default_config()
    features = pl.DataFrame(
        {"customer_id": ["a", "b"], "order_count": [0, 0], "revenue_usd": [0.0, 0.0], "recency_days": [None, None]}
    )
    clv = pl.DataFrame({"customer_id": ["a", "b"], "clv_usd": [0.0, 0.0], "p_alive": [None, 0.9]})
    assert value_bases(clv) == (VALUE_BY_CLV, CHURN_BY_P_ALIVE)
    labels = value_labels(features, clv, config)
    # before, a tie at 0 shared the best tier: nobody having bought put everyone in the top 1 %
    assert labels["value_tier"].to_list() == ["Rest", "Rest"]
    assert labels["churn_risk"].to_list() == ["No purchases", "Low"]
