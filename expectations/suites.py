"""great-expectations suites, one function per suite, each returning an ExpectationSuite.

Importing this module imports great_expectations (several seconds), so the asset checks import
it only when they run, never when the Dagster definitions load.
"""

from __future__ import annotations

from collections.abc import Sequence

import great_expectations as gx
import great_expectations.expectations as gxe

from assets.clv.status import LOW_CONFIDENCE, MODELLED, UNAVAILABLE
from assets.ingest.bounds import MAX_AGE_YEARS

CLV_STATUSES = (MODELLED, LOW_CONFIDENCE, UNAVAILABLE)


def customer_features_suite(survey_score_columns: Sequence[str]) -> gx.ExpectationSuite:
    """One row per customer with plausible behaviour, demographics and 0..1 survey scores."""
    expectations = [
        gxe.ExpectColumnValuesToNotBeNull(column="customer_id"),
        gxe.ExpectColumnValuesToBeUnique(column="customer_id"),
        gxe.ExpectColumnValuesToBeBetween(column="order_count", min_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="revenue_usd", min_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="recency_days", min_value=0),
        # the loading bounds null other birth dates: the suite guards the pipeline's arithmetic, not the data
        gxe.ExpectColumnValuesToBeBetween(column="age_years", min_value=0, max_value=MAX_AGE_YEARS),
        gxe.ExpectColumnValuesToBeBetween(column="income_usd", min_value=0, max_value=10_000_000),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="tenure_days", column_B="recency_days", or_equal=True, ignore_row_if="either_value_is_missing"
        ),
    ]
    expectations += [
        gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0, max_value=1) for column in survey_score_columns
    ]
    return gx.ExpectationSuite(name="customer_features", expectations=expectations)


def customer_clv_suite(has_values: bool = True) -> gx.ExpectationSuite:
    """One row per customer; probabilities in 0..1 and expected values never negative.

    ``has_values`` is False when the CLV's status is `unavailable` (the data support no model):
    then every `clv_usd` must be null, never a 0 that reads as a finding.
    """
    expectations = [
        gxe.ExpectColumnValuesToNotBeNull(column="customer_id"),
        gxe.ExpectColumnValuesToBeUnique(column="customer_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="clv_status"),
        gxe.ExpectColumnValuesToBeInSet(column="clv_status", value_set=list(CLV_STATUSES)),
        gxe.ExpectColumnValuesToBeBetween(column="p_alive", min_value=0, max_value=1),
        gxe.ExpectColumnValuesToBeBetween(column="expected_purchases", min_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="expected_average_spend_usd", min_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="clv_usd", min_value=0),
    ]
    if has_values:
        expectations += [
            gxe.ExpectColumnValuesToNotBeNull(column="expected_purchases"),
            gxe.ExpectColumnValuesToNotBeNull(column="clv_usd"),
        ]
    else:
        expectations.append(gxe.ExpectColumnValuesToBeNull(column="clv_usd"))
    return gx.ExpectationSuite(name="customer_clv", expectations=expectations)


def customer_segments_suite(labels: dict[str, Sequence[str] | None]) -> gx.ExpectationSuite:
    """One row per customer with exactly one label per segment kind and scores 1..5.

    ``labels`` maps each label column to its allowed labels, or to None for an open vocabulary
    (any label, but never null).
    """
    expectations = [
        gxe.ExpectColumnValuesToNotBeNull(column="customer_id"),
        gxe.ExpectColumnValuesToBeUnique(column="customer_id"),
    ]
    for column in ("recency_score", "frequency_score", "monetary_score", "fm_score"):
        expectations.append(gxe.ExpectColumnValuesToBeBetween(column=column, min_value=1, max_value=5))
    for column, allowed in labels.items():
        expectations.append(gxe.ExpectColumnValuesToNotBeNull(column=column))
        if allowed is not None:
            expectations.append(gxe.ExpectColumnValuesToBeInSet(column=column, value_set=list(allowed)))
    return gx.ExpectationSuite(name="customer_segments", expectations=expectations)


def segment_profiles_suite() -> gx.ExpectationSuite:
    """One row per segment; sizes positive and shares in 0..1."""
    return gx.ExpectationSuite(
        name="segment_profiles",
        expectations=[
            gxe.ExpectCompoundColumnsToBeUnique(column_list=["segment_kind", "segment"]),
            gxe.ExpectColumnValuesToBeBetween(column="customers", min_value=1),
            gxe.ExpectColumnValuesToBeBetween(column="customer_share", min_value=0, max_value=1),
            gxe.ExpectColumnValuesToBeBetween(column="revenue_share", min_value=0, max_value=1),
            gxe.ExpectColumnValuesToNotBeNull(column="segment"),
            gxe.ExpectColumnValuesToBeBetween(column="total_clv_usd", min_value=0),
            gxe.ExpectColumnValuesToBeBetween(column="median_age_years", min_value=0, max_value=130),
            gxe.ExpectColumnValuesToNotBeNull(column="description"),
        ],
    )
