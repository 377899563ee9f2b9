"""Value tiers by CLV and churn risk by P(alive), as pure polars functions."""

from __future__ import annotations

import polars as pl

from assets.segments.rfm import NO_PURCHASES

# (label, share of customers from the top): the first tier whose share covers a customer's rank.
VALUE_TIERS: tuple[tuple[str, float], ...] = (("Top 1%", 0.01), ("Top 10%", 0.10), ("Top 20%", 0.20))
REST_TIER = "Rest"
VALUE_TIER_LABELS: tuple[str, ...] = (*(label for label, _ in VALUE_TIERS), REST_TIER)

# (label, P(alive) below which it applies), checked in order.
CHURN_RISK_BANDS: tuple[tuple[str, float], ...] = (("High", 0.3), ("Medium", 0.7))
LOW_RISK = "Low"
CHURN_RISK_LABELS: tuple[str, ...] = (*(label for label, _ in CHURN_RISK_BANDS), LOW_RISK, NO_PURCHASES)


def value_tier(clv: pl.Expr) -> pl.Expr:
    """Tier by the customer's CLV rank from the top; ties share the better tier."""
    top_share = clv.rank(method="min", descending=True) / clv.count()
    expr = pl.when(pl.lit(False)).then(pl.lit(None, dtype=pl.String))
    for label, share in VALUE_TIERS:
        expr = expr.when(top_share <= share).then(pl.lit(label))
    return expr.otherwise(pl.lit(REST_TIER))


def churn_risk(p_alive: pl.Expr) -> pl.Expr:
    """Churn risk band from P(alive); customers without a P(alive) (no purchases) are labelled so."""
    expr = pl.when(p_alive.is_null()).then(pl.lit(NO_PURCHASES))
    for label, below in CHURN_RISK_BANDS:
        expr = expr.when(p_alive < below).then(pl.lit(label))
    return expr.otherwise(pl.lit(LOW_RISK))
