"""Life changes: what changed in a customer's profile from one version to the next.

The profile history is the dbt snapshot of sign-up records (one row per customer and version).
Consecutive versions are compared on life stage, marital status, children, income band and
location; the life stage and income band use the segment rules, with age taken at the newer
version for both sides, so that turning a year older alone is no life event. Location is compared
at region and country: the city is never published.
"""

from __future__ import annotations

import polars as pl

from assets.segments.config import SegmentationConfig
from assets.segments.demographic import income_band, life_stage

FIELDS = ("life_stage", "marital_status", "children", "income_band", "location")
EVENT_SCHEMA: dict[str, pl.DataType] = {
    "customer_id": pl.String,
    "changed_at": pl.Datetime("us"),
    "field": pl.String,
    "from_value": pl.String,
    "to_value": pl.String,
    "event": pl.String,
}


def _labels(versions: pl.DataFrame, config: SegmentationConfig, age_at: pl.Expr) -> pl.DataFrame:
    """Each version's comparable values, with ages taken at ``age_at``."""
    aged = versions.with_columns(
        ((age_at.cast(pl.Date) - pl.col("birth_date")).dt.total_days() / 365.25).alias("age_years")
    )
    return aged.select(
        life_stage(config),
        pl.col("marital_status").cast(pl.String),
        pl.col("children_count").cast(pl.String).alias("children"),
        income_band(config),
        pl.concat_str(pl.col("region").fill_null("?"), pl.col("country").fill_null("?"), separator=", ").alias(
            "location"
        ),
    )


def life_events(versions: pl.DataFrame, config: SegmentationConfig) -> pl.DataFrame:
    """One row per customer, version change and changed field, with a plain-words event.

    ``versions`` has customer_id, valid_from, birth_date, marital_status, children_count,
    income_usd, region and country. A field unknown on either side is no event.
    """
    ordered = versions.sort("customer_id", "valid_from")
    previous = ordered.select(pl.all().shift(1).over("customer_id"))
    is_change = previous["customer_id"].is_not_null()
    newer, older = ordered.filter(is_change), previous.filter(is_change)
    after = _labels(newer, config, pl.col("valid_from"))
    before = _labels(older.with_columns(newer["valid_from"].alias("valid_from")), config, pl.col("valid_from"))
    frames = [
        pl.DataFrame(
            {
                "customer_id": newer["customer_id"],
                "changed_at": newer["valid_from"],
                "field": field,
                "from_value": before[field],
                "to_value": after[field],
            }
        )
        for field in FIELDS
    ]
    if not frames or newer.is_empty():
        return pl.DataFrame(schema=EVENT_SCHEMA)
    unknown = config.unknown_label
    return (
        pl.concat(frames)
        .filter(
            pl.col("from_value").is_not_null()
            & pl.col("to_value").is_not_null()
            & (pl.col("from_value") != pl.col("to_value"))
            & ~pl.col("from_value").is_in([unknown])
            & ~pl.col("to_value").is_in([unknown])
        )
        .with_columns(_event().alias("event"))
        .select(list(EVENT_SCHEMA))
        .cast(EVENT_SCHEMA)
        .sort("customer_id", "changed_at", "field")
    )


def _event() -> pl.Expr:
    """Words for the change: 'became Young family', 'moved to Bavaria, Germany', 'children: 0 to 1'."""
    field, to = pl.col("field"), pl.col("to_value")
    return (
        pl.when(field == "life_stage")
        .then(pl.lit("became ") + to)
        .when(field == "location")
        .then(pl.lit("moved to ") + to)
        .when(field == "marital_status")
        .then(pl.lit("now ") + to)
        .otherwise(field.str.replace("_", " ") + pl.lit(": ") + pl.col("from_value") + pl.lit(" to ") + to)
    )
