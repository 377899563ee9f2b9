"""Segment history, transitions and share drift between published versions: pure polars functions.

``assignments`` turns the wide candidate (one column per segment kind) into the long form kept
in `segments.segment_history`: one row per customer, segment kind and published version.
"""

from collections.abc import Sequence
from datetime import datetime

import polars as pl

ASSIGNMENT_COLUMNS = ("version", "published_at", "customer_id", "segment_kind", "segment")
TRANSITION_COLUMNS = ("from_version", "to_version", "segment_kind", "from_segment", "to_segment", "customers")


def assignments(segments: pl.DataFrame, kinds: Sequence[str], version: int, published_at: datetime) -> pl.DataFrame:
    """One row per customer and segment kind (the kinds present among ``segments``' columns)."""
    present = [kind for kind in kinds if kind in segments.columns]
    return (
        segments.select("customer_id", *(pl.col(kind).cast(pl.String) for kind in present))
        .unpivot(index="customer_id", on=present, variable_name="segment_kind", value_name="segment")
        .with_columns(pl.lit(version, pl.Int64).alias("version"), pl.lit(published_at).alias("published_at"))
        .select(ASSIGNMENT_COLUMNS)
        .sort("segment_kind", "customer_id")
    )


def transitions(previous: pl.DataFrame, current: pl.DataFrame) -> pl.DataFrame:
    """Customers per (kind, from segment, to segment) between two versions' assignments.

    Staying in a segment counts as a transition to itself. A customer new in ``current`` has a
    null ``from_segment``; one no longer in ``current`` has a null ``to_segment``.
    """
    if current.is_empty():
        return pl.DataFrame(schema={c: _TRANSITION_TYPES[c] for c in TRANSITION_COLUMNS})
    from_version = previous["version"].max() if not previous.is_empty() else None
    to_version = current["version"].max()
    keys = ["customer_id", "segment_kind"]
    moved = previous.select(*keys, pl.col("segment").alias("from_segment")).join(
        current.select(*keys, pl.col("segment").alias("to_segment")), on=keys, how="full", coalesce=True
    )
    return (
        moved.group_by("segment_kind", "from_segment", "to_segment")
        .agg(pl.len().cast(pl.Int64).alias("customers"))
        .with_columns(
            pl.lit(from_version, pl.Int64).alias("from_version"), pl.lit(to_version, pl.Int64).alias("to_version")
        )
        .select(TRANSITION_COLUMNS)
        .sort("segment_kind", "from_segment", "to_segment", nulls_last=True)
    )


_TRANSITION_TYPES = {
    "from_version": pl.Int64,
    "to_version": pl.Int64,
    "segment_kind": pl.String,
    "from_segment": pl.String,
    "to_segment": pl.String,
    "customers": pl.Int64,
}


def segment_shares(segments: pl.DataFrame, kinds: Sequence[str]) -> pl.DataFrame:
    """Share of customers in each segment of each kind: segment_kind, segment, share."""
    long = assignments(segments, kinds, 0, datetime(1970, 1, 1))
    total = segments.height
    return (
        long.group_by("segment_kind", "segment")
        .agg((pl.len() / total if total else pl.lit(0.0)).alias("share"))
        .sort("segment_kind", "segment")
    )


def share_drift(previous: pl.DataFrame, current: pl.DataFrame) -> pl.DataFrame:
    """Change in share per segment, largest first; a segment missing on one side has share 0 there.

    Only kinds present in both versions are compared: a new kind of segment is not drift.
    """
    common = sorted(set(previous["segment_kind"]) & set(current["segment_kind"]))
    keys = ["segment_kind", "segment"]
    return (
        previous.filter(pl.col("segment_kind").is_in(common))
        .rename({"share": "previous_share"})
        .join(
            current.filter(pl.col("segment_kind").is_in(common)),
            on=keys,
            how="full",
            coalesce=True,
        )
        .with_columns(pl.col("previous_share", "share").fill_null(0.0))
        .with_columns((pl.col("share") - pl.col("previous_share")).abs().alias("share_change"))
        .sort("share_change", "segment_kind", "segment", descending=[True, False, False])
    )
