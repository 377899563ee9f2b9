import polars as pl

from assets.segments.value import churn_risk, value_tier


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
