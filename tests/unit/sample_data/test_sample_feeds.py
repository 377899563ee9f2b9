"""The three feeds: files, columns, value formats and how the feeds relate to each other."""

from __future__ import annotations

from datetime import datetime

import polars as pl
from generated_sample import CUSTOMERS_PER_FILE, SAMPLE_AS_OF, SAMPLE_CUSTOMERS, Sample

from sample_data.orders import PURCHASE_COLUMNS
from sample_data.profiles import SIGNUP_COLUMNS
from sample_data.surveys import SURVEY_COLUMNS
from sample_data.vocabulary import (
    ACQUISITION_CHANNELS,
    CATEGORIES,
    EDUCATION_LEVELS,
    GENDERS,
    MARITAL_STATUSES,
    OPT_IN_OFFERS,
    ORDER_CHANNELS,
    URBANICITIES,
)

TIMESTAMP = "%Y-%m-%d %H:%M:%S"
END_OF_AS_OF = datetime(SAMPLE_AS_OF.year, SAMPLE_AS_OF.month, SAMPLE_AS_OF.day, 23, 59, 59)


def timestamps(column: str) -> pl.Expr:
    return pl.col(column).str.to_datetime(TIMESTAMP, strict=True)


def test_one_file_per_feed_and_chunk_with_the_exact_header(sample: Sample) -> None:
    chunks = SAMPLE_CUSTOMERS // CUSTOMERS_PER_FILE
    for feed, columns in (
        ("purchases", PURCHASE_COLUMNS),
        ("signups", SIGNUP_COLUMNS),
        ("surveys", SURVEY_COLUMNS),
        ("campaign_responses", ("customer_id", "campaign_id", "channel", "outcome", "responded_at")),
    ):
        files = sorted((sample.landing / feed).glob("*.csv"))
        assert [f.name for f in files] == [f"{feed}_{i:05d}.csv" for i in range(1, chunks + 1)]
        for file in files:
            assert file.read_text().splitlines()[0] == ",".join(columns)
    assert {p.name for p in (sample.landing / "_truth").iterdir()} == {
        "customers.parquet",
        "parameters.json",
        "channel_response.csv",
        "co_purchases.csv",
    }


def test_summary_counts_match_the_files(sample: Sample) -> None:
    summary = sample.summary
    assert summary.customers == sample.signups.height == sample.truth.height == SAMPLE_CUSTOMERS
    assert summary.purchase_lines == sample.purchases.height
    assert summary.orders == sample.purchases["order_id"].n_unique()
    assert summary.survey_answers == sample.surveys.height
    assert sorted(summary.files) == sorted(p for p in sample.landing.rglob("*") if p.is_file())
    assert 7 <= summary.purchase_lines / summary.customers <= 14  # about 10 lines per customer


def test_purchase_values_have_the_documented_forms(sample: Sample) -> None:
    p = sample.purchases
    assert p["order_id"].str.contains(r"^O\d{9}$").all()
    assert p["customer_id"].str.contains(r"^C\d{7}$").all()
    assert p["product_id"].str.contains(r"^P\d{5}$").all()
    assert p["unit_price"].str.contains(r"^\d+\.\d{2}$").all()
    assert p["quantity"].cast(pl.Int64, strict=True).min() >= 1
    assert set(p["category"]) <= set(CATEGORIES)
    assert set(p["channel"]) <= set(ORDER_CHANNELS)
    assert p.select(timestamps("ordered_at")).to_series().max() <= END_OF_AS_OF


def test_an_orders_lines_share_customer_time_and_channel_and_one_file(sample: Sample) -> None:
    per_order = sample.purchases.group_by("order_id").agg(
        pl.col("customer_id", "ordered_at", "channel", "_file").n_unique()
    )
    assert per_order.select(pl.exclude("order_id").max()).row(0) == (1, 1, 1, 1)
    assert sample.purchases.select(pl.struct("order_id", "product_id").is_unique().all()).item()


def test_a_product_always_has_its_list_price_and_category(sample: Sample) -> None:
    per_product = sample.purchases.group_by("product_id").agg(pl.col("unit_price", "category").n_unique())
    assert per_product["unit_price"].max() == 1
    assert per_product["category"].max() == 1


def test_order_values_look_like_a_real_shop(sample: Sample) -> None:
    orders = sample.purchases.group_by("order_id").agg(
        (pl.col("quantity").cast(pl.Int64) * pl.col("unit_price").cast(pl.Float64)).sum().alias("value")
    )
    assert 20 <= orders["value"].mean() <= 300
    assert orders["value"].min() > 0


def test_signup_values_have_the_documented_forms(sample: Sample) -> None:
    s = sample.signups
    assert s["customer_id"].is_unique().all()
    assert s["email"].is_unique().all()
    assert s["email"].str.contains(r"^[a-z]+\.[a-z]+\d+@example\.(com|org)$").all()
    signed_up = s.select(timestamps("signed_up_at")).to_series()
    assert signed_up.min() >= datetime(2024, 6, 30) and signed_up.max() < datetime(2026, 6, 1)
    birth = s.select(pl.col("birth_date").str.to_date("%Y-%m-%d", strict=True)).to_series()
    assert 0.01 <= birth.is_null().mean() <= 0.06
    for column, allowed in (
        ("gender", GENDERS),
        ("marital_status", MARITAL_STATUSES),
        ("education", EDUCATION_LEVELS),
        ("urbanicity", URBANICITIES),
        ("acquisition_channel", ACQUISITION_CHANNELS),
        ("opt_in_offer", OPT_IN_OFFERS),
        ("marketing_consent", ("true", "false")),
    ):
        assert set(s[column]) <= set(allowed), column
    assert set(s["children"].cast(pl.Int64)) <= {0, 1, 2, 3, 4}
    assert s["income"].cast(pl.Int64, strict=True).min() > 0
    assert s.select(pl.col("country", "region", "city").null_count().sum()).row(0) == (0, 0, 0)


def test_a_city_always_lies_in_one_region_country_and_urbanicity(sample: Sample) -> None:
    per_city = sample.signups.group_by("city").agg(pl.col("region", "country", "urbanicity").n_unique())
    assert per_city.select(pl.exclude("city").max()).row(0) == (1, 1, 1)


def test_every_purchase_customer_signed_up(sample: Sample) -> None:
    unknown = sample.purchases.join(sample.signups, on="customer_id", how="anti")
    assert unknown.height == 0


def test_first_purchase_is_at_or_shortly_after_signup(sample: Sample) -> None:
    first = sample.purchases.group_by("customer_id").agg(timestamps("ordered_at").min().alias("first"))
    joined = first.join(sample.signups.select("customer_id", timestamps("signed_up_at")), on="customer_id")
    delay = joined.select((pl.col("first") - pl.col("signed_up_at")).dt.total_seconds()).to_series()
    assert delay.min() >= 0
    assert delay.max() < 24 * 3600


def test_business_fields_are_filled_exactly_for_business_customers(sample: Sample) -> None:
    joined = sample.signups.join(sample.truth.select("customer_id", "persona"), on="customer_id")
    filled = joined.select(
        pl.col("persona"), pl.all_horizontal(pl.col("company", "industry", "employee_count").is_not_null()).alias("all")
    )
    any_filled = joined.select(pl.any_horizontal(pl.col("company", "industry", "employee_count").is_not_null()))
    assert (filled["all"] == any_filled.to_series()).all()
    assert (filled["all"] == (filled["persona"] == "b2b_buyer")).all()
    assert 0.05 <= filled["all"].mean() <= 0.11
