"""Segment profiles: one row per segment of each kind, as a pure polars function."""

from __future__ import annotations

import polars as pl

from assets.segments.rfm import RFM_RULES, RFM_SEGMENTS
from assets.segments.value import CHURN_RISK_LABELS, VALUE_TIER_LABELS

SEGMENT_KINDS: dict[str, tuple[str, ...]] = {
    "rfm_segment": RFM_SEGMENTS,
    "value_tier": VALUE_TIER_LABELS,
    "churn_risk": CHURN_RISK_LABELS,
}

DESCRIPTIONS: dict[tuple[str, str], str] = {
    **{("rfm_segment", rule.segment): rule.description for rule in RFM_RULES},
    ("rfm_segment", "No purchases"): "Signed up but has not bought yet.",
    ("value_tier", "Top 1%"): "The 1% of customers with the highest expected lifetime value.",
    ("value_tier", "Top 10%"): "Customers ranked in the top 10% by expected lifetime value (after the top 1%).",
    ("value_tier", "Top 20%"): "Customers ranked in the top 20% by expected lifetime value (after the top 10%).",
    ("value_tier", "Rest"): "The remaining 80% of customers by expected lifetime value.",
    ("churn_risk", "High"): "Probably gone: P(alive) below 0.3.",
    ("churn_risk", "Medium"): "May be slipping away: P(alive) from 0.3 to 0.7.",
    ("churn_risk", "Low"): "Probably still active: P(alive) of 0.7 or more.",
    ("churn_risk", "No purchases"): "No purchases yet, so no churn estimate.",
}


def segment_profiles(segments: pl.DataFrame, features: pl.DataFrame, clv: pl.DataFrame) -> pl.DataFrame:
    """Summarise each segment: size, share, revenue share, CLV and average order value.

    ``segments`` has customer_id and one column per kind in ``SEGMENT_KINDS``; ``features`` has
    customer_id, order_count and revenue_usd; ``clv`` has customer_id and clv_usd. Within a kind,
    the customers of all segments add up to the customer count.
    """
    base = (
        segments.join(features.select("customer_id", "order_count", "revenue_usd"), on="customer_id", how="left")
        .join(clv.select("customer_id", "clv_usd"), on="customer_id", how="left")
        .with_columns(pl.col("revenue_usd").cast(pl.Float64).fill_null(0.0), pl.col("order_count").fill_null(0))
    )
    total_customers = base.height
    total_revenue = float(base["revenue_usd"].sum())
    frames = []
    for kind, labels in SEGMENT_KINDS.items():
        order = pl.DataFrame({"segment": list(labels), "segment_order": list(range(len(labels)))})
        grouped = base.group_by(pl.col(kind).alias("segment")).agg(
            pl.len().alias("customers"),
            pl.col("revenue_usd").sum().alias("revenue_usd"),
            pl.col("order_count").sum().alias("orders"),
            pl.col("clv_usd").mean().alias("avg_clv_usd"),
            pl.col("clv_usd").sum().alias("total_clv_usd"),
        )
        frames.append(grouped.join(order, on="segment", how="left").with_columns(pl.lit(kind).alias("segment_kind")))
    profiles = pl.concat(frames).with_columns(
        (pl.col("customers") / total_customers).alias("customer_share"),
        (pl.col("revenue_usd") / total_revenue if total_revenue else pl.lit(0.0)).alias("revenue_share"),
        pl.when(pl.col("orders") > 0).then(pl.col("revenue_usd") / pl.col("orders")).alias("avg_order_value_usd"),
    )
    descriptions = pl.DataFrame(
        {
            "segment_kind": [k for k, _ in DESCRIPTIONS],
            "segment": [s for _, s in DESCRIPTIONS],
            "description": list(DESCRIPTIONS.values()),
        }
    )
    kind_order = pl.DataFrame({"segment_kind": list(SEGMENT_KINDS), "kind_order": list(range(len(SEGMENT_KINDS)))})
    return (
        profiles.join(descriptions, on=["segment_kind", "segment"], how="left")
        .join(kind_order, on="segment_kind")
        .sort("kind_order", "segment_order", "segment")
        .select(
            "segment_kind",
            "segment",
            "customers",
            "customer_share",
            "revenue_usd",
            "revenue_share",
            "orders",
            "avg_order_value_usd",
            "avg_clv_usd",
            "total_clv_usd",
            "description",
        )
    )
