"""Audience exports: per chosen segment, the customers a campaign may contact (CSV and Parquet).

A selection names a segment kind (every segment of that kind) or one segment as
``kind:segment``, e.g. ``rfm_segment:At risk``. Only customers with marketing consent are
exported. Files for a version are written into a temporary folder and renamed into
``exports/v000042/`` at once, so a campaign tool never picks up half a set.
"""

import re
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

import polars as pl

from assets.ingest.pii import open_private

PRIVATE_FOLDER = 0o700
EXPORT_COLUMNS = (
    "customer_id",
    "email",
    "preferred_contact_channel",
    "best_channel",
    "segment_kind",
    "segment",
    "version",
)


def parse_selections(
    selections: Sequence[str], kinds: Mapping[str, Sequence[str] | None]
) -> list[tuple[str, str | None]]:
    """Check each selection against the segment kinds; (kind, segment or None for every segment)."""
    parsed = []
    for selection in selections:
        kind, _, segment = selection.partition(":")
        kind, segment = kind.strip(), segment.strip() or None
        if kind not in kinds:
            raise ValueError(
                f"audience export {selection!r}: unknown segment kind {kind!r}; valid kinds are {', '.join(kinds)}"
            )
        allowed = kinds[kind]
        if segment is not None and allowed is not None and segment not in allowed:
            raise ValueError(
                f"audience export {selection!r}: {kind} has no segment {segment!r}; valid: {', '.join(allowed)}"
            )
        parsed.append((kind, segment))
    return parsed


def audiences(
    segments: pl.DataFrame, contacts: pl.DataFrame, selections: Sequence[tuple[str, str | None]], version: int
) -> dict[tuple[str, str], pl.DataFrame]:
    """One frame per selected segment of the consenting customers in it, sorted by customer_id.

    ``contacts`` has customer_id, has_marketing_consent, email, preferred_contact_channel (what the
    customer asked for) and best_channel (what responds best, see `assets.actions.best_channel`). A
    selected segment without consenting customers gets an empty frame, so its files still exist.
    """
    consenting = contacts.filter(pl.col("has_marketing_consent").fill_null(False)).select(
        "customer_id", "email", "preferred_contact_channel", "best_channel"
    )
    frames: dict[tuple[str, str], pl.DataFrame] = {}
    for kind, segment in selections:
        names = [segment] if segment is not None else sorted(segments[kind].cast(pl.String).drop_nulls().unique())
        for name in names:
            members = segments.filter(pl.col(kind).cast(pl.String) == name).select("customer_id")
            frames[(kind, name)] = (
                members.join(consenting, on="customer_id", how="inner")
                .with_columns(
                    pl.lit(kind).alias("segment_kind"), pl.lit(name).alias("segment"), pl.lit(version).alias("version")
                )
                .select(EXPORT_COLUMNS)
                .sort("customer_id")
            )
    return frames


def file_stem(segment: str) -> str:
    """A file name for a segment label: 'Cannot lose them' -> 'cannot_lose_them'."""
    return re.sub(r"[^a-z0-9]+", "_", segment.lower()).strip("_") or "segment"


def write_exports(folder: Path, frames: Mapping[tuple[str, str], pl.DataFrame]) -> dict[str, int]:
    """Write ``<kind>/<segment>.csv`` and ``.parquet`` under ``folder`` in one rename; rows per file stem.

    The files hold email addresses: folders (0700) and files (0600) are owner-only from creation.
    """
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    folder.parent.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    partial.mkdir(mode=PRIVATE_FOLDER)
    written = {}
    for (kind, segment), frame in frames.items():
        target = partial / kind / file_stem(segment)
        target.parent.mkdir(mode=PRIVATE_FOLDER, exist_ok=True)
        with open_private(target.with_suffix(".csv")) as handle:
            frame.write_csv(handle)
        with open_private(target.with_suffix(".parquet")) as handle:
            frame.write_parquet(handle)
        written[f"{kind}/{file_stem(segment)}"] = frame.height
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)
    return written
