"""The ground truth: it covers every customer, matches the feeds, and the personas differ as planted."""

from __future__ import annotations

import polars as pl
from generated_sample import SAMPLE_CUSTOMERS, SAMPLE_SEED, Sample

from sample_data.codebook import likert_dimensions, read_codebook
from sample_data.personas import PERSONAS


def orders_per_customer(sample: Sample) -> pl.DataFrame:
    return sample.purchases.group_by("customer_id").agg(pl.col("order_id").n_unique().alias("orders"))


def test_truth_covers_every_customer_once(sample: Sample) -> None:
    truth = sample.truth
    assert truth["customer_id"].is_unique().all()
    assert set(truth["customer_id"]) == set(sample.signups["customer_id"])
    expected = {"customer_id", "persona", "lambda", "p", "nu", "is_alive_at_as_of", "n_transactions"}
    expected |= {f"survey_mean_{d}" for d in likert_dimensions(read_codebook())}
    assert expected <= set(truth.columns)
    assert set(truth["persona"]) == {p.name for p in PERSONAS}


def test_prospects_never_buy_and_buyers_buy_as_recorded(sample: Sample) -> None:
    joined = sample.truth.join(orders_per_customer(sample), on="customer_id", how="left").with_columns(
        pl.col("orders").fill_null(0)
    )
    prospects = joined.filter(pl.col("is_prospect"))
    assert 0.02 <= prospects.height / joined.height <= 0.09
    assert (prospects["orders"] == 0).all()
    assert prospects.select(pl.col("lambda", "p", "nu").null_count().sum()).row(0) == (prospects.height,) * 3
    buyers = joined.filter(~pl.col("is_prospect"))
    assert (buyers["orders"] >= 1).all()
    assert (buyers["orders"] == buyers["n_transactions"]).all()


def test_customers_without_a_repeat_purchase_are_alive(sample: Sample) -> None:
    # a BG/NBD customer can only drop out right after a repeat purchase
    single = sample.truth.filter(pl.col("n_transactions") == 1)
    assert single.height > 0
    assert single["is_alive_at_as_of"].all()


def test_parameters_describe_the_run_and_each_persona(sample: Sample) -> None:
    parameters = sample.parameters
    assert parameters["seed"] == SAMPLE_SEED
    assert parameters["customers"] == SAMPLE_CUSTOMERS
    assert parameters["as_of"] == "2026-06-30"
    assert parameters["time_unit"] == "weeks"
    personas = parameters["personas"]
    assert abs(sum(p["share"] for p in personas.values()) - 1) < 1e-9
    counts = dict(sample.truth.group_by("persona").len().iter_rows())
    for name, persona in personas.items():
        assert set(persona["bgnbd"]) == {"r", "alpha", "a", "b"}
        assert set(persona["gamma_gamma"]) == {"p", "q", "gamma"}
        assert set(persona["description"]) == {"demographics", "geography", "survey_profile", "behaviour"}
        assert persona["customers"] == counts[name]


def test_personas_differ_in_demographics_as_planted(sample: Sample) -> None:
    profiles = (
        sample.signups.join(sample.truth.select("customer_id", "persona"), on="customer_id")
        .with_columns(
            ((pl.date(2026, 6, 30) - pl.col("birth_date").str.to_date()).dt.total_days() / 365.25).alias("age"),
            pl.col("income", "children").cast(pl.Int64),
        )
        .group_by("persona")
        .agg(
            pl.col("age").mean(),
            pl.col("income").median(),
            pl.col("children").mean(),
            (pl.col("urbanicity") == "rural").mean().alias("rural"),
        )
    )
    by_name = {row["persona"]: row for row in profiles.iter_rows(named=True)}
    for persona in PERSONAS:
        row = by_name[persona.name]
        assert abs(row["age"] - persona.age_years[0]) < 2.5, persona.name
        assert abs(row["income"] / persona.income_usd[0] - 1) < 0.15, persona.name
    ages = [by_name[name]["age"] for name in ("bargain_student", "tech_enthusiast", "affluent_professional", "retiree")]
    assert ages == sorted(ages)
    assert by_name["young_family"]["children"] > 2 > by_name["tech_enthusiast"]["children"] + 1
    assert by_name["retiree"]["rural"] > 0.5 > by_name["bargain_student"]["rural"] + 0.4


def test_personas_differ_in_what_and_how_they_buy(sample: Sample) -> None:
    lines = sample.purchases.join(sample.truth.select("customer_id", "persona"), on="customer_id")
    top = (
        lines.group_by("persona", "category")
        .len()
        .sort("len", descending=True)
        .group_by("persona", maintain_order=True)
        .first()
    )
    top_category = dict(top.select("persona", "category").iter_rows())
    assert top_category["b2b_buyer"] == "office"
    assert top_category["retiree"] == "garden"
    assert top_category["tech_enthusiast"] == "electronics"
    channels = dict(
        lines.unique("order_id")
        .group_by("persona")
        .agg((pl.col("channel").is_in(["phone", "store"])).mean())
        .iter_rows()
    )
    assert channels["retiree"] > 0.7 > 0.2 > channels["bargain_student"]
