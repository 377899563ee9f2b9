"""When customers buy: the BG/NBD story, simulated for a whole chunk at once.

Each buyer draws a purchase rate lambda ~ Gamma(r, alpha) per week and a dropout probability
p ~ Beta(a, b) from their persona. The first purchase is at time 0 (just after sign-up); while
alive the customer buys at Poisson rate lambda, and after each repeat purchase drops out with
probability p, for good. Observation ends at the end of the as_of day, T weeks after time 0.

Vectorised without a loop per purchase: the number of repeat purchases in (0, T] is
X = min(N, J) with N ~ Poisson(lambda T) (purchases had the customer stayed) and J ~ Geometric(p)
(the repeat purchase after which they leave); the customer is still alive when N < J. Given N,
purchase times are N sorted uniform points on (0, T]; the first X of them come from exponential
spacings, U_i = S_i / (S_X + G) with S the running sum of X exponentials and G ~ Gamma(N - X + 1).
Times stay continuous (to the second), so two purchases on one day are as rare as the rate makes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sample_data.customers import Customers
from sample_data.persona import Persona, parameter
from sample_data.sampling import cumsum_in_group, sum_in_group
from sample_data.timeline import SECONDS_PER_WEEK, Timeline

MIN_DROPOUT = 1e-6  # keeps Geometric(p) finite; far below anything the Beta priors make likely


@dataclass(frozen=True)
class PurchaseHistory:
    """The drawn model values per customer and the simulated transactions of one chunk.

    Per-customer arrays are in customer order (prospects carry NaN model values and no
    transactions); transaction arrays are sorted by time, then customer.
    """

    rate_per_week: np.ndarray  # lambda
    dropout: np.ndarray  # p
    spend_scale: np.ndarray  # nu
    observed_weeks: np.ndarray  # T, from the first purchase to the end of observation
    transactions: np.ndarray  # 1 + repeat purchases; 0 for prospects
    is_alive: np.ndarray  # has not dropped out by the end of observation
    transaction_customer: np.ndarray  # index of the customer within the chunk
    transaction_at: np.ndarray  # epoch seconds


def simulate_purchases(
    rng: np.random.Generator, customers: Customers, personas: Sequence[Persona], timeline: Timeline
) -> PurchaseHistory:
    """Draw every customer's lambda, p and nu and simulate their purchase times up to as_of."""
    who, buys = customers.persona, ~customers.is_prospect
    rate = rng.gamma(parameter(personas, "purchases.r")[who], 1 / parameter(personas, "purchases.alpha")[who])
    dropout = np.maximum(
        rng.beta(parameter(personas, "purchases.a")[who], parameter(personas, "purchases.b")[who]), MIN_DROPOUT
    )
    scale = rng.gamma(parameter(personas, "purchases.q")[who], 1 / parameter(personas, "purchases.gamma")[who])
    observed_seconds = timeline.observation_end - customers.first_purchase_at
    weeks = observed_seconds / SECONDS_PER_WEEK

    would_buy = rng.poisson(rate * weeks)
    leaves_after = rng.geometric(dropout)
    repeats = np.where(buys, np.minimum(would_buy, leaves_after), 0)
    alive = buys & (would_buy < leaves_after)

    owner = np.repeat(np.arange(customers.count), repeats)
    spacing = rng.exponential(size=owner.shape[0])
    running = cumsum_in_group(spacing, repeats)
    remainder = rng.gamma(np.maximum(would_buy - repeats, 0) + 1.0)
    total = sum_in_group(spacing, repeats) + remainder
    offset = np.floor(running / total[owner] * observed_seconds[owner]).astype(np.int64)

    buyer = np.flatnonzero(buys)
    customer = np.concatenate((buyer, owner))
    at = np.concatenate((customers.first_purchase_at[buyer], customers.first_purchase_at[owner] + offset))
    order = np.lexsort((customer, at))
    nan = np.full(customers.count, np.nan)
    return PurchaseHistory(
        rate_per_week=np.where(buys, rate, nan),
        dropout=np.where(buys, dropout, nan),
        spend_scale=np.where(buys, scale, nan),
        observed_weeks=np.where(buys, weeks, nan),
        transactions=np.where(buys, repeats + 1, 0),
        is_alive=alive,
        transaction_customer=customer[order],
        transaction_at=at[order],
    )
