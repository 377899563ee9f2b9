"""The feature matrix persona clustering runs on: demographic, behavioural and psychographic columns.

Values stay missing where the customer has none (no purchases: no behaviour; no survey: no
psychographics; no birth date: no age); the clustering leaves them out of that customer's
distances instead of guessing. Category and channel mixes come in as revenue and order shares,
since they separate shoppers far better than totals do.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from assets.segments.config import SegmentationConfig
from assets.segments.psychographic import score_column


@dataclass(frozen=True)
class Feature:
    column: str
    group: str  # one of config.FEATURE_GROUPS
    low: str  # phrase for a persona well below the average
    high: str  # phrase for a persona well above the average
    unit: str  # how to show a value: years, usd, share, count, score
    names_persona: bool = True  # a share's low side ("less garden") does not name a persona


@dataclass(frozen=True)
class FeatureMatrix:
    """One row per customer (sorted by customer_id): model inputs and the readable raw values."""

    customer_ids: pl.Series
    features: tuple[Feature, ...]
    values: np.ndarray  # model inputs (log of money), NaN where missing
    display: np.ndarray  # the same features in their own units, for descriptions


def _demographic(config: SegmentationConfig) -> list[tuple[Feature, pl.Expr, pl.Expr]]:
    education_rank = {level: float(i) for i, level in enumerate(config.education_levels)}
    urbanicity_rank = {u: float(i) for i, u in enumerate(config.urbanicities)}
    income = pl.col("income_usd").cast(pl.Float64).clip(lower_bound=0.0)
    married = (pl.col("marital_status").str.to_lowercase() == "married").cast(pl.Float64)
    education = pl.col("education").str.to_lowercase().replace_strict(education_rank, default=None)
    urbanicity = pl.col("urbanicity").str.to_lowercase().replace_strict(urbanicity_rank, default=None)
    first, last = (config.urbanicities[0], config.urbanicities[-1]) if config.urbanicities else ("", "")
    return [
        (Feature("age_years", "demographic", "younger", "older", "years"), pl.col("age_years").cast(pl.Float64), None),
        (Feature("income_usd", "demographic", "lower income", "higher income", "usd"), income.log1p(), income),
        (
            Feature("children_count", "demographic", "fewer children", "more children", "count"),
            pl.col("children_count").cast(pl.Float64),
            None,
        ),
        (Feature("married", "demographic", "mostly unmarried", "mostly married", "share"), married, None),
        (Feature("education_rank", "demographic", "less schooling", "more schooling", "rank"), education, None),
        (Feature("urbanicity_rank", "demographic", f"more {first}", f"more {last}", "rank"), urbanicity, None),
        (
            Feature("is_business", "demographic", "consumers", "business buyers", "share"),
            pl.col("is_business_customer").cast(pl.Float64),
            None,
        ),
    ]


def _mix(mix: pl.DataFrame, key: str, share: str, prefix: str) -> pl.DataFrame:
    """Wide shares per customer, one column per value of ``key``, clipped to 0..1 (returns can go negative)."""
    if mix.is_empty():
        return pl.DataFrame({"customer_id": []}, schema={"customer_id": pl.String})
    clean = mix.select(
        "customer_id",
        pl.col(key).fill_null("unknown").alias(key),
        pl.col(share).cast(pl.Float64).fill_null(0.0).fill_nan(0.0).clip(0.0, 1.0).alias(share),
    )
    wide = clean.pivot(on=key, index="customer_id", values=share, aggregate_function="sum").fill_null(0.0)
    return wide.rename({c: f"{prefix}{c}" for c in wide.columns if c != "customer_id"})


def _has_spread(column: np.ndarray) -> bool:
    observed = column[~np.isnan(column)]
    return observed.size > 1 and float(observed.max()) > float(observed.min())


def persona_features(
    features: pl.DataFrame, category_mix: pl.DataFrame, channel_mix: pl.DataFrame, config: SegmentationConfig
) -> FeatureMatrix:
    """Build the matrix from `dim_customer_features` and the category and channel mix marts.

    Columns with no observed value or no spread carry no information and are dropped.
    """
    categories = _mix(category_mix, "category", "revenue_share", "category_")
    channels = _mix(channel_mix, "channel", "order_share", "channel_")
    base = (
        features.join(categories, on="customer_id", how="left")
        .join(channels, on="customer_id", how="left")
        .sort("customer_id")
    )
    bought = pl.col("order_count") > 0
    specs = _demographic(config)
    for column in sorted(c for c in categories.columns if c != "customer_id"):
        name = column.removeprefix("category_")
        feature = Feature(column, "behavioural", f"less {name}", f"{name} buyers", "share", names_persona=False)
        specs.append((feature, pl.when(bought).then(pl.col(column).fill_null(0.0)), None))
    for column in sorted(c for c in channels.columns if c != "customer_id"):
        name = column.removeprefix("channel_")
        feature = Feature(column, "behavioural", f"less {name}", f"{name} orders", "share", names_persona=False)
        specs.append((feature, pl.when(bought).then(pl.col(column).fill_null(0.0)), None))
    aov = pl.col("avg_order_value_usd").cast(pl.Float64).clip(lower_bound=0.0)
    specs.append(
        (Feature("avg_order_value_usd", "behavioural", "smaller orders", "bigger orders", "usd"), aov.log1p(), aov)
    )
    items = pl.when(bought).then(pl.col("item_count").cast(pl.Float64) / pl.col("order_count"))
    specs.append(
        (
            Feature("items_per_order", "behavioural", "fewer items per order", "more items per order", "count"),
            items,
            None,
        )
    )
    for dimension in config.psychographic_groups:
        words = dimension.replace("interest_", "interest in ").replace("_", " ")
        column = score_column(dimension)
        if column in base.columns:
            feature = Feature(column, "psychographic", f"low {words}", f"high {words}", "score")
            specs.append((feature, pl.col(column).cast(pl.Float64), None))
    values = base.select([expr.alias(f.column) for f, expr, _ in specs]).to_numpy().astype(np.float64)
    display = (
        base.select([(shown if shown is not None else expr).alias(f.column) for f, expr, shown in specs])
        .to_numpy()
        .astype(np.float64)
    )
    informative = [i for i in range(values.shape[1]) if _has_spread(values[:, i])]
    return FeatureMatrix(
        customer_ids=base["customer_id"],
        features=tuple(specs[i][0] for i in informative),
        values=values[:, informative],
        display=display[:, informative],
    )
