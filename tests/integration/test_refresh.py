"""A full refresh on generated data: assert on the rows it published."""

import pytest

from assets.segments.profiles import SEGMENT_KINDS
from assets.segments.rfm import RFM_SEGMENTS

pytestmark = pytest.mark.integration


def test_every_feed_row_is_loaded_or_quarantined(refreshed):
    rows = refreshed.query(
        """
        select log.feed, sum(log.rows_read), sum(log.rows_loaded), sum(log.rows_quarantined)
        from raw.load_log as log group by log.feed order by log.feed
        """
    )
    assert [feed for feed, *_ in rows] == ["purchases", "signups", "surveys"]
    for feed, read, loaded, quarantined in rows:
        assert read > 0
        assert read == loaded + quarantined
        assert loaded == refreshed.scalar(f"select count(*) from raw.{feed}")


def test_every_customer_has_exactly_one_rfm_segment(refreshed):
    customers = refreshed.scalar("select count(*) from marts.dim_customer_features")
    assert customers >= 2_000
    assert refreshed.scalar("select count(*) from segments.customer_segments") == customers
    assert refreshed.scalar("select count(distinct customer_id) from segments.customer_segments") == customers
    labels = {row[0] for row in refreshed.query("select distinct rfm_segment from segments.customer_segments")}
    assert labels <= set(RFM_SEGMENTS)
    assert refreshed.scalar("select count(*) from segments.customer_segments where rfm_segment is null") == 0
    # buyers are spread over several named segments, not lumped in one
    assert len(labels - {"No purchases"}) >= 6


def test_clv_columns_are_in_range(refreshed):
    p_min, p_max, purchases_min, clv_min, clv_total, buyers = refreshed.query(
        """
        select min(p_alive), max(p_alive), min(expected_purchases), min(clv_usd), sum(clv_usd),
               count(p_alive)
        from segments.customer_clv
        """
    )[0]
    assert 0 <= p_min <= p_max <= 1
    assert purchases_min >= 0
    assert clv_min >= 0
    assert clv_total > 0
    assert buyers == refreshed.scalar("select count(*) from marts.fct_customer_orders")
    prospects = refreshed.query(
        "select max(clv_usd), max(expected_purchases) from segments.customer_clv where p_alive is null"
    )[0]
    assert prospects == (0.0, 0.0)


def test_more_recent_frequent_buyers_are_more_likely_alive(refreshed):
    champions, lost = (
        refreshed.scalar(
            """
            select avg(c.p_alive) from segments.customer_clv c
            join segments.customer_segments s using (customer_id) where s.rfm_segment = ?
            """,
            [segment],
        )
        for segment in ("Champions", "Lost")
    )
    assert champions > lost


def test_profiles_add_up_to_the_customer_count(refreshed):
    customers = refreshed.scalar("select count(*) from segments.customer_segments")
    rows = refreshed.query(
        "select segment_kind, sum(customers), sum(customer_share), sum(revenue_share) "
        "from segments.segment_profiles group by segment_kind order by segment_kind"
    )
    assert {kind for kind, *_ in rows} == set(SEGMENT_KINDS)
    for _, total, share, revenue_share in rows:
        assert total == customers
        assert share == pytest.approx(1.0)
        assert revenue_share == pytest.approx(1.0)


def test_model_parameters_are_published(refreshed):
    rows = refreshed.query("select model, parameter, value, log_likelihood from segments.clv_model_parameters")
    models = {model for model, *_ in rows}
    assert "gamma_gamma" in models
    assert models & {"bgnbd", "pareto_nbd"}
    assert all(value > 0 for _, _, value, _ in rows)
    assert all(ll < 0 for *_, ll in rows)


def test_every_check_ran_and_passed(refreshed):
    evaluations = refreshed.result.get_asset_check_evaluations()
    names = {e.check_name for e in evaluations}
    assert {
        "customer_features_pass_expectations",
        "customer_clv_passes_expectations",
        "customer_segments_pass_expectations",
        "customer_segments_cover_every_customer",
        "segment_profiles_pass_expectations",
        "segment_profiles_add_up_to_customer_count",
        "raw_purchases_rows_are_conserved",
    } <= names
    # dbt tests surface as checks too
    assert any(name.startswith("unique_") for name in names)
    assert all(e.passed for e in evaluations)
