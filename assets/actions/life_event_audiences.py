"""Audiences of life changes: per new life stage, the consenting customers who entered it since the last version."""

import polars as pl

from assets.publish.exports import EXPORT_COLUMNS

AUDIENCE_KIND = "life_event"


def life_event_audiences(
    events: pl.DataFrame, contacts: pl.DataFrame, version: int
) -> dict[tuple[str, str], pl.DataFrame]:
    """One frame per life-stage event new since the last version ('became Young family'), consenting customers only.

    ``contacts`` is the frame audience exports use (customer_id, has_marketing_consent, email,
    preferred_contact_channel, best_channel).
    """
    new = events.filter(pl.col("is_new_since_last_version") & (pl.col("field") == "life_stage"))
    consenting = contacts.filter(pl.col("has_marketing_consent").fill_null(False))
    frames = {}
    for event in sorted(new["event"].unique().to_list()):
        members = new.filter(pl.col("event") == event).select("customer_id").unique()
        frames[(AUDIENCE_KIND, event)] = (
            members.join(consenting, on="customer_id", how="inner")
            .with_columns(
                pl.lit(AUDIENCE_KIND).alias("segment_kind"),
                pl.lit(event).alias("segment"),
                pl.lit(version).alias("version"),
            )
            .select(EXPORT_COLUMNS)
            .sort("customer_id")
        )
    return frames
