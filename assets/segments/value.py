"""Value tiers by CLV and churn risk by P(alive), as pure polars functions; bands from `segmentation.yaml`."""

from __future__ import annotations

import polars as pl

from assets.segments.config import Band, SegmentationConfig, default_config


def value_tier_labels(config: SegmentationConfig) -> tuple[str, ...]:
    """The value tiers in display order, best first, then the rest."""
    return (*(label for label, _ in config.value_tiers), config.value_rest_label)


def churn_risk_labels(config: SegmentationConfig) -> tuple[str, ...]:
    """The churn-risk bands in display order, then the label of customers without purchases."""
    return (*(band.label for band in config.churn_bands), config.no_purchases_label)


def band(values: pl.Expr, bands: tuple[Band, ...], missing: str) -> pl.Expr:
    """The label of the first band whose upper bound a value is under; ``missing`` for nulls."""
    expr = pl.when(values.is_null()).then(pl.lit(missing))
    for b in bands:
        expr = expr.when(values < b.below).then(pl.lit(b.label)) if b.below is not None else expr
    return expr.otherwise(pl.lit(bands[-1].label))


def value_tier(clv: pl.Expr, tiers: tuple[tuple[str, float], ...] | None = None, rest: str | None = None) -> pl.Expr:
    """Tier by the customer's CLV rank from the top; ties share the better tier. Defaults: the shipped tiers."""
    if tiers is None or rest is None:
        config = default_config()
        tiers = config.value_tiers if tiers is None else tiers
        rest = config.value_rest_label if rest is None else rest
    top_share = clv.rank(method="min", descending=True) / clv.count()
    expr = pl.when(pl.lit(False)).then(pl.lit(None, dtype=pl.String))
    for label, share in tiers:
        expr = expr.when(top_share <= share).then(pl.lit(label))
    return expr.otherwise(pl.lit(rest))


def churn_risk(p_alive: pl.Expr, bands: tuple[Band, ...] | None = None, no_purchases: str | None = None) -> pl.Expr:
    """Churn risk band from P(alive); customers without a P(alive) (no purchases) are labelled so.

    Defaults: the shipped bands and label.
    """
    if bands is None or no_purchases is None:
        config = default_config()
        bands = config.churn_bands if bands is None else bands
        no_purchases = config.no_purchases_label if no_purchases is None else no_purchases
    return band(p_alive, bands, no_purchases)
