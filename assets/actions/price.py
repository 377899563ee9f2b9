"""Price sensitivity per segment: how much of what a segment buys is on offer or from the cheap end of the range.

A line is *on offer* when it was paid below its list price; its discount is 1 - paid / list. A line
is *low tier* when its unit price is in the cheapest third of its category's lines, so a segment
buying cheap books and dear electronics is judged against each category's own range.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

LOW_TIER_QUANTILE = 1 / 3
PRICE_SCHEMA: dict[str, pl.DataType] = {
    "segment_kind": pl.String,
    "segment": pl.String,
    "lines": pl.Int64,
    "lines_with_list_price": pl.Int64,
    "discounted_line_share": pl.Float64,
    "average_discount": pl.Float64,
    "low_tier_line_share": pl.Float64,
    "discounted_spend_share": pl.Float64,
}


def priced_lines(lines: pl.DataFrame) -> pl.DataFrame:
    """Lines (customer_id, category, unit_price_usd, list_price_usd, amount_usd) flagged on offer and low tier."""
    cut = pl.col("unit_price_usd").quantile(LOW_TIER_QUANTILE).over("category")
    has_list = pl.col("list_price_usd").is_not_null() & (pl.col("list_price_usd") > 0)
    return lines.with_columns(
        has_list.alias("has_list_price"),
        pl.when(has_list).then(pl.col("unit_price_usd") < pl.col("list_price_usd")).alias("is_discounted"),
        pl.when(has_list)
        .then((1 - pl.col("unit_price_usd") / pl.col("list_price_usd")).clip(lower_bound=0))
        .alias("discount"),
        (pl.col("unit_price_usd") <= cut).alias("is_low_tier"),
    )


def segment_price_sensitivity(lines: pl.DataFrame, segments: pl.DataFrame, kinds: Sequence[str]) -> pl.DataFrame:
    """Per segment of each kind: lines, share on offer, average discount of those, share low tier.

    Discount figures are null for a segment none of whose lines carries a list price.
    """
    flagged = priced_lines(lines)
    frames = []
    for kind in kinds:
        labelled = segments.select("customer_id", pl.col(kind).cast(pl.String).alias("segment")).drop_nulls()
        frames.append(
            flagged.join(labelled, on="customer_id", how="inner")
            .group_by("segment")
            .agg(
                pl.len().cast(pl.Int64).alias("lines"),
                pl.col("has_list_price").sum().cast(pl.Int64).alias("lines_with_list_price"),
                pl.col("is_discounted").mean().alias("discounted_line_share"),
                pl.col("discount").filter(pl.col("is_discounted")).mean().alias("average_discount"),
                pl.col("is_low_tier").mean().alias("low_tier_line_share"),
                (
                    pl.col("amount_usd").filter(pl.col("is_discounted")).sum()
                    / pl.col("amount_usd").filter(pl.col("has_list_price")).sum()
                ).alias("discounted_spend_share"),
            )
            .with_columns(pl.lit(kind).alias("segment_kind"))
        )
    if not frames:
        return pl.DataFrame(schema=PRICE_SCHEMA)
    return pl.concat(frames).select(list(PRICE_SCHEMA)).cast(PRICE_SCHEMA).sort("segment_kind", "segment")
