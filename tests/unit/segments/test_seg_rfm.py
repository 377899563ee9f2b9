import polars as pl
import pytest

from assets.segments.config import default_config
from assets.segments.rfm import RfmRule, quintile_score, rfm_grid, rfm_scores

RFM_RULES = default_config().rfm_rules
NO_PURCHASES = default_config().no_purchases_label


def features(**columns: list) -> pl.DataFrame:
    n = len(columns["customer_id"])
    defaults = {"order_count": [1] * n, "recency_days": [10] * n, "repeat_purchase_day_count": [0] * n}
    return pl.DataFrame({**defaults, "revenue_usd": [10.0] * n, **columns})


def test_grid_covers_every_cell_once():
    grid = rfm_grid()
    assert len(grid) == 25
    assert set(grid.values()) == {rule.segment for rule in RFM_RULES}


def test_grid_rejects_overlap_and_gaps():
    overlapping = (*RFM_RULES, RfmRule("Extra", (5, 5), (5, 5), "overlaps Champions"))
    with pytest.raises(ValueError, match="R5 FM5 is in both 'Champions' and 'Extra'"):
        rfm_grid(overlapping)
    with pytest.raises(ValueError, match="without a segment: R5 FM4, R5 FM5"):
        rfm_grid(tuple(rule for rule in RFM_RULES if rule.segment != "Champions"))


def test_quintile_scores_spread_one_to_five():
    scores = pl.DataFrame({"v": list(range(10))}).select(quintile_score(pl.col("v")))["v"].to_list()
    assert scores == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_ties_at_a_quintile_edge_share_one_score():
    # values 2 and 3 straddle the first edge; all the 3s must score alike
    scores = pl.DataFrame({"v": [1, 2, 3, 3, 3, 3, 4, 5, 6, 7]}).select(quintile_score(pl.col("v")))["v"].to_list()
    assert scores[2:6] == [2, 2, 2, 2]
    assert scores == sorted(scores)


def test_best_and_worst_customers_get_the_extreme_segments():
    frame = features(
        customer_id=[f"c{i}" for i in range(10)],
        recency_days=[1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        repeat_purchase_day_count=[9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
        revenue_usd=[900.0, 800, 700, 600, 500, 400, 300, 200, 100, 50],
    )
    result = rfm_scores(frame)
    assert result.filter(pl.col("customer_id") == "c0")["rfm_segment"].item() == "Champions"
    assert result.filter(pl.col("customer_id") == "c9")["rfm_segment"].item() == "Lost"


def test_customers_without_orders_are_labelled_and_not_scored():
    frame = features(
        customer_id=["a", "b", "c"], order_count=[0, 2, 1], recency_days=[None, 3, 30], revenue_usd=[0.0, 20, 5]
    )
    result = rfm_scores(frame)
    prospect = result.filter(pl.col("customer_id") == "a").row(0, named=True)
    assert prospect["rfm_segment"] == NO_PURCHASES
    assert prospect["recency_score"] is None
    # the prospect does not take a quintile from the buyers
    assert result.filter(pl.col("customer_id") == "b")["recency_score"].item() == 3


def test_every_customer_gets_exactly_one_segment():
    frame = features(
        customer_id=[f"c{i:03d}" for i in range(200)],
        recency_days=[i % 37 for i in range(200)],
        repeat_purchase_day_count=[i % 7 for i in range(200)],
        revenue_usd=[float(i % 13) for i in range(200)],
    )
    result = rfm_scores(frame)
    assert result.height == 200
    assert result["customer_id"].n_unique() == 200
    assert result["rfm_segment"].null_count() == 0


def scored(frame: pl.DataFrame) -> dict[str, dict]:
    """rfm_scores by customer_id, for asserting on single customers."""
    return {row["customer_id"]: row for row in rfm_scores(frame).iter_rows(named=True)}


def test_the_score_map_is_not_symmetric_in_recency_and_fm():
    # five buyers, so each score is the buyer's rank; a: long gone but the best, b: brand new and the least
    frame = features(
        customer_id=["a", "b", "c", "d", "e"],
        recency_days=[300, 1, 200, 100, 50],
        repeat_purchase_day_count=[9, 0, 1, 2, 3],
        revenue_usd=[900.0, 10, 20, 30, 40],
    )
    result = scored(frame)
    assert (result["a"]["recency_score"], result["a"]["fm_score"]) == (1, 5)
    assert (result["b"]["recency_score"], result["b"]["fm_score"]) == (5, 1)
    assert result["a"]["rfm_segment"] == "Cannot lose them"
    assert result["b"]["rfm_segment"] == "New"
    assert [result[c]["rfm_segment"] for c in "cde"] == ["Hibernating", "Need attention", "Loyal"]


def test_the_fm_score_rounds_halves_up():
    # (F, M) = (1, 2), (2, 3), (3, 4), (4, 5), (5, 1): means 1.5, 2.5, 3.5, 4.5 and 3
    frame = features(
        customer_id=["a", "b", "c", "d", "e"],
        recency_days=[30, 30, 30, 30, 30],
        repeat_purchase_day_count=[0, 1, 2, 3, 4],
        revenue_usd=[20.0, 30, 40, 50, 10],
    )
    result = scored(frame)
    assert [(result[c]["frequency_score"], result[c]["monetary_score"]) for c in "abcde"] == [
        (1, 2),
        (2, 3),
        (3, 4),
        (4, 5),
        (5, 1),
    ]
    assert [result[c]["fm_score"] for c in "abcde"] == [2, 3, 4, 5, 3]


def test_frequency_is_scored_on_repeat_purchase_days():
    # repeat purchase days rise while orders and revenue fall: the frequency score must follow purchase days
    frame = features(
        customer_id=["a", "b", "c", "d", "e"],
        order_count=[9, 8, 7, 6, 5],
        repeat_purchase_day_count=[0, 1, 2, 3, 4],
        revenue_usd=[500.0, 400, 300, 200, 100],
    )
    result = scored(frame)
    assert [result[c]["frequency_score"] for c in "abcde"] == [1, 2, 3, 4, 5]
    assert [result[c]["monetary_score"] for c in "abcde"] == [5, 4, 3, 2, 1]
