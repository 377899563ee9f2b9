"""Segments on the 2,000 generated customers of the shared refresh: coverage, labels, personas against the truth."""

import polars as pl
import pytest
from sklearn.metrics import adjusted_rand_score

from assets.segments.labels import LABEL_ORDER
from assets.segments.profiles import PROFILE_COLUMNS, SEGMENT_KINDS

pytestmark = pytest.mark.integration

MIN_PERSONA_ARI = 0.8


@pytest.fixture(scope="module")
def segments(refreshed) -> pl.DataFrame:
    columns = ", ".join(["customer_id", *LABEL_ORDER])
    rows = refreshed.query(f"select {columns} from candidate.customer_segments")
    return pl.DataFrame(rows, schema=["customer_id", *LABEL_ORDER], orient="row")


def test_every_customer_has_exactly_one_label_in_every_segment_column(refreshed, segments):
    customers = refreshed.scalar("select count(*) from marts.dim_customer_features")
    assert segments.height == customers
    assert segments["customer_id"].n_unique() == customers
    unlabelled = refreshed.scalar(
        "select count(*) from marts.dim_customer_features anti join candidate.customer_segments using (customer_id)"
    )
    assert unlabelled == 0
    for kind, allowed in SEGMENT_KINDS.items():
        assert segments[kind].null_count() == 0, kind
        if allowed is not None:
            assert set(segments[kind]) <= set(allowed), kind
        # a kind with one label for everybody would segment nothing
        assert segments[kind].n_unique() >= 2, kind


def test_personas_recover_the_planted_ones(refreshed, segments):
    truth = pl.read_parquet(refreshed.landing / "_truth" / "customers.parquet", columns=["customer_id", "persona"])
    paired = segments.select("customer_id", "persona").join(truth, on="customer_id", suffix="_planted")
    assert paired.height == segments.height
    ari = adjusted_rand_score(paired["persona_planted"].to_numpy(), paired["persona"].to_numpy())
    assert ari >= MIN_PERSONA_ARI, f"adjusted Rand index {ari:.3f}"


def test_customers_without_purchases_or_survey_answers_are_labelled_so(refreshed, segments):
    prospects = refreshed.query(
        """
        select s.rfm_segment, s.purchase_cadence, s.category_affinity, s.churn_risk, count(*)
        from candidate.customer_segments s join marts.dim_customer_features f using (customer_id)
        where f.order_count = 0 group by all
        """
    )
    assert [row[:4] for row in prospects] == [("No purchases",) * 4]
    unanswered = refreshed.query(
        """
        select distinct s.psychographic_group from candidate.customer_segments s
        join marts.dim_customer_features f using (customer_id) where not f.has_answered_survey
        """
    )
    assert unanswered == [("unknown",)]


def test_profiles_describe_every_segment_of_every_kind(refreshed, segments):
    columns = [row[0] for row in refreshed.query("describe candidate.segment_profiles")]
    assert columns == list(PROFILE_COLUMNS)
    rows = refreshed.query(
        "select segment_kind, sum(customers), count(*), count(description) from candidate.segment_profiles group by all"
    )
    assert {kind for kind, *_ in rows} == set(SEGMENT_KINDS)
    for kind, customers, segment_count, described in rows:
        assert customers == segments.height, kind
        assert segment_count == described == segments[kind].n_unique(), kind
    personas = refreshed.query(
        "select segment, top_categories, preferred_channel, description from candidate.segment_profiles "
        "where segment_kind = 'persona'"
    )
    for name, categories, channel, description in personas:
        assert categories and channel, name
        assert "Set apart by:" in description, name


def test_profile_metadata_has_segment_and_clv_charts(refreshed):
    [materialization] = refreshed.result.asset_materializations_for_node("candidate__segment_profiles")
    for chart in ("rfm_segment_sizes", "rfm_segment_avg_clv", "persona_sizes", "persona_avg_clv"):
        assert materialization.metadata[chart].value.startswith("![")
    [labels] = refreshed.result.asset_materializations_for_node("candidate__customer_segments")
    assert labels.metadata["persona_k"].value >= 2
