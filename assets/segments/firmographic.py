"""Firmographic segments of business customers: industry and employee-count band."""

from __future__ import annotations

import polars as pl

from assets.segments.config import SegmentationConfig
from assets.segments.value import band


def firmographic_labels(config: SegmentationConfig) -> list[pl.Expr]:
    """Industry (open vocabulary) and employee band; consumers get the not-B2B label in both."""
    business = pl.col("is_business_customer").fill_null(False)
    industry = pl.col("industry").str.strip_chars()
    return [
        pl.when(~business)
        .then(pl.lit(config.not_business_label))
        .when(industry.is_null() | (industry == ""))
        .then(pl.lit(config.unknown_label))
        .otherwise(industry)
        .alias("industry"),
        pl.when(~business)
        .then(pl.lit(config.not_business_label))
        .otherwise(band(pl.col("employee_count"), config.employee_bands, config.unknown_label))
        .alias("employee_band"),
    ]


def employee_band_labels(config: SegmentationConfig) -> tuple[str, ...]:
    return (*(b.label for b in config.employee_bands), config.unknown_label, config.not_business_label)
