"""A full refresh on generated data: assert on the rows it published, read the way analysts read them."""

import json
from pathlib import Path

import duckdb
import polars as pl
import pytest

from assets.publish.log import read_log
from assets.publish.store import PublishedStore
from assets.segments.profiles import SEGMENT_KINDS

pytestmark = pytest.mark.integration

ANALYST_TABLES = {
    "customer_segments",
    "customer_clv",
    "segment_profiles",
    "clv_model_parameters",
    "clv_backtest",
    "segment_history",
    "segment_transitions",
    "publication",
    "publish_log",
}


class Published:
    """Queries on the published file, opened read-only as docs/analysts.md tells analysts to."""

    def __init__(self, warehouse: Path) -> None:
        self.store = PublishedStore.beside(warehouse)

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        con = duckdb.connect(str(self.store.current), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def scalar(self, sql: str, params: list | None = None):
        return self.query(sql, params)[0][0]


@pytest.fixture(scope="module")
def published(refreshed) -> Published:
    return Published(refreshed.warehouse)


def test_every_feed_row_is_loaded_or_quarantined(refreshed):
    rows = refreshed.query(
        """
        select log.feed, sum(log.rows_read), sum(log.rows_loaded), sum(log.rows_quarantined)
        from raw.load_log as log group by log.feed order by log.feed
        """
    )
    assert [feed for feed, *_ in rows] == ["campaign_responses", "purchases", "signups", "surveys"]
    for feed, read, loaded, quarantined in rows:
        assert read > 0
        assert read == loaded + quarantined
        assert loaded == refreshed.scalar(f"select count(*) from raw.{feed}")


def test_every_customer_has_exactly_one_rfm_segment(refreshed, published):
    customers = refreshed.scalar("select count(*) from marts.dim_customer_features")
    assert customers >= 2_000
    assert published.scalar("select count(*) from segments.customer_segments") == customers
    assert published.scalar("select count(distinct customer_id) from segments.customer_segments") == customers
    labels = {row[0] for row in published.query("select distinct rfm_segment from segments.customer_segments")}
    assert labels <= set(SEGMENT_KINDS["rfm_segment"])
    assert published.scalar("select count(*) from segments.customer_segments where rfm_segment is null") == 0
    # buyers are spread over several named segments, not lumped in one
    assert len(labels - {"No purchases"}) >= 6


def test_clv_columns_are_in_range(refreshed, published):
    p_min, p_max, purchases_min, clv_min, clv_total, buyers = published.query(
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
    prospects = published.query(
        "select max(clv_usd), max(expected_purchases) from segments.customer_clv where p_alive is null"
    )[0]
    assert prospects == (0.0, 0.0)


def test_more_recent_frequent_buyers_are_more_likely_alive(refreshed, published):
    champions, lost = (
        published.scalar(
            """
            select avg(c.p_alive) from segments.customer_clv c
            join segments.customer_segments s using (customer_id) where s.rfm_segment = ?
            """,
            [segment],
        )
        for segment in ("Champions", "Lost")
    )
    assert champions > lost


def test_profiles_add_up_to_the_customer_count(published):
    customers = published.scalar("select count(*) from segments.customer_segments")
    rows = published.query(
        "select segment_kind, sum(customers), sum(customer_share), sum(revenue_share) "
        "from segments.segment_profiles group by segment_kind order by segment_kind"
    )
    assert {kind for kind, *_ in rows} == set(SEGMENT_KINDS)
    for _, total, share, revenue_share in rows:
        assert total == customers
        assert share == pytest.approx(1.0)
        assert revenue_share == pytest.approx(1.0)


def test_model_parameters_are_published(published):
    rows = published.query(
        "select model, parameter, value, log_likelihood from segments.clv_model_parameters where model <> 'clv'"
    )
    models = {model for model, *_ in rows}
    assert "gamma_gamma" in models
    assert models & {"bgnbd", "pareto_nbd"}
    assert all(value > 0 for _, _, value, _ in rows)
    assert all(ll < 0 for *_, ll in rows)
    # the sample supports its model: the CLV's status row and the publication say so
    status = published.query("select note from segments.clv_model_parameters where model = 'clv'")
    assert status == [("modelled: lifetime value estimated from the purchase history",)]
    assert published.query("select clv_status from segments.publication") == [("modelled",)]


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
        "customer_clv_covers_every_customer",
        "customer_segment_shares_are_stable",
        "customer_clv_is_confident",
        "raw_purchases_rows_are_conserved",
    } <= names
    # dbt tests surface as checks too
    assert any(name.startswith("unique_") for name in names)
    assert all(e.passed for e in evaluations)


def test_every_table_is_published_from_one_version(refreshed, published):
    tables = {
        row[0]
        for row in published.query(
            "select table_name from duckdb_tables() union all select view_name from duckdb_views() where not internal"
        )
    }
    assert tables >= ANALYST_TABLES
    version, customers = published.query("select version, customers from segments.publication")[0]
    assert version == published.store.current_version()
    assert published.scalar("select count(*) from segments.customer_segments") == customers
    assert published.scalar("select count(*) from segments.customer_clv") == customers
    history = published.query("select version, count(*) from segments.segment_history group by version")
    assert history == [(version, customers * len(SEGMENT_KINDS))]
    # the first publication has nothing to move from
    assert published.scalar("select count(*) from segments.segment_transitions") == 0
    # the warehouse's own copy is the same version
    assert refreshed.scalar("select version from segments.publication") == version
    attempt = published.query(
        "select status, published, published_version, row_counts from segments.publish_log where version = ?",
        [version],
    )[0]
    assert attempt[:3] == ("published", True, version)
    assert json.loads(attempt[3])["customer_segments"] == customers


def test_audiences_hold_only_consenting_customers_of_each_segment(refreshed, published):
    folder = Path(published.scalar("select exports_folder from segments.publication"))
    consenting = {
        row[0]
        for row in refreshed.query("select customer_id from marts.dim_customer_features where has_marketing_consent")
    }
    segments = pl.DataFrame(
        published.query("select customer_id, rfm_segment from segments.customer_segments"),
        schema=["customer_id", "rfm_segment"],
        orient="row",
    )
    files = sorted((folder / "rfm_segment").glob("*.parquet"))
    assert len(files) == segments["rfm_segment"].n_unique()
    exported = pl.concat([pl.read_parquet(f) for f in files])
    assert set(exported["customer_id"]) == consenting & set(segments["customer_id"])
    assert 0 < exported.height < segments.height
    joined = exported.join(segments, on="customer_id")
    assert (joined["segment"] == joined["rfm_segment"]).all()
    champions = pl.read_csv(folder / "rfm_segment" / "champions.csv")
    assert (
        champions["customer_id"].to_list() == exported.filter(pl.col("segment") == "Champions")["customer_id"].to_list()
    )


def test_gx_checks_link_their_data_docs_pages(refreshed):
    evaluations = [e for e in refreshed.result.get_asset_check_evaluations() if "data_docs" in e.metadata]
    assert {e.check_name for e in evaluations} >= {
        "customer_segments_pass_expectations",
        "customer_clv_passes_expectations",
    }
    for evaluation in evaluations:
        page = Path(evaluation.metadata["data_docs"].value.removeprefix("file://"))
        assert page.read_text().count("<html") == 1
        assert (page.parent / "index.html").read_text().count(page.name) == 1
    log = read_log(PublishedStore.beside(refreshed.warehouse).log_file)
    assert log["data_docs"].drop_nulls().len() == 1


def test_dbt_models_report_their_row_counts_and_a_preview(refreshed):
    materialized = {
        m.asset_key.to_user_string(): m.metadata
        for m in refreshed.result.asset_materializations_for_node("customer_features_dbt")
    }
    for relation in ("marts.dim_customer_features", "staging.stg_shop__purchases", "seeds.survey_codebook"):
        metadata = materialized[relation.replace(".", "/")]
        assert metadata["dagster/row_count"].value == refreshed.scalar(f"select count(*) from {relation}"), relation
    assert "| customer_id |" in materialized["marts/dim_customer_features"]["preview"].value
    assert "preview" not in materialized["staging/stg_shop__purchases"]  # a view: counted, not previewed
    customers = materialized["marts/dim_customers"]["preview"].value
    header = customers.splitlines()[0]  # rows may hold the channel "email"; the column must be gone
    assert "| customer_id |" in header and "| email |" not in header and "@" not in customers
