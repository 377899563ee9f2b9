"""RFM scores and named RFM segments, as pure polars functions.

Recency, frequency and monetary value are each scored 1 to 5 by quintile of the customers who
bought (5 = most recent, most frequent, highest spend). Customers with equal values always get
the same score, so a tie at a quintile edge never splits. Frequency and monetary scores are
averaged into an FM score (halves round up), and the (R, FM) grid maps to one named segment.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

NO_PURCHASES = "No purchases"


@dataclass(frozen=True)
class RfmRule:
    """A segment: the recency and FM score ranges (inclusive) it covers, and what it means."""

    segment: str
    recency: tuple[int, int]
    fm: tuple[int, int]
    description: str


RFM_RULES: tuple[RfmRule, ...] = (
    RfmRule("Champions", (5, 5), (4, 5), "Bought very recently, buy often and spend the most."),
    RfmRule("Loyal", (3, 4), (4, 5), "Buy often and spend well; still fairly recent."),
    RfmRule("Potential loyalist", (4, 5), (2, 3), "Recent customers with average frequency and spend."),
    RfmRule("New", (5, 5), (1, 1), "Bought for the first time very recently."),
    RfmRule("Promising", (4, 4), (1, 1), "Recent first-time buyers with low spend so far."),
    RfmRule("Need attention", (3, 3), (3, 3), "Average recency, frequency and spend."),
    RfmRule("About to sleep", (3, 3), (1, 2), "Infrequent, low-spend customers fading away."),
    RfmRule("Cannot lose them", (1, 2), (5, 5), "Were among the best customers; not seen for a long time."),
    RfmRule("At risk", (1, 2), (3, 4), "Used to buy regularly; not seen for a long time."),
    RfmRule("Hibernating", (2, 2), (1, 2), "Low spend, few purchases, long ago."),
    RfmRule("Lost", (1, 1), (1, 2), "Lowest recency, frequency and spend."),
)

RFM_SEGMENTS: tuple[str, ...] = (*(rule.segment for rule in RFM_RULES), NO_PURCHASES)


def rfm_grid(rules: tuple[RfmRule, ...] = RFM_RULES) -> dict[tuple[int, int], str]:
    """The (recency score, FM score) -> segment map; raises if cells are missing or overlap."""
    grid: dict[tuple[int, int], str] = {}
    for rule in rules:
        for r in range(rule.recency[0], rule.recency[1] + 1):
            for fm in range(rule.fm[0], rule.fm[1] + 1):
                if (r, fm) in grid:
                    raise ValueError(f"RFM cell R{r} FM{fm} is in both {grid[(r, fm)]!r} and {rule.segment!r}")
                grid[(r, fm)] = rule.segment
    missing = [f"R{r} FM{fm}" for r in range(1, 6) for fm in range(1, 6) if (r, fm) not in grid]
    if missing:
        raise ValueError(f"RFM cells without a segment: {', '.join(missing)}")
    return grid


def quintile_score(values: pl.Expr) -> pl.Expr:
    """1..5 by quintile of rank; equal values share the lowest rank, so ties never split."""
    rank = values.rank(method="min")
    count = values.count()
    return ((rank - 1) * 5 // count + 1).cast(pl.Int8)


def rfm_scores(features: pl.DataFrame) -> pl.DataFrame:
    """Score customers and name their RFM segment.

    ``features`` needs customer_id, order_count, recency_days, repeat_purchase_day_count and
    revenue_usd. Customers without orders get null scores and the segment "No purchases".
    Returns one row per input customer, sorted by customer_id.
    """
    grid = rfm_grid()
    cells = pl.DataFrame(
        {
            "recency_score": [r for r, _ in grid],
            "fm_score": [fm for _, fm in grid],
            "rfm_segment": list(grid.values()),
        },
        schema={"recency_score": pl.Int8, "fm_score": pl.Int8, "rfm_segment": pl.String},
    )
    buyers = features.filter(pl.col("order_count") > 0)
    scored = buyers.select(
        "customer_id",
        quintile_score(-pl.col("recency_days")).alias("recency_score"),
        quintile_score(pl.col("repeat_purchase_day_count")).alias("frequency_score"),
        quintile_score(pl.col("revenue_usd").cast(pl.Float64)).alias("monetary_score"),
    ).with_columns(
        ((pl.col("frequency_score").cast(pl.Int16) + pl.col("monetary_score") + 1) // 2).cast(pl.Int8).alias("fm_score")
    )
    named = scored.join(cells, on=["recency_score", "fm_score"], how="left")
    return (
        features.select("customer_id")
        .join(named, on="customer_id", how="left")
        .with_columns(pl.col("rfm_segment").fill_null(NO_PURCHASES))
        .sort("customer_id")
    )
