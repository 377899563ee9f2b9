"""Cross-sell: segment category affinity, next-category offers, and the hold-out against popularity."""

from datetime import date, datetime

import numpy as np
import polars as pl
import pytest

from assets.actions.cross_sell import (
    category_similarity,
    co_purchase_scores,
    next_categories,
    ownership,
    popularity_scores,
    segment_category_affinity,
)
from assets.actions.cross_sell_backtest import cross_sell_backtest
from sample_data import generate_feeds
from sample_data.co_purchases import CO_PURCHASES

LINES = pl.DataFrame(
    {
        "customer_id": ["a", "a", "b", "b", "c", "d"],
        "category": ["tea", "cups", "tea", "cups", "tea", "books"],
        "amount_usd": [10.0, 30.0, 5.0, 5.0, 20.0, 50.0],
    }
)


def test_segments_buying_a_category_more_than_the_base_have_lift_above_one():
    segments = pl.DataFrame({"customer_id": ["a", "b", "c", "d", "e"], "kind": ["X", "X", "Y", "Y", "Y"]})
    table = segment_category_affinity(LINES, segments, ["kind"])
    x_cups = table.filter((pl.col("segment") == "X") & (pl.col("category") == "cups")).row(0, named=True)
    # both X buyers buy cups, 2 of the 4 buyers overall do: lift 2; 35 of X's 50 went on cups
    assert (x_cups["customers"], x_cups["customer_share"], x_cups["base_customer_share"]) == (2, 1.0, 0.5)
    assert x_cups["lift"] == 2.0 and x_cups["is_bought_more_than_base"]
    assert x_cups["spend_usd"] == 35.0 and x_cups["spend_share"] == pytest.approx(35 / 50)
    y_tea = table.filter((pl.col("segment") == "Y") & (pl.col("category") == "tea")).row(0, named=True)
    assert y_tea["lift"] == pytest.approx(0.5 / 0.75) and not y_tea["is_bought_more_than_base"]


def test_offers_follow_co_purchases_and_never_repeat_what_a_customer_buys():
    categories = ["books", "cups", "tea"]
    customers, owned = ownership(LINES, categories)
    assert customers == ["a", "b", "c", "d"]
    scores = co_purchase_scores(owned)
    assert np.isneginf(scores[0, 1]) and np.isneginf(scores[0, 2])  # a owns cups and tea
    offers = next_categories(customers, categories, owned, k=2)
    # c bought tea, which goes with cups; books were never bought with tea, so they are not offered
    assert offers.filter(pl.col("customer_id") == "c").select("rank", "category").rows() == [(1, "cups")]
    assert offers.filter(pl.col("customer_id") == "a").is_empty()
    popular = popularity_scores(owned)
    assert int(np.argmax(popular[3])) == 2  # d is offered tea, bought by three customers


@pytest.fixture(scope="module")
def lines(tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    landing = tmp_path_factory.mktemp("cross_sell") / "landing"
    generate_feeds(landing, customers=3_000, seed=7, as_of=date(2026, 6, 30), progress=False)
    return pl.read_csv(landing / "purchases" / "*.csv", try_parse_dates=True).with_columns(
        (pl.col("quantity") * pl.col("unit_price")).alias("amount_usd")
    )


def test_planted_co_purchase_partners_are_among_each_trigger_category_s_three_closest(lines: pl.DataFrame):
    categories = sorted(lines["category"].unique().to_list())
    _, owned = ownership(lines, categories)
    similarity = category_similarity(owned)
    for trigger, partner in CO_PURCHASES.items():
        closest = [categories[j] for j in np.argsort(-similarity[categories.index(trigger)])[:3]]
        assert partner in closest, (trigger, closest)


def test_on_the_last_half_year_co_purchase_offers_beat_the_popularity_baseline(lines: pl.DataFrame):
    """Measured: hit rate 0.49 against 0.33 at k=1 and 0.85 against 0.67 at k=3 (769 customers)."""
    table = cross_sell_backtest(lines, datetime(2026, 1, 1))
    rates = {(m, k): r for m, k, r in table.select("method", "k", "hit_rate").rows()}
    assert table["customers"].min() > 500
    for k in (1, 3):
        assert rates[("co_purchase", k)] >= rates[("popularity", k)] + 0.1, rates
