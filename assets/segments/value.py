"""Value tiers by CLV and churn risk by P(alive), as pure polars functions; bands from `segmentation.yaml`."""

from __future__ import annotations

import polars as pl

from assets.segments.config import Band, default_config

_CONFIG = default_config()
# (label, share of customers from the top): the first tier whose share covers a customer's rank.
VALUE_TIERS: tuple[tuple[str, float], ...] = _CONFIG.value_tiers
REST_TIER = _CONFIG.value_rest_label
VALUE_TIER_LABELS: tuple[str, ...] = (*(label for label, _ in VALUE_TIERS), REST_TIER)

CHURN_RISK_BANDS: tuple[Band, ...] = _CONFIG.churn_bands
CHURN_RISK_LABELS: tuple[str, ...] = (*(band.label for band in CHURN_RISK_BANDS), _CONFIG.no_purchases_label)


def band(values: pl.Expr, bands: tuple[Band, ...], missing: str) -> pl.Expr:
    """The label of the first band whose upper bound a value is under; ``missing`` for nulls."""
    expr = pl.when(values.is_null()).then(pl.lit(missing))
    for b in bands:
        expr = expr.when(values < b.below).then(pl.lit(b.label)) if b.below is not None else expr
    return expr.otherwise(pl.lit(bands[-1].label))


def value_tier(clv: pl.Expr, tiers: tuple[tuple[str, float], ...] = VALUE_TIERS, rest: str = REST_TIER) -> pl.Expr:
    """Tier by the customer's CLV rank from the top; ties share the better tier."""
    top_share = clv.rank(method="min", descending=True) / clv.count()
    expr = pl.when(pl.lit(False)).then(pl.lit(None, dtype=pl.String))
    for label, share in tiers:
        expr = expr.when(top_share <= share).then(pl.lit(label))
    return expr.otherwise(pl.lit(rest))


def churn_risk(
    p_alive: pl.Expr, bands: tuple[Band, ...] = CHURN_RISK_BANDS, no_purchases: str = _CONFIG.no_purchases_label
) -> pl.Expr:
    """Churn risk band from P(alive); customers without a P(alive) (no purchases) are labelled so."""
    return band(p_alive, bands, no_purchases)
