"""Prospects: labels from the horizon, hold-out AUC against the channel baseline, scores and thirds."""

from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from assets.actions.prospects import LABELS, evaluate, labelled_signups, score_prospects
from sample_data import generate_feeds

AS_OF = date(2026, 6, 30)


def features_from_feeds(landing: Path) -> pl.DataFrame:
    """The columns of `marts.dim_customer_features` the prospect model reads, built from the sample feeds."""
    signups = pl.read_csv(landing / "signups" / "*.csv", try_parse_dates=True, infer_schema_length=None)
    first = (
        pl.read_csv(landing / "purchases" / "*.csv", try_parse_dates=True)
        .group_by("customer_id")
        .agg(pl.col("ordered_at").min().alias("first_ordered_at"))
    )
    return signups.join(first, on="customer_id", how="left").select(
        "customer_id",
        pl.lit(True).alias("has_signed_up"),
        pl.col("signed_up_at").alias("first_signed_up_at"),
        "first_ordered_at",
        pl.lit(AS_OF).alias("as_of_date"),
        ((pl.lit(AS_OF) - pl.col("birth_date")).dt.total_days() / 365.25).alias("age_years"),
        pl.col("children").alias("children_count"),
        pl.col("income").alias("income_usd"),
        "employee_count",
        pl.col("marketing_consent").alias("has_marketing_consent"),
        pl.col("company").is_not_null().alias("is_business_customer"),
        "gender",
        "marital_status",
        "education",
        "urbanicity",
        "acquisition_channel",
        "country",
    )


def test_a_sign_up_converts_when_it_bought_within_the_horizon_and_counts_once_the_horizon_passed():
    frame = pl.DataFrame(
        {
            "customer_id": ["early", "late", "never", "recent"],
            "has_signed_up": [True, True, True, True],
            "first_signed_up_at": [datetime(2026, 1, 1)] * 3 + [datetime(2026, 6, 20)],
            "first_ordered_at": [datetime(2026, 1, 20), datetime(2026, 3, 1), None, None],
            "as_of_date": [date(2026, 6, 30)] * 4,
        }
    )
    labelled = labelled_signups(frame, horizon_days=30)
    assert dict(labelled.select("customer_id", "converted").rows()) == {"early": True, "late": False, "never": False}


@pytest.fixture(scope="module")
def features(tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    landing = tmp_path_factory.mktemp("prospects") / "landing"
    generate_feeds(landing, customers=12_000, seed=3, as_of=AS_OF, progress=False)
    return features_from_feeds(landing)


def test_the_model_beats_the_acquisition_channel_baseline_on_the_latest_sign_ups(features: pl.DataFrame):
    """Measured: AUC 0.635 against 0.503 on 2,996 held-out sign-ups (8,987 trained on, 94.6% converted)."""
    model = evaluate(labelled_signups(features, horizon_days=30), horizon_days=30)
    assert model.holdout_signups > 2_500 and 0.85 < model.converted_share < 0.99
    assert model.auc is not None and model.baseline_auc is not None
    assert model.auc >= model.baseline_auc + 0.03, (model.auc, model.baseline_auc)


def test_every_sign_up_without_a_purchase_is_scored_and_split_into_thirds(features: pl.DataFrame):
    scores = score_prospects(features, labelled_signups(features, horizon_days=30))
    assert scores.height == features.filter(pl.col("first_ordered_at").is_null()).height > 100
    assert scores["purchase_probability"].is_between(0, 1).all()
    sizes = dict(scores["prospect"].value_counts().rows())
    assert set(sizes) == set(LABELS) and max(sizes.values()) - min(sizes.values()) <= 1
    means = scores.group_by("prospect").agg(pl.col("purchase_probability").mean())
    ordered = dict(means.rows())
    assert ordered["Likely buyer"] > ordered["Possible buyer"] > ordered["Unlikely buyer"]
