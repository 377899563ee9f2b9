"""Prospect assets: a first-purchase probability per sign-up without purchases, and the model's hold-out figures."""

import dagster as dg

from assets.actions.prospects import SCORE_SCHEMA, evaluate, labelled_signups, score_prospects
from assets.actions.status import Status, record_status
from assets.clv.assets import CANDIDATE_SCHEMA
from assets.features.dbt import CUSTOMER_FEATURES
from assets.ingest.assets import OWNER, WAREHOUSE_POOL
from assets.metadata import frame_metadata
from assets.warehouse import read_table, replace_table
from orchestration.resources import Warehouse

PROSPECT_SCORES = dg.AssetKey([CANDIDATE_SCHEMA, "prospect_scores"])
PROSPECT_MODEL = dg.AssetKey([CANDIDATE_SCHEMA, "prospect_model"])
CAPABILITY = "prospects"


class ProspectConfig(dg.Config):
    """How far ahead a prospect's first purchase is predicted."""

    horizon_days: int = 30


def _spec(key: dg.AssetKey, description: str) -> dg.AssetSpec:
    return dg.AssetSpec(
        key,
        deps=[CUSTOMER_FEATURES],
        description=description,
        group_name="actions",
        kinds={"scikitlearn", "polars", "duckdb"},
        owners=[OWNER],
    )


@dg.multi_asset(
    specs=[
        _spec(
            PROSPECT_SCORES,
            "One row per sign-up who has not bought: the probability of a first purchase within the horizon and "
            "the `prospect` segment (Likely, Possible, Unlikely buyer: thirds by that probability).",
        ),
        _spec(
            PROSPECT_MODEL,
            "One row: the horizon, sign-ups trained on and held out, their conversion share, and the hold-out AUC "
            "of the model against the acquisition-channel baseline.",
        ),
    ],
    pool=WAREHOUSE_POOL,
)
def prospects(context: dg.AssetExecutionContext, config: ProspectConfig, warehouse: Warehouse):
    """Fit on sign-ups whose horizon has passed, evaluate on the latest of them, score the current prospects."""
    with warehouse.connect(read_only=True) as con:
        features = read_table(con, "marts", "dim_customer_features")
    labelled = labelled_signups(features, config.horizon_days)
    model = evaluate(labelled, config.horizon_days)
    scores = score_prospects(features, labelled)
    status = _status(model, scores.height)
    with warehouse.connect() as con:
        replace_table(con, CANDIDATE_SCHEMA, "prospect_scores", scores.cast(SCORE_SCHEMA))
        replace_table(con, CANDIDATE_SCHEMA, "prospect_model", model.frame())
        record_status(con, CANDIDATE_SCHEMA, status)
    context.log.info(f"prospects: {status.status}: {status.reason}")
    words = {"status": status.status, "reason": status.reason}
    yield dg.MaterializeResult(
        asset_key=PROSPECT_SCORES, metadata={**frame_metadata(scores, table="candidate.prospect_scores"), **words}
    )
    yield dg.MaterializeResult(
        asset_key=PROSPECT_MODEL,
        metadata={**frame_metadata(model.frame(), table="candidate.prospect_model"), **words},
    )


def _status(model, prospects: int) -> Status:
    if model.auc is None:
        return Status.unavailable(
            CAPABILITY,
            "prospect_scores",
            f"Not enough history: the model needs sign-ups older than {model.horizon_days} days, some who bought "
            "within that time and some who did not.",
        )
    verdict = "better than" if model.auc > (model.baseline_auc or 0.5) else "no better than"
    return Status.ready(
        CAPABILITY,
        "prospect_scores",
        prospects,
        f"{prospects} sign-ups without a purchase scored. On the latest {model.holdout_signups} sign-ups the model "
        f"ranked buyers above non-buyers {model.auc:.0%} of the time, {verdict} the acquisition channel alone "
        f"({(model.baseline_auc or 0.5):.0%}).",
    )
