"""Psychographic groups from survey dimension scores.

dbt scores each codebook dimension 0..1 per customer (`survey_<dimension>_score`, reverse-scored
questions flipped). Each dimension is standardised over the customers who answered it, and a
customer's group is the configured name of their most pronounced dimension: what sets their
answers apart from other respondents. No dimension reaching `min_z` is the balanced group; no
answers at all is unknown, never a guess.
"""

from __future__ import annotations

import polars as pl

from assets.segments.config import SegmentationConfig


def score_column(dimension: str) -> str:
    return f"survey_{dimension}_score"


def check_dimensions(features: pl.DataFrame, config: SegmentationConfig) -> None:
    """Raise naming the configured dimension that the features have no score column for."""
    for dimension in config.psychographic_groups:
        if score_column(dimension) not in features.columns:
            available = sorted(c[len("survey_") : -len("_score")] for c in features.columns if c.startswith("survey_"))
            raise ValueError(
                f"segmentation.yaml: psychographic.groups.{dimension}: no column {score_column(dimension)} in "
                f"the customer features; the codebook's dimensions are {', '.join(available) or 'none'}"
            )


def _z_score(score: pl.Expr) -> pl.Expr:
    """Standardised over respondents; a dimension without spread (one respondent) scores 0."""
    z = ((score - score.mean()) / score.std()).fill_nan(0.0).fill_null(0.0)
    return pl.when(score.is_not_null()).then(z)


def psychographic_group(features: pl.DataFrame, config: SegmentationConfig) -> pl.Series:
    """One group label per row of ``features`` (in row order)."""
    check_dimensions(features, config)
    dimensions = list(config.psychographic_groups)
    if not dimensions:
        return pl.Series("psychographic_group", [config.unknown_label] * features.height, dtype=pl.String)
    z = features.select([_z_score(pl.col(score_column(d))).alias(d) for d in dimensions])
    # the first dimension with the highest z-score wins ties, as the configuration's order says
    strongest = z.select(
        pl.max_horizontal(dimensions).alias("top_z"),
        pl.coalesce([pl.when(pl.col(d) == pl.max_horizontal(dimensions)).then(pl.lit(d)) for d in dimensions]).alias(
            "dimension"
        ),
    )
    return strongest.select(
        pl.when(pl.col("top_z").is_null())
        .then(pl.lit(config.unknown_label))
        .when(pl.col("top_z") < config.psychographic_min_z)
        .then(pl.lit(config.psychographic_balanced_label))
        .otherwise(pl.col("dimension").replace_strict(config.psychographic_groups))
        .alias("psychographic_group")
    ).to_series()


def psychographic_labels(config: SegmentationConfig) -> tuple[str, ...]:
    groups = config.psychographic_groups.values()
    return (*groups, config.psychographic_balanced_label, config.unknown_label)
