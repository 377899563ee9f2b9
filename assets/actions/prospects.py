"""Prospects: sign-ups who have not bought yet, scored by how likely a first purchase within a horizon is.

The model learns from earlier sign-ups, whose horizon has passed: did they buy within it? It sees
only what is known at sign-up (profile, acquisition channel, consent), so a new sign-up is scored
on the same footing. Its worth is measured on the latest quarter of those sign-ups, held out,
against the baseline a marketer would use: the conversion rate of the sign-up's acquisition channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import polars as pl
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

NUMERIC = ("age_years", "children_count", "income_usd", "employee_count")
FLAGS = ("has_marketing_consent", "is_business_customer")
CATEGORICAL = ("gender", "marital_status", "education", "urbanicity", "acquisition_channel", "country")
HOLDOUT_SHARE = 0.25
LABELS = ("Likely buyer", "Possible buyer", "Unlikely buyer")
SCORE_SCHEMA: dict[str, pl.DataType] = {
    "customer_id": pl.String,
    "signed_up_at": pl.Datetime("us"),
    "purchase_probability": pl.Float64,
    "prospect": pl.String,
}


@dataclass(frozen=True)
class ProspectModel:
    """The hold-out evaluation: AUC of the model and of the channel baseline on the latest sign-ups."""

    horizon_days: int
    trained_signups: int
    holdout_signups: int
    converted_share: float
    auc: float | None
    baseline_auc: float | None

    def frame(self) -> pl.DataFrame:
        return pl.DataFrame(
            [self.__dict__],
            schema={
                "horizon_days": pl.Int64,
                "trained_signups": pl.Int64,
                "holdout_signups": pl.Int64,
                "converted_share": pl.Float64,
                "auc": pl.Float64,
                "baseline_auc": pl.Float64,
            },
        )


def labelled_signups(features: pl.DataFrame, horizon_days: int) -> pl.DataFrame:
    """Sign-ups whose horizon has passed by the as-of date, with `converted`: bought within the horizon."""
    horizon = timedelta(days=horizon_days)
    return (
        features.filter(
            pl.col("has_signed_up") & (pl.col("first_signed_up_at") + horizon <= pl.col("as_of_date").cast(pl.Datetime))
        )
        .with_columns(
            (
                pl.col("first_ordered_at").is_not_null()
                & (pl.col("first_ordered_at") <= pl.col("first_signed_up_at") + horizon)
            ).alias("converted")
        )
        .sort("first_signed_up_at", "customer_id")
    )


def _pipeline() -> Pipeline:
    numeric = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    categorical = make_pipeline(
        SimpleImputer(strategy="constant", fill_value="unknown"), OneHotEncoder(handle_unknown="ignore")
    )
    columns = ColumnTransformer(
        [("numeric", numeric, [*NUMERIC, *FLAGS]), ("categorical", categorical, list(CATEGORICAL))]
    )
    return make_pipeline(columns, LogisticRegression(max_iter=1000, C=1.0))


def _inputs(frame: pl.DataFrame):
    """The model's input as pandas (scikit-learn's column transformer selects columns by name)."""
    casts = [pl.col(c).cast(pl.Float64) for c in (*NUMERIC, *FLAGS)] + [pl.col(c).cast(pl.String) for c in CATEGORICAL]
    return frame.select(casts).to_pandas()


def _channel_rates(train: pl.DataFrame, other: pl.DataFrame) -> np.ndarray:
    """The baseline score: the training conversion rate of each sign-up's acquisition channel."""
    rates = train.group_by("acquisition_channel").agg(pl.col("converted").mean().alias("rate"))
    overall = float(train["converted"].mean())
    return (
        other.join(rates, on="acquisition_channel", how="left", maintain_order="left")["rate"]
        .fill_null(overall)
        .to_numpy()
    )


def _auc(truth: np.ndarray, score: np.ndarray) -> float | None:
    return float(roc_auc_score(truth, score)) if len(np.unique(truth)) == 2 else None


def evaluate(labelled: pl.DataFrame, horizon_days: int) -> ProspectModel:
    """Fit on the earlier sign-ups, score the latest `HOLDOUT_SHARE`, and compare AUCs with the baseline."""
    cut = int(labelled.height * (1 - HOLDOUT_SHARE))
    train, test = labelled.head(cut), labelled.slice(cut)
    auc = baseline = None
    if train["converted"].n_unique() == 2 and test.height:
        model = _pipeline().fit(_inputs(train), train["converted"].to_numpy())
        truth = test["converted"].to_numpy()
        auc = _auc(truth, model.predict_proba(_inputs(test))[:, 1])
        baseline = _auc(truth, _channel_rates(train, test))
    return ProspectModel(
        horizon_days, train.height, test.height, float(labelled["converted"].mean() or 0), auc, baseline
    )


def score_prospects(features: pl.DataFrame, labelled: pl.DataFrame) -> pl.DataFrame:
    """Every sign-up without a purchase, with a first-purchase probability from a model fitted on all of ``labelled``.

    Prospects are split into thirds by that probability: Likely, Possible and Unlikely buyer.
    """
    prospects = features.filter(pl.col("has_signed_up") & pl.col("first_ordered_at").is_null())
    if prospects.is_empty() or labelled["converted"].n_unique() < 2:
        return pl.DataFrame(schema=SCORE_SCHEMA)
    model = _pipeline().fit(_inputs(labelled), labelled["converted"].to_numpy())
    probability = model.predict_proba(_inputs(prospects))[:, 1]
    third = pl.Series(probability).rank("ordinal", descending=True).to_numpy() - 1
    band = np.minimum(third * len(LABELS) // len(probability), len(LABELS) - 1)
    return (
        prospects.select("customer_id", pl.col("first_signed_up_at").alias("signed_up_at"))
        .with_columns(pl.Series("purchase_probability", probability), pl.Series("prospect", np.array(LABELS)[band]))
        .cast(SCORE_SCHEMA)
        .sort("customer_id")
    )
