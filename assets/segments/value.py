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


VALUE_BY_CLV = "expected lifetime value"
VALUE_BY_SPEND = "spend to date"
CHURN_BY_P_ALIVE = "P(alive)"
CHURN_BY_RECENCY = "days since the last purchase"


def value_bases(clv: pl.DataFrame) -> tuple[str, str]:
    """What value tiers and churn risk rest on in this refresh: the CLV model, or the fallback rules.

    A refresh whose data support no CLV (every `clv_usd` null) ranks value tiers by spend to date;
    one without any P(alive) bands churn risk by days since the last purchase.
    """
    value = VALUE_BY_SPEND if clv["clv_usd"].is_null().all() else VALUE_BY_CLV
    churn = CHURN_BY_RECENCY if "p_alive" in clv.columns and clv["p_alive"].is_null().all() else CHURN_BY_P_ALIVE
    return value, churn


def value_labels(features: pl.DataFrame, clv: pl.DataFrame, config: SegmentationConfig) -> pl.DataFrame:
    """customer_id, value_tier and churn_risk for every customer of ``features``, on the bases of ``value_bases``.

    ``features`` has customer_id, order_count, revenue_usd and recency_days; ``clv`` has
    customer_id, clv_usd and p_alive. A customer worth nothing (no CLV, no spend) is in the rest.
    """
    value_basis, churn_basis = value_bases(clv)
    joined = features.select("customer_id", "order_count", "revenue_usd", "recency_days").join(
        clv.select("customer_id", "clv_usd", "p_alive"), on="customer_id", how="left"
    )
    worth = pl.col("clv_usd") if value_basis == VALUE_BY_CLV else pl.col("revenue_usd").cast(pl.Float64)
    if churn_basis == CHURN_BY_P_ALIVE:
        risk = churn_risk(pl.col("p_alive"), config.churn_bands, config.no_purchases_label)
    else:
        bought = pl.col("order_count") > 0
        risk = band(pl.when(bought).then(pl.col("recency_days")), config.churn_recency_bands, config.no_purchases_label)
    # nothing of value is never a top tier (without it, no one having bought would tie everyone at the top)
    tier = value_tier(worth.fill_null(0.0), config.value_tiers, config.value_rest_label)
    return joined.select(
        "customer_id",
        pl.when(worth.fill_null(0.0) > 0).then(tier).otherwise(pl.lit(config.value_rest_label)).alias("value_tier"),
        risk.alias("churn_risk"),
    )
