"""Pareto/NBD purchase model (Schmittlein, Morrison and Colombo 1987): likelihood, fit, predictions.

Story: while alive a customer buys at Poisson rate lambda ~ Gamma(r, alpha); their lifetime is
exponential with rate mu ~ Gamma(s, beta). Integrating lambda and mu out of the individual
likelihood gives, with n = r + s + x,

    L = Gamma(r+x) alpha^r beta^s / Gamma(r) * [ (alpha+T)^-(r+x) (beta+T)^-s + s * I ],
    I = integral from t_x to T of (alpha+u)^-(r+x) (beta+u)^-(s+1) du = F(t_x) - F(T),

where F(tau) is the same integral from tau to infinity. Expanding the factor with the smaller
scale parameter gives F as a Gaussian hypergeometric function whose argument lies in [0, 1)
(the split on alpha >= beta versus alpha < beta of Fader and Hardie's note); Euler's
transformation turns it into 2F1(1, b; c; z), evaluated by continued fraction in log space, and
I is formed as F(t_x) * (1 - F(T)/F(t_x)) with log1mexp, so nothing overflows for customers with
hundreds of purchases and there is no difference of huge numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import gammaln

from assets.clv.hypergeometric import log_hyp2f1_one
from assets.clv.mle import ModelFit, collapse, maximise
from assets.clv.validation import purchase_columns, require_fittable

Vector = NDArray[np.float64]
NAMES = ("r", "alpha", "s", "beta")
_STEP = 1e-5  # central-difference step in the log-parameters: truncation ~1e-10, rounding ~1e-11


def fit_pareto_nbd(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> ModelFit:
    """Maximum-likelihood Pareto/NBD fit; raises CLVDataError when the data cannot support one.

    The gradient is by central differences (the log-likelihood has no cheap closed-form
    derivative in r and s), so a fit costs a few hundred likelihood evaluations: about 6 s for
    1,000,000 customers whose times are whole days (the continued fractions then run once per
    distinct (x, t) pair), several times longer when every customer's times are distinct.
    """
    x, t_x, big_t = purchase_columns(frequency, recency, T)
    require_fittable(x, "Pareto/NBD")
    (ux, utx, ut), weights = collapse(x, t_x, big_t)
    customers = _Customers.of(ux, utx, ut)
    total = weights.sum()

    def value(theta: Vector) -> float:
        return -float(weights @ _log_likelihood(np.exp(theta), customers)) / total

    def objective(theta: Vector) -> tuple[float, Vector]:
        gradient = np.empty(len(theta))
        for i in range(len(theta)):
            shift = np.zeros(len(theta))
            shift[i] = _STEP
            gradient[i] = (value(theta + shift) - value(theta - shift)) / (2 * _STEP)
        return value(theta), gradient

    rate = x.sum() / max(big_t.sum(), 1e-12)
    span = max(float(big_t.mean()), 1e-12)
    starts = [np.log([1.0, 1.0 / rate, 1.0, span]), np.log([0.5, 0.5 / rate, 0.5, 0.2 * span])]
    return maximise("pareto_nbd", NAMES, objective, starts, n_customers=len(x), total_weight=total, value=value)


def log_likelihood(params: Mapping[str, float], frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> Vector:
    """Per-customer log-likelihood ln L(r, alpha, s, beta | x, t_x, T)."""
    theta = np.array([params[k] for k in NAMES])
    return _log_likelihood(theta, _Customers.of(*purchase_columns(frequency, recency, T)))


def p_alive(params: Mapping[str, float], frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> Vector:
    """P(alive at T | x, t_x, T) = (alpha+T)^-(r+x) (beta+T)^-s / [that + s I]."""
    customers = _Customers.of(*purchase_columns(frequency, recency, T))
    log_alive, log_dead = _log_terms(np.array([params[k] for k in NAMES]), customers)
    return np.exp(log_alive - np.logaddexp(log_alive, log_dead))


def expected_purchases_if_alive(params: Mapping[str, float], t: float, frequency: ArrayLike, T: ArrayLike) -> Vector:
    """E[purchases in (T, T + t] | alive at T, x, T]: the posterior rate (r+x)/(alpha+T) times the
    expected remaining active time within t, (beta+T)/(s-1) [1 - ((beta+T)/(beta+T+t))^(s-1)]."""
    x, big_t = np.asarray(frequency, dtype=np.float64), np.asarray(T, dtype=np.float64)
    r, alpha, s, beta = (params[k] for k in NAMES)
    return (r + x) / (alpha + big_t) * _active_time(s, beta + big_t, t)


def expected_purchases_new_customer(params: Mapping[str, float], t: float | ArrayLike) -> Vector:
    """E[X(t)] = r beta / (alpha (s-1)) [1 - (beta/(beta+t))^(s-1)]."""
    r, alpha, s, beta = (params[k] for k in NAMES)
    return r / alpha * _active_time(s, np.asarray(beta, dtype=np.float64), np.asarray(t, dtype=np.float64))


def p_no_purchases_new_customer(params: Mapping[str, float], t: float | ArrayLike) -> Vector:
    """P(X(t) = 0): the likelihood of a customer with no repeat purchase in (0, t]."""
    t = np.asarray(t, dtype=np.float64)
    flat = t.ravel()
    zeros = np.zeros_like(flat)
    theta = np.array([params[k] for k in NAMES])
    return np.exp(_log_likelihood(theta, _Customers.of(zeros, zeros, flat))).reshape(t.shape)


def _active_time(s: float, scale: Vector, t: ArrayLike) -> Vector:
    """E[min(lifetime, t)] for a lifetime exponential with rate ~ Gamma(s, scale):
    scale/(s-1) [1 - (scale/(scale+t))^(s-1)], with the limit scale ln(1 + t/scale) at s = 1."""
    log_ratio = np.log1p(np.asarray(t, dtype=np.float64) / scale)
    if s == 1.0:
        return scale * log_ratio
    return -scale * np.expm1(-(s - 1.0) * log_ratio) / (s - 1.0)


@dataclass(frozen=True)
class _Pairs:
    """Distinct (x, tau) pairs and, per customer, which pair is theirs."""

    x: Vector
    tau: Vector
    index: NDArray[np.intp]

    @classmethod
    def of(cls, x: Vector, tau: Vector) -> _Pairs:
        order = np.lexsort((tau, x))
        xs, taus = x[order], tau[order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = (xs[1:] != xs[:-1]) | (taus[1:] != taus[:-1])
        index = np.empty(len(order), dtype=np.intp)
        index[order] = np.cumsum(first) - 1
        return cls(xs[first], taus[first], index)


@dataclass(frozen=True)
class _Customers:
    """Customers prepared for the likelihood. F(tau) depends on (x, tau) only, and data recorded
    in whole days repeats those pairs across thousands of customers (every customer without
    repeat purchases has (0, 0)), so the continued fractions run once per distinct pair."""

    x: Vector
    t_x: Vector
    T: Vector
    at_recency: _Pairs
    at_end: _Pairs

    @classmethod
    def of(cls, x: Vector, t_x: Vector, big_t: Vector) -> _Customers:
        return cls(x, t_x, big_t, _Pairs.of(x, t_x), _Pairs.of(x, big_t))


def _log_likelihood(theta: Vector, customers: _Customers) -> Vector:
    r = theta[0]
    log_alive, log_dead = _log_terms(theta, customers)
    x = customers.x
    return gammaln(r + x) - gammaln(r) + np.logaddexp(log_alive, log_dead)


def _log_terms(theta: Vector, customers: _Customers) -> tuple[Vector, Vector]:
    """ln of alpha^r beta^s times the two terms in the brackets: alive at T, and died in (t_x, T] (s I).

    The factor alpha^r beta^s is taken into each term so that pairs like s ln(beta) - s ln(beta + T)
    become -s ln(1 + T/beta): when s and beta grow together (the data cannot tell a long lifetime
    from none) the difference of two huge logarithms would otherwise lose every digit, and the
    likelihood would be too rough along that ridge for the optimiser and the Hessian.
    """
    r, alpha, s, beta = theta
    x, big_t = customers.x, customers.T
    log_alive = -r * np.log1p(big_t / alpha) - x * np.log(alpha + big_t) - s * np.log1p(big_t / beta)
    pairs_tx, pairs_t = customers.at_recency, customers.at_end
    log_tail_tx = _log_tail(theta, pairs_tx.x, pairs_tx.tau)[pairs_tx.index]
    log_tail_t = _log_tail(theta, pairs_t.x, pairs_t.tau)[pairs_t.index]
    gap = np.minimum(log_tail_t - log_tail_tx, 0.0)  # <= 0 in exact arithmetic; clip rounding
    with np.errstate(divide="ignore"):
        log_dead = np.log(s) + log_tail_tx + _log1mexp(gap)
    return log_alive, log_dead


def _log_tail(theta: Vector, x: Vector, tau: Vector) -> Vector:
    """ln(alpha^r beta^s F(tau)), F(tau) = integral from tau to infinity of (alpha+u)^-(r+x) (beta+u)^-(s+1) du.

    alpha >= beta: F = (alpha+tau)^-(r+x) (beta+tau)^-s / n * 2F1(1, r+x; n+1; (alpha-beta)/(alpha+tau))
    alpha <  beta: F = (alpha+tau)^(1-r-x) (beta+tau)^-(s+1) / n * 2F1(1, s+1; n+1; (beta-alpha)/(beta+tau))
    with (alpha / (alpha+tau))^r and (beta / (beta+tau))^s formed by log1p.
    """
    r, alpha, s, beta = theta
    n = r + s + x
    scaled = -r * np.log1p(tau / alpha) - s * np.log1p(tau / beta)  # ln[(alpha/(alpha+tau))^r (beta/(beta+tau))^s]
    log_a, log_b = np.log(alpha + tau), np.log(beta + tau)
    if alpha >= beta:
        series = log_hyp2f1_one(r + x, n + 1, (alpha - beta) / (alpha + tau))
        return scaled - x * log_a - np.log(n) + series
    series = log_hyp2f1_one(s + 1, n + 1, (beta - alpha) / (beta + tau))
    return scaled + (1 - x) * log_a - log_b - np.log(n) + series


def _log1mexp(v: Vector) -> Vector:
    """ln(1 - e^v) for v <= 0, accurate near both ends (-inf at v = 0)."""
    with np.errstate(divide="ignore"):
        return np.where(v > -0.6931471805599453, np.log(-np.expm1(v)), np.log1p(-np.exp(v)))
