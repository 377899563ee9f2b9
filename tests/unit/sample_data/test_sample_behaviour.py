"""Buying behaviour follows the planted models: BG/NBD purchase counts and Gamma-Gamma spend."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import polars as pl
from generated_sample import Sample
from scipy.special import hyp2f1

from sample_data.behaviour import simulate_purchases
from sample_data.customers import Customers
from sample_data.persona import PurchaseModel
from sample_data.personas import PERSONAS, TECH_ENTHUSIAST
from sample_data.timeline import SECONDS_PER_WEEK, Timeline

TIMELINE = Timeline(as_of=date(2026, 6, 30), history_days=730)
MODEL = PurchaseModel(r=1.5, alpha=10.0, a=2.0, b=8.0, p=5.0, q=10.0, gamma=270.0)  # a > 1: E[X(t)] is finite


def cohort(count: int, weeks: float) -> Customers:
    """`count` buyers whose first purchase is `weeks` before the end of observation."""
    start = TIMELINE.observation_end - int(weeks * SECONDS_PER_WEEK)
    return Customers(
        number=np.arange(1, count + 1),
        persona=np.zeros(count, dtype=np.int64),
        is_prospect=np.zeros(count, dtype=bool),
        signed_up_at=np.full(count, start - 60),
        first_purchase_at=np.full(count, start),
    )


def bgnbd_expected_repeats(model: PurchaseModel, t: float) -> float:
    """E[X(t)] of BG/NBD (Fader, Hardie and Lee 2005, eq. 9) for a customer first seen t weeks ago."""
    r, alpha, a, b = model.r, model.alpha, model.a, model.b
    z = t / (alpha + t)
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, z))


def test_mean_repeat_purchases_match_the_bgnbd_expectation() -> None:
    weeks, count = 52.0, 200_000
    history = simulate_purchases(
        np.random.default_rng(1), cohort(count, weeks), [replace(TECH_ENTHUSIAST, purchases=MODEL)], TIMELINE
    )
    repeats = history.transactions - 1
    standard_error = repeats.std() / np.sqrt(count)
    assert abs(repeats.mean() - bgnbd_expected_repeats(MODEL, weeks)) < 4 * standard_error


def test_each_customer_buys_and_survives_as_their_own_rate_and_dropout_say() -> None:
    count = 100_000
    history = simulate_purchases(np.random.default_rng(2), cohort(count, 80.0), PERSONAS[:1], TIMELINE)
    lam, p, t = history.rate_per_week, history.dropout, history.observed_weeks
    # given lambda and p: E[X(t)] = (1 - exp(-lambda p t)) / p and P(alive at t) = exp(-lambda p t)
    residual = (history.transactions - 1) - (1 - np.exp(-lam * p * t)) / p
    assert abs(residual.mean()) < 4 * residual.std() / np.sqrt(count)
    alive_residual = history.is_alive - np.exp(-lam * p * t)
    assert abs(alive_residual.mean()) < 4 * alive_residual.std() / np.sqrt(count)


def test_purchases_fall_between_the_first_purchase_and_the_end_of_observation() -> None:
    customers = cohort(5_000, 30.0)
    history = simulate_purchases(np.random.default_rng(3), customers, PERSONAS[:1], TIMELINE)
    at, who = history.transaction_at, history.transaction_customer
    assert (at >= customers.first_purchase_at[who]).all()
    assert (at < TIMELINE.observation_end).all()
    assert (np.diff(at) >= 0).all()  # sorted by time, as orders are numbered
    assert np.array_equal(np.bincount(who, minlength=customers.count), history.transactions)


def test_order_values_follow_the_gamma_gamma_spend_of_each_customer(sample: Sample) -> None:
    """Order totals track z ~ Gamma(p, nu): on average p / nu for each customer's nu."""
    spend_shape = pl.DataFrame({"persona": [p.name for p in PERSONAS], "gg_p": [p.purchases.p for p in PERSONAS]})
    orders = (
        sample.purchases.group_by("order_id")
        .agg(
            pl.col("customer_id").first(),
            (pl.col("quantity").cast(pl.Int64) * pl.col("unit_price").cast(pl.Float64)).sum().alias("value"),
        )
        .join(sample.truth.select("customer_id", "persona", "nu"), on="customer_id")
        .join(spend_shape, on="persona")
        .with_columns((pl.col("gg_p") / pl.col("nu")).alias("expected"))
    )
    ratio = orders["value"].sum() / orders["expected"].sum()
    assert 0.95 < ratio < 1.05
    for persona in PERSONAS:
        mine = orders.filter(pl.col("persona") == persona.name)
        assert abs(mine["value"].mean() / persona.purchases.mean_order_value_usd - 1) < 0.25, persona.name
