"""Shared helpers of the CLV tests: the CDNOW fixture files and seeded simulators of the model stories."""

from __future__ import annotations

import datetime
from pathlib import Path

import numpy as np
import polars as pl

CDNOW = Path(__file__).resolve().parents[2] / "fixtures" / "cdnow"


def cdnow_transactions() -> pl.DataFrame:
    """CDNOW_sample.txt as (customer_id, ordered_at, amount); ids are the zero-padded sample ids."""
    rows = [line.split() for line in (CDNOW / "CDNOW_sample.txt").read_text().splitlines() if line.strip()]
    return pl.DataFrame(
        {
            "customer_id": [row[1] for row in rows],
            "ordered_at": [datetime.datetime.strptime(row[2], "%Y%m%d") for row in rows],
            "amount": [float(row[4]) for row in rows],
        }
    )


def cdnow_summary() -> pl.DataFrame:
    """The published calibration summary with spend: ID, x, t_x, T, zbar (2,357 customers)."""
    return pl.read_csv(CDNOW / "cdnow_customers_summary_with_transactions.csv")


def cdnow_arrays() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x, t_x, T, zbar) of the published summary."""
    summary = cdnow_summary()
    return tuple(summary[c].to_numpy().astype(np.float64) for c in ("x", "t_x", "T", "zbar"))


def simulate_bgnbd(
    rng: np.random.Generator, n: int, r: float, alpha: float, a: float, b: float, max_t: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, t_x, T) from the BG/NBD story, with first purchases uniform over (1, max_t) before the end.

    Rate lambda ~ Gamma(r, alpha); after each repeat purchase the customer drops out with
    probability p ~ Beta(a, b), so the J-th repeat purchase, J ~ Geometric(p), is their last.
    Of the N ~ Poisson(lambda T) purchase times in (0, T] they make x = min(N, J); the times
    are uniform order statistics, so t_x = T * Beta(x, N - x + 1).
    """
    big_t = rng.uniform(1.0, max_t, n)
    n_events = rng.poisson(rng.gamma(r, 1.0 / alpha, n) * big_t).astype(np.float64)
    x = np.minimum(n_events, rng.geometric(rng.beta(a, b, n)))
    t_x = np.zeros(n)
    repeat = x > 0
    t_x[repeat] = big_t[repeat] * rng.beta(x[repeat], n_events[repeat] - x[repeat] + 1)
    return x, t_x, big_t


def simulate_pareto_nbd(
    rng: np.random.Generator, n: int, r: float, alpha: float, s: float, beta: float, max_t: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, t_x, T) from the Pareto/NBD story: Poisson purchases at lambda ~ Gamma(r, alpha) over an
    exponential lifetime with rate mu ~ Gamma(s, beta); x ~ Poisson(lambda min(lifetime, T)),
    and the last of x uniform times over the active span is span * Beta(x, 1)."""
    big_t = rng.uniform(1.0, max_t, n)
    lifetime = rng.exponential(1.0 / rng.gamma(s, 1.0 / beta, n))
    span = np.minimum(lifetime, big_t)
    x = rng.poisson(rng.gamma(r, 1.0 / alpha, n) * span).astype(np.float64)
    t_x = np.zeros(n)
    repeat = x > 0
    t_x[repeat] = span[repeat] * rng.beta(x[repeat], 1.0)
    return x, t_x, big_t


def simulate_spend(rng: np.random.Generator, x: np.ndarray, p: float, q: float, gamma: float) -> np.ndarray:
    """Mean repeat spend from the Gamma-Gamma story: nu ~ Gamma(q, gamma) per customer and the mean
    of x transactions ~ Gamma(p x, nu x); 0 for customers without repeat purchases."""
    nu = rng.gamma(q, 1.0 / gamma, len(x))
    spend = np.zeros(len(x))
    repeat = x > 0
    spend[repeat] = rng.gamma(p * x[repeat], 1.0 / (nu[repeat] * x[repeat]))
    return spend
