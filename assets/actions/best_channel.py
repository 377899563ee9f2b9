"""Per customer, the channel to use: the customer's own, when the evidence says so, else the segment's.

A customer has a handful of contacts, so their own response rate is mostly noise. Their own
best channel wins only when the lower bound of its 95% Wilson interval beats the response rate of
their segment's best channel: the customer has shown, beyond chance, that it works better for
them. Otherwise the segment's best channel (of the chosen kind, persona by default) is used, and
for a segment without enough contacts, the best channel over all customers.
"""

from __future__ import annotations

import polars as pl

from assets.actions.channels import BEST_CHANNEL_SCHEMA, segment_best_channels, wilson_interval

DEFAULT_KIND = "persona"
OWN, SEGMENT, EVERYONE = "own responses", "segment", "all customers"


def customer_best_channels(
    contact_rows: pl.DataFrame, segments: pl.DataFrame, table: pl.DataFrame, kind: str = DEFAULT_KIND
) -> pl.DataFrame:
    """One row per customer of ``segments``: best_channel and best_channel_basis (own, segment, all).

    ``table`` is `segment_channel_response` of the same contacts. A customer with no evidence and
    no segment evidence, when no channel has any contact, gets a null channel.
    """
    overall = _overall_best(contact_rows)
    segment_best = segment_best_channels(table, kind)
    low, _ = wilson_interval(pl.col("responses"), pl.col("contacts"))
    own = (
        contact_rows.group_by("customer_id", "channel")
        .agg(pl.len().alias("contacts"), pl.col("responded").sum().alias("responses"))
        .with_columns(low.alias("own_low"))
        .sort("customer_id", "own_low", "channel", descending=[False, True, False])
        .group_by("customer_id", maintain_order=True)
        .first()
        .select("customer_id", pl.col("channel").alias("own_channel"), "own_low")
    )
    frame = (
        segments.select("customer_id", pl.col(kind).cast(pl.String).alias("segment"))
        .join(segment_best, on="segment", how="left")
        .join(own, on="customer_id", how="left")
    )
    if overall is not None:
        frame = frame.with_columns(
            pl.col("best_response_rate").fill_null(overall[1]),
            pl.when(pl.col("best_channel").is_null()).then(pl.lit(EVERYONE)).otherwise(pl.lit(SEGMENT)).alias("basis"),
            pl.col("best_channel").fill_null(pl.lit(overall[0])),
        )
    else:
        frame = frame.with_columns(pl.when(pl.col("best_channel").is_not_null()).then(pl.lit(SEGMENT)).alias("basis"))
    own_wins = pl.col("own_low").is_not_null() & (
        pl.col("best_response_rate").is_null() | (pl.col("own_low") > pl.col("best_response_rate"))
    )
    return (
        frame.select(
            "customer_id",
            pl.when(own_wins).then(pl.col("own_channel")).otherwise(pl.col("best_channel")).alias("best_channel"),
            pl.when(own_wins).then(pl.lit(OWN)).otherwise(pl.col("basis")).alias("best_channel_basis"),
        )
        .cast(BEST_CHANNEL_SCHEMA)
        .sort("customer_id")
    )


def _overall_best(contact_rows: pl.DataFrame) -> tuple[str, float] | None:
    """The channel whose response rate over everyone has the highest lower bound, and that rate."""
    low, _ = wilson_interval(pl.col("responses"), pl.col("contacts"))
    ranked = (
        contact_rows.group_by("channel")
        .agg(pl.len().alias("contacts"), pl.col("responded").sum().alias("responses"))
        .with_columns(low.alias("low"), (pl.col("responses") / pl.col("contacts")).alias("rate"))
        .sort("low", "channel", descending=[True, False])
    )
    return (ranked["channel"][0], float(ranked["rate"][0])) if ranked.height else None
