"""Behavioural segments beside RFM: category affinity, preferred channel and purchase cadence."""

from __future__ import annotations

import polars as pl

from assets.segments.config import SegmentationConfig
from assets.segments.value import band


def category_affinity(config: SegmentationConfig) -> pl.Expr:
    """The top category by revenue when it has at least `min_share` of the customer's spend, else mixed."""
    bought = pl.col("order_count") > 0
    return (
        pl.when(~bought)
        .then(pl.lit(config.no_purchases_label))
        .when(pl.col("top_category").is_null())
        .then(pl.lit(config.unknown_label))
        .when(pl.col("top_category_revenue_share").fill_null(0.0) >= config.category_min_share)
        .then(pl.col("top_category"))
        .otherwise(pl.lit(config.category_mixed_label))
        .alias("category_affinity")
    )


def preferred_channel(config: SegmentationConfig) -> pl.Expr:
    """The channel of most of the customer's orders (ties: more revenue, then name)."""
    return (
        pl.when(pl.col("order_count") <= 0)
        .then(pl.lit(config.no_purchases_label))
        .otherwise(pl.col("preferred_channel").fill_null(config.unknown_label))
        .alias("preferred_channel")
    )


def days_between_purchases() -> pl.Expr:
    """Average days between purchase days, first to last purchase; null with fewer than two."""
    span_days = (pl.col("last_ordered_at") - pl.col("first_ordered_at")).dt.total_seconds() / 86_400
    repeats = pl.col("repeat_purchase_day_count")
    return pl.when(repeats > 0).then(span_days / repeats)


def purchase_cadence(config: SegmentationConfig) -> pl.Expr:
    """Band of the average days between purchases; one-off and never-bought customers are named so."""
    return (
        pl.when(pl.col("order_count") <= 0)
        .then(pl.lit(config.no_purchases_label))
        .when(pl.col("repeat_purchase_day_count").fill_null(0) <= 0)
        .then(pl.lit(config.cadence_one_purchase_label))
        .otherwise(band(days_between_purchases(), config.cadence_bands, config.unknown_label))
        .alias("purchase_cadence")
    )


def behaviour_labels(config: SegmentationConfig) -> list[pl.Expr]:
    return [category_affinity(config), preferred_channel(config), purchase_cadence(config)]


def cadence_labels(config: SegmentationConfig) -> tuple[str, ...]:
    bands = (b.label for b in config.cadence_bands)
    return (*bands, config.cadence_one_purchase_label, config.no_purchases_label, config.unknown_label)
