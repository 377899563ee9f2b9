"""Actions on the shared refresh of generated data: the published channel tables recover the planted preferences."""

import duckdb
import polars as pl
import pytest

from assets.publish.store import PublishedStore

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def published(refreshed) -> PublishedStore:
    return PublishedStore.beside(refreshed.warehouse)


def _read(store: PublishedStore, sql: str) -> pl.DataFrame:
    with duckdb.connect(str(store.current), read_only=True) as con:
        return con.sql(sql).pl()


def test_each_found_persona_answers_best_on_the_channel_planted_for_its_customers(refreshed, published):
    """A found persona is matched to the planted persona most of its customers come from; the channel with the
    best-measured response rate in `segment_channel_response` is that planted persona's strongest channel."""
    segments = _read(published, "select customer_id, persona from segments.customer_segments")
    truth = pl.read_parquet(refreshed.landing / "_truth" / "customers.parquet", columns=["customer_id", "persona"])
    majority = (
        segments.join(truth, on="customer_id", suffix="_planted")
        .group_by("persona", "persona_planted")
        .len()
        .sort("persona", "len", descending=[False, True])
        .group_by("persona", maintain_order=True)
        .first()
    )
    planted = pl.read_csv(refreshed.landing / "_truth" / "channel_response.csv")
    strongest = planted.sort("persona", "response_rate", descending=[False, True]).group_by("persona").first()
    best = _read(
        published,
        "select segment as persona, arg_max(channel, response_rate_low) as channel "
        "from segments.segment_channel_response where segment_kind = 'persona' and has_enough_contacts group by all",
    )
    expected = majority.join(strongest, left_on="persona_planted", right_on="persona").select("persona", "channel")
    assert dict(best.rows()) == dict(expected.rows())


def test_channel_tables_cover_every_kind_every_customer_and_the_exports(refreshed, published):
    status = _read(published, "select capability, status, rows from segments.action_status")
    assert status.filter(pl.col("capability") == "channel response")["status"].to_list() == ["ready"]
    kinds = _read(published, "select distinct segment_kind from segments.segment_channel_response")
    assert {"rfm_segment", "persona", "value_tier"} <= set(kinds["segment_kind"])
    customers = _read(published, "select count(*) as n from segments.customer_segments")["n"][0]
    best = _read(published, "select best_channel, best_channel_basis from segments.customer_best_channel")
    assert best.height == customers and best["best_channel"].null_count() == 0
    assert set(best["best_channel_basis"]) <= {"own responses", "segment", "all customers"}
    exported = pl.read_parquet(published.exports_dir / "*" / "rfm_segment" / "*.parquet")
    assert exported.height > 0 and exported["best_channel"].null_count() == 0


def test_cross_sell_is_published_with_a_backtest_that_beats_popularity(refreshed, published):
    backtest = _read(published, "select method, k, customers, hit_rate from segments.cross_sell_backtest")
    rates = {(m, k): r for m, k, _, r in backtest.rows()}
    assert backtest["customers"].min() > 100
    assert rates[("co_purchase", 1)] > rates[("popularity", 1)] and rates[("co_purchase", 3)] > rates[("popularity", 3)]
    offers = _read(published, "select customer_id, category from segments.customer_next_categories")
    assert offers.height > 0 and offers.group_by("customer_id").len()["len"].max() <= 3
    bought = pl.DataFrame(
        refreshed.query("select distinct customer_id, lower(category) from raw.purchases where quantity > 0"),
        schema=["customer_id", "category"],
        orient="row",
    )
    assert offers.join(bought, on=["customer_id", "category"]).is_empty()  # never what they already buy
    affinity = _read(published, "select segment_kind, lift from segments.segment_category_affinity")
    assert {"persona", "rfm_segment"} <= set(affinity["segment_kind"]) and affinity["lift"].max() > 1
    status = _read(published, "select status from segments.action_status where capability = 'cross-sell'")
    assert status["status"].to_list() == ["ready"]


def test_prospects_are_scored_and_the_model_is_reported(published):
    customers = _read(published, "select customer_id, rfm_segment from segments.customer_segments")
    scores = _read(published, "select customer_id, purchase_probability, prospect from segments.prospect_scores")
    no_purchase = customers.filter(pl.col("rfm_segment") == "No purchases")
    assert sorted(scores["customer_id"]) == sorted(no_purchase["customer_id"])
    assert set(scores["prospect"]) <= {"Likely buyer", "Possible buyer", "Unlikely buyer"}
    model = _read(published, "select horizon_days, holdout_signups, auc, baseline_auc from segments.prospect_model")
    assert model.height == 1 and model["holdout_signups"][0] > 0
    status = _read(published, "select status, reason from segments.action_status where capability = 'prospects'")
    assert status["status"].to_list() == ["ready"] and "ranked buyers above non-buyers" in status["reason"][0]


def test_price_sensitivity_is_published_per_segment_with_discounts_from_list_prices(published):
    table = _read(
        published,
        "select segment, discounted_line_share, average_discount from segments.segment_price_sensitivity "
        "where segment_kind = 'rfm_segment'",
    )
    assert table.height > 3 and table["discounted_line_share"].is_between(0, 1).all()
    assert table["average_discount"].is_between(0.1, 0.4).all()


def test_without_profile_updates_life_events_are_empty_and_the_status_says_why(published):
    assert _read(published, "select count(*) as n from segments.life_events")["n"][0] == 0
    status = _read(published, "select status, reason from segments.action_status where capability = 'life events'")
    assert status["status"].to_list() == ["unavailable"] and "second version" in status["reason"][0]
    statuses = _read(published, "select capability, status from segments.action_status order by capability")
    assert statuses.rows() == [
        ("channel response", "ready"),
        ("cross-sell", "ready"),
        ("life events", "unavailable"),
        ("price sensitivity", "ready"),
        ("prospects", "ready"),
    ]
