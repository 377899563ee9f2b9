"""Every segment label per customer, as one pure function over the feature and CLV frames."""

from __future__ import annotations

import polars as pl

from assets.segments.behaviour import behaviour_labels
from assets.segments.config import SegmentationConfig
from assets.segments.demographic import demographic_labels, geography
from assets.segments.firmographic import firmographic_labels
from assets.segments.persona import PersonaFit, assign_personas
from assets.segments.persona_features import persona_features
from assets.segments.psychographic import psychographic_group
from assets.segments.rfm import rfm_scores
from assets.segments.value import value_labels

RFM_COLUMNS = ("customer_id", "order_count", "recency_days", "repeat_purchase_day_count", "revenue_usd")
LABEL_ORDER = (
    "age_band",
    "life_stage",
    "income_band",
    "education_level",
    "country",
    "region",
    "urbanicity",
    "psychographic_group",
    "rfm_segment",
    "category_affinity",
    "preferred_channel",
    "purchase_cadence",
    "industry",
    "employee_band",
    "value_tier",
    "churn_risk",
    "persona",
)
SCORE_COLUMNS = ("recency_score", "frequency_score", "monetary_score", "fm_score")


def label_customers(
    features: pl.DataFrame,
    clv: pl.DataFrame,
    category_mix: pl.DataFrame,
    channel_mix: pl.DataFrame,
    config: SegmentationConfig,
) -> tuple[pl.DataFrame, pl.DataFrame, PersonaFit]:
    """One row per customer of ``features``: customer_id, RFM scores and one label per segment kind.

    Returns the labels (sorted by customer_id), the personas (persona, description) and the
    persona fit (chosen k and silhouettes).
    """
    features = features.sort("customer_id")
    descriptive = features.select(
        "customer_id",
        *demographic_labels(config),
        *geography(config),
        *behaviour_labels(config),
        *firmographic_labels(config),
    ).with_columns(psychographic_group(features, config))
    rfm = rfm_scores(features.select(RFM_COLUMNS), config.rfm_rules, config.no_purchases_label)
    value = value_labels(features, clv, config)
    personas, described, fit = assign_personas(
        persona_features(features, category_mix, channel_mix, config), config.persona
    )
    labels = (
        descriptive.join(rfm, on="customer_id", how="left")
        .join(value, on="customer_id", how="left")
        .join(personas, on="customer_id", how="left")
        .select("customer_id", *SCORE_COLUMNS, *LABEL_ORDER)
        .sort("customer_id")
    )
    return labels, described, fit
