"""RFM scores and named RFM segments, as pure polars functions.

Recency, frequency and monetary value are each scored 1 to 5 by quintile of the customers who
bought (5 = most recent, most frequent, highest spend). Customers with equal values always get
the same score, so a tie at a quintile edge never splits. Frequency and monetary scores are
averaged into an FM score (halves round up), and the (R, FM) grid maps to one named segment:
the score map is `rfm_segments` in `segmentation.yaml`, checked to cover every cell exactly once.
"""

from __future__ import annotations

import polars as pl

from assets.segments.config import RfmRule, default_config
from assets.segments.config import rfm_grid as _checked_grid

__all__ = ["RfmRule", "quintile_score", "rfm_grid", "rfm_scores"]


def rfm_grid(rules: tuple[RfmRule, ...] | None = None) -> dict[tuple[int, int], str]:
    """The (recency score, FM score) -> segment map (default: the shipped rules); raises on gaps or overlaps."""
    return _checked_grid(rules if rules is not None else default_config().rfm_rules)


def quintile_score(values: pl.Expr) -> pl.Expr:
    """1..5 by quintile of rank; equal values share the lowest rank, so ties never split."""
    rank = values.rank(method="min")
    count = values.count()
    return ((rank - 1) * 5 // count + 1).cast(pl.Int8)


def rfm_scores(
    features: pl.DataFrame, rules: tuple[RfmRule, ...] | None = None, no_purchases: str | None = None
) -> pl.DataFrame:
    """Score customers and name their RFM segment.

    ``features`` needs customer_id, order_count, recency_days, repeat_purchase_day_count and
    revenue_usd. Frequency is scored on repeat purchase days (purchase days after the first, the
    CLV models' frequency), not on orders or revenue. Customers without orders get null scores
    and the segment ``no_purchases``. ``rules`` and ``no_purchases`` default to the shipped
    settings. Returns one row per input customer, sorted by customer_id.
    """
    if no_purchases is None:
        no_purchases = default_config().no_purchases_label
    grid = rfm_grid(rules)
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
        .with_columns(pl.col("rfm_segment").fill_null(no_purchases))
        .sort("customer_id")
    )
