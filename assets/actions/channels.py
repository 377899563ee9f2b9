"""Which channel works for which segment, and for which customer, from campaign responses.

A contact is one customer reached by one campaign on one channel. It *responded* when it was
clicked or converted, and *converted* when it was converted. Rates come with Wilson score
intervals, which stay inside 0-1 and are honest for small segments where the normal
approximation is not; the lift compares a segment's rate with the channel's rate over everyone.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

Z_95 = 1.959964
RESPONDED = ("clicked", "converted")
MIN_SEGMENT_CONTACTS = 30
"""Contacts a segment needs on a channel before that channel can be its best one."""

CHANNEL_RESPONSE_SCHEMA: dict[str, pl.DataType] = {
    "segment_kind": pl.String,
    "segment": pl.String,
    "channel": pl.String,
    "contacts": pl.Int64,
    "responses": pl.Int64,
    "conversions": pl.Int64,
    "response_rate": pl.Float64,
    "response_rate_low": pl.Float64,
    "response_rate_high": pl.Float64,
    "conversion_rate": pl.Float64,
    "conversion_rate_low": pl.Float64,
    "conversion_rate_high": pl.Float64,
    "channel_response_rate": pl.Float64,
    "channel_conversion_rate": pl.Float64,
    "response_lift": pl.Float64,
    "conversion_lift": pl.Float64,
    "has_enough_contacts": pl.Boolean,
}
BEST_CHANNEL_SCHEMA: dict[str, pl.DataType] = {
    "customer_id": pl.String,
    "best_channel": pl.String,
    "best_channel_basis": pl.String,
}


def wilson_interval(successes: pl.Expr, trials: pl.Expr, z: float = Z_95) -> tuple[pl.Expr, pl.Expr]:
    """Lower and upper bound of the Wilson score interval of successes / trials (null for 0 trials)."""
    n = trials.cast(pl.Float64)
    p = successes.cast(pl.Float64) / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * (p * (1 - p) / n + z**2 / (4 * n**2)).sqrt()
    guard = pl.when(trials > 0)
    return guard.then(centre - half), guard.then(centre + half)


def contacts(responses: pl.DataFrame) -> pl.DataFrame:
    """One row per customer, campaign and channel: whether it responded and whether it converted.

    Channels and outcomes are matched ignoring case and surrounding spaces.
    """
    outcome = pl.col("outcome").str.strip_chars().str.to_lowercase()
    return (
        responses.with_columns(pl.col("channel").str.strip_chars().str.to_lowercase())
        .group_by("customer_id", "campaign_id", "channel")
        .agg(
            outcome.is_in(RESPONDED).any().alias("responded"),
            (outcome == "converted").any().alias("converted"),
        )
        .sort("customer_id", "campaign_id", "channel")
    )


def segment_channel_response(
    contact_rows: pl.DataFrame,
    segments: pl.DataFrame,
    kinds: Sequence[str],
    *,
    min_contacts: int = MIN_SEGMENT_CONTACTS,
) -> pl.DataFrame:
    """Per segment of each kind and channel: contacts, responses, conversions, rates with 95% intervals, lift.

    Customers a kind leaves unlabelled (null) are left out of that kind. Lift is the segment's
    rate over the channel's rate among all contacts (null when the channel never responded).
    """
    channel = contact_rows.group_by("channel").agg(
        pl.col("responded").mean().alias("channel_response_rate"),
        pl.col("converted").mean().alias("channel_conversion_rate"),
    )
    frames = []
    for kind in kinds:
        labelled = segments.select("customer_id", pl.col(kind).cast(pl.String).alias("segment")).drop_nulls()
        frames.append(
            contact_rows.join(labelled, on="customer_id", how="inner")
            .group_by("segment", "channel")
            .agg(
                pl.len().cast(pl.Int64).alias("contacts"),
                pl.col("responded").sum().cast(pl.Int64).alias("responses"),
                pl.col("converted").sum().cast(pl.Int64).alias("conversions"),
            )
            .with_columns(pl.lit(kind).alias("segment_kind"))
        )
    if not frames:
        return pl.DataFrame(schema=CHANNEL_RESPONSE_SCHEMA)
    response_low, response_high = wilson_interval(pl.col("responses"), pl.col("contacts"))
    conversion_low, conversion_high = wilson_interval(pl.col("conversions"), pl.col("contacts"))
    return (
        pl.concat(frames)
        .join(channel, on="channel", how="left")
        .with_columns(
            (pl.col("responses") / pl.col("contacts")).alias("response_rate"),
            response_low.alias("response_rate_low"),
            response_high.alias("response_rate_high"),
            (pl.col("conversions") / pl.col("contacts")).alias("conversion_rate"),
            conversion_low.alias("conversion_rate_low"),
            conversion_high.alias("conversion_rate_high"),
        )
        .with_columns(
            _ratio("response_rate", "channel_response_rate").alias("response_lift"),
            _ratio("conversion_rate", "channel_conversion_rate").alias("conversion_lift"),
            (pl.col("contacts") >= min_contacts).alias("has_enough_contacts"),
        )
        .select(list(CHANNEL_RESPONSE_SCHEMA))
        .cast(CHANNEL_RESPONSE_SCHEMA)
        .sort("segment_kind", "segment", "channel")
    )


def _ratio(numerator: str, denominator: str) -> pl.Expr:
    return pl.when(pl.col(denominator) > 0).then(pl.col(numerator) / pl.col(denominator))


def segment_best_channels(table: pl.DataFrame, kind: str) -> pl.DataFrame:
    """Per segment of ``kind``: the channel with enough contacts whose response rate's lower bound is highest.

    Ranking by the lower bound prefers a channel whose rate is both high and well measured.
    Columns: segment, best_channel, best_response_rate (the rate that channel reached).
    """
    return (
        table.filter((pl.col("segment_kind") == kind) & pl.col("has_enough_contacts"))
        .sort("segment", "response_rate_low", "channel", descending=[False, True, False])
        .group_by("segment", maintain_order=True)
        .first()
        .select("segment", pl.col("channel").alias("best_channel"), pl.col("response_rate").alias("best_response_rate"))
    )
