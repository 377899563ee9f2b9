"""Audiences from the action tables, exported beside the segment audiences (consenting customers only).

- ``life_event/<event>``: customers whose life stage changed since the last version ('became Young family');
- ``prospect/<label>``: sign-ups without a purchase, by prospect segment (Likely, Possible, Unlikely buyer).
"""

import polars as pl

from assets.publish.exports import EXPORT_COLUMNS

LIFE_EVENT_KIND = "life_event"
PROSPECT_KIND = "prospect"


def _audience(members: pl.DataFrame, consenting: pl.DataFrame, kind: str, name: str, version: int) -> pl.DataFrame:
    return (
        members.join(consenting, on="customer_id", how="inner")
        .with_columns(
            pl.lit(kind).alias("segment_kind"), pl.lit(name).alias("segment"), pl.lit(version).alias("version")
        )
        .select(EXPORT_COLUMNS)
        .sort("customer_id")
    )


def _consenting(contacts: pl.DataFrame) -> pl.DataFrame:
    return contacts.filter(pl.col("has_marketing_consent").fill_null(False))


def life_event_audiences(
    events: pl.DataFrame, contacts: pl.DataFrame, version: int
) -> dict[tuple[str, str], pl.DataFrame]:
    """One frame per life-stage event new since the last version.

    ``contacts`` is the frame audience exports use (customer_id, has_marketing_consent, email,
    preferred_contact_channel, best_channel).
    """
    new = events.filter(pl.col("is_new_since_last_version") & (pl.col("field") == "life_stage"))
    consenting = _consenting(contacts)
    return {
        (LIFE_EVENT_KIND, event): _audience(
            new.filter(pl.col("event") == event).select("customer_id").unique(),
            consenting,
            LIFE_EVENT_KIND,
            event,
            version,
        )
        for event in sorted(new["event"].unique().to_list())
    }


def prospect_audiences(
    scores: pl.DataFrame, contacts: pl.DataFrame, version: int
) -> dict[tuple[str, str], pl.DataFrame]:
    """One frame per prospect segment present in ``scores`` (customer_id, prospect)."""
    consenting = _consenting(contacts)
    return {
        (PROSPECT_KIND, label): _audience(
            scores.filter(pl.col("prospect") == label).select("customer_id"), consenting, PROSPECT_KIND, label, version
        )
        for label in sorted(scores["prospect"].unique().to_list())
    }
