"""Demographic and geographic segments: age band, life stage, income band, education, place.

Each function returns polars expressions over `marts.dim_customer_features` columns, so the
caller selects them in one pass. A missing value gets the configured unknown label, never null.
"""

from __future__ import annotations

import polars as pl

from assets.segments.config import LifeStageRule, SegmentationConfig
from assets.segments.value import band


def age_band(config: SegmentationConfig) -> pl.Expr:
    return band(pl.col("age_years"), config.age_bands, config.unknown_label).alias("age_band")


def _matches(rule: LifeStageRule) -> pl.Expr:
    """True where a customer meets every condition of the rule; a missing field meets none."""
    condition = pl.lit(True)
    age = pl.col("age_years")
    if rule.min_age is not None:
        condition &= age >= rule.min_age
    if rule.below_age is not None:
        condition &= age < rule.below_age
    if rule.marital_statuses is not None:
        condition &= pl.col("marital_status").is_in(list(rule.marital_statuses)).fill_null(False)
    if rule.has_children is not None:
        children = pl.col("children_count")
        condition &= (children > 0 if rule.has_children else children == 0).fill_null(False)
    return condition


def life_stage(config: SegmentationConfig) -> pl.Expr:
    """The first matching rule's label; customers without an age are unknown."""
    expr = pl.when(pl.col("age_years").is_null()).then(pl.lit(config.unknown_label))
    for rule in config.life_stages:
        expr = expr.when(_matches(rule)).then(pl.lit(rule.label))
    return expr.otherwise(pl.lit(config.life_stage_fallback)).alias("life_stage")


def income_band(config: SegmentationConfig) -> pl.Expr:
    return band(pl.col("income_usd").cast(pl.Float64), config.income_bands, config.unknown_label).alias("income_band")


def education_level(config: SegmentationConfig) -> pl.Expr:
    """The configured label of the education value; an unlisted value is `other`, none is unknown."""
    raw = pl.col("education").str.strip_chars().str.to_lowercase()
    return (
        pl.when(raw.is_null() | (raw == ""))
        .then(pl.lit(config.unknown_label))
        .otherwise(raw.replace_strict(config.education_levels, default=pl.lit(OTHER_EDUCATION)))
        .alias("education_level")
    )


OTHER_EDUCATION = "other"


def _place(column: str, unknown: str) -> pl.Expr:
    value = pl.col(column).str.strip_chars()
    return pl.when(value.is_null() | (value == "")).then(pl.lit(unknown)).otherwise(value).alias(column)


def geography(config: SegmentationConfig) -> list[pl.Expr]:
    """Country and region as given (open vocabularies), urbanicity from the configured set."""
    urbanicity = pl.col("urbanicity").str.strip_chars().str.to_lowercase()
    return [
        _place("country", config.unknown_label),
        _place("region", config.unknown_label),
        pl.when(urbanicity.is_in(list(config.urbanicities)).fill_null(False))
        .then(urbanicity)
        .otherwise(pl.lit(config.unknown_label))
        .alias("urbanicity"),
    ]


def demographic_labels(config: SegmentationConfig) -> list[pl.Expr]:
    return [age_band(config), life_stage(config), income_band(config), education_level(config)]


def education_labels(config: SegmentationConfig) -> tuple[str, ...]:
    return (*dict.fromkeys(config.education_levels.values()), OTHER_EDUCATION, config.unknown_label)


def life_stage_labels(config: SegmentationConfig) -> tuple[str, ...]:
    rules = dict.fromkeys(rule.label for rule in config.life_stages)
    return (*rules, config.life_stage_fallback, config.unknown_label)
