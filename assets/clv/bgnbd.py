"""BG/NBD purchase model (Fader, Hardie and Lee 2005): likelihood, fit and predictions.

Story: while alive a customer buys at Poisson rate lambda ~ Gamma(r, alpha); after each repeat
purchase they drop out with probability p ~ Beta(a, b). Data per customer: x repeat purchases,
the last at t_x, observed for T since the first purchase. Implemented from the paper's formulas.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1

from assets.clv.mle import ModelFit, Objective, collapse, maximise
from assets.clv.validation import purchase_columns, require_fittable

Vector = NDArray[np.float64]
NAMES = ("r", "alpha", "a", "b")


def fit_bgnbd(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> ModelFit:
    """Maximum-likelihood BG/NBD fit; raises CLVDataError when the data cannot support one."""
    x, t_x, big_t = purchase_columns(frequency, recency, T)
    require_fittable(x, "BG/NBD")
    (ux, utx, ut), weights = collapse(x, t_x, big_t)
    objective = _objective(ux, utx, ut, weights)
    rate = x.sum() / max(big_t.sum(), 1e-12)  # repeat purchases per unit time, to scale alpha to the data
    starts = [np.log([1.0, 1.0 / rate, 1.0, 3.0]), np.log([0.5, 0.5 / rate, 0.5, 0.5]), np.log([2, 2 / rate, 2, 10])]
    return maximise("bgnbd", NAMES, objective, starts, n_customers=len(x), total_weight=weights.sum())


def log_likelihood(params: Mapping[str, float], frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> Vector:
    """Per-customer log-likelihood ln L(r, alpha, a, b | x, t_x, T) (the paper's equation 6)."""
    x, t_x, big_t = purchase_columns(frequency, recency, T)
    r, alpha, a, b = (params[k] for k in NAMES)
    return (
        gammaln(r + x)
        - gammaln(r)
        + r * np.log(alpha)
        + betaln(a, b + x)
        - betaln(a, b)
        - (r + x) * np.log(alpha + big_t)
        + np.where(x > 0, np.logaddexp(0.0, _log_odds_dead(params, x, t_x, big_t)), 0.0)
    )


def p_alive(params: Mapping[str, float], frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> Vector:
    """P(alive at T | x, t_x, T); 1 for customers without repeat purchases, who cannot have dropped out."""
    x, t_x, big_t = purchase_columns(frequency, recency, T)
    return np.where(x > 0, expit(-_log_odds_dead(params, x, t_x, big_t)), 1.0)


def expected_purchases_if_alive(params: Mapping[str, float], t: float, frequency: ArrayLike, T: ArrayLike) -> Vector:
    """E[purchases in (T, T + t] | alive at T, x, T]: a new customer's expectation with the
    posterior parameters r + x, alpha + T, a, b + x. Times P(alive) it is the paper's equation 10."""
    x, big_t = np.asarray(frequency, dtype=np.float64), np.asarray(T, dtype=np.float64)
    r, alpha, a, b = (params[k] for k in NAMES)
    return expected_count(r + x, alpha + big_t, a, b + x, t)


def expected_purchases_new_customer(params: Mapping[str, float], t: float | ArrayLike) -> Vector:
    """E[X(t)]: repeat purchases a customer makes in the t time units after their first purchase."""
    r, alpha, a, b = (params[k] for k in NAMES)
    return expected_count(r, alpha, a, b, np.asarray(t, dtype=np.float64))


def p_no_purchases_new_customer(params: Mapping[str, float], t: float | ArrayLike) -> Vector:
    """P(X(t) = 0) = (alpha / (alpha + t))^r: nobody drops out before a repeat purchase."""
    r, alpha = params["r"], params["alpha"]
    return np.exp(r * (np.log(alpha) - np.log(alpha + np.asarray(t, dtype=np.float64))))


def expected_count(r: ArrayLike, alpha: ArrayLike, a: float, b: ArrayLike, t: ArrayLike) -> Vector:
    """E[X(t)] for BG/NBD parameters (r, alpha, a, b), broadcast elementwise.

    E[X(t)] = (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; z)], z = t/(alpha+t). By
    Euler's transformation the bracket is also 1 - (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b-1; z), whose
    pieces stay finite when r is large; the original form is the better one when a is large.
    Each is tried in turn and a value is kept only if it lies in [0, min(r t / alpha, E[1/p])]:
    scipy's hyp2f1 can return finite nonsense for large parameters near z = 1. What both forms miss
    (extreme b with z near 1) comes from the defining integral E_p[(1 - (1 + p t/alpha)^-r) / p],
    p ~ Beta(a, b), by adaptive quadrature. The expression is 0/0 at a = 1, so within 1e-3 of it
    the value is interpolated between a = 1 -/+ 1e-3 (the curve is smooth in a; error ~1e-7).
    """
    arrays = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (r, alpha, b, t)))
    shape = arrays[0].shape
    r, alpha, b, t = (v.ravel() for v in arrays)
    h = 1e-3
    if abs(a - 1.0) < h:
        low, high = _expected_count(r, alpha, 1.0 - h, b, t), _expected_count(r, alpha, 1.0 + h, b, t)
        return (low + (high - low) * (a - (1.0 - h)) / (2 * h)).reshape(shape)
    return _expected_count(r, alpha, a, b, t).reshape(shape)


def _expected_count(r: Vector, alpha: Vector, a: float, b: Vector, t: Vector) -> Vector:
    log_1mz = np.log(alpha) - np.log(alpha + t)
    z = -np.expm1(log_1mz)
    # nobody buys more than a customer who never drops out (r t / alpha), nor, when a > 1, than
    # the expected purchases of a whole lifetime E[1/p] = (a+b-1)/(a-1)
    ceiling = np.minimum(r * t / alpha, (a + b - 1) / (a - 1) if a > 1 else np.inf) * (1 + 1e-9)
    with np.errstate(all="ignore"):
        value = (a + b - 1) / (a - 1) * (1.0 - np.exp((a - 1) * log_1mz) * hyp2f1(a + b - 1 - r, a - 1, a + b - 1, z))
        bad = ~((value >= 0) & (value <= ceiling))
        if bad.any():
            rb, bb, zb, lb = r[bad], b[bad], z[bad], log_1mz[bad]
            value[bad] = (a + bb - 1) / (a - 1) * (1.0 - np.exp(rb * lb) * hyp2f1(rb, bb, a + bb - 1, zb))
            bad = ~((value >= 0) & (value <= ceiling))
    if bad.any():
        # customers recorded in whole days share parameter sets: integrate each set once
        cases, which = np.unique(np.column_stack([r[bad], alpha[bad], b[bad], t[bad]]), axis=0, return_inverse=True)
        integrals = np.array([_expected_count_by_quadrature(rc, ac, a, bc, tc) for rc, ac, bc, tc in cases])
        value[bad] = integrals[which.ravel()]
    return value


def _expected_count_by_quadrature(r: float, alpha: float, a: float, b: float, t: float) -> float:
    """E_p[(1 - (1 + p t/alpha)^-r) / p] for p ~ Beta(a, b), by adaptive quadrature of the
    integrand formed in log space, with breakpoints where it changes shape: the bulk of the Beta
    density (mode +/- 6 sd) and the knee at p = alpha / t."""
    # imported here: scipy.integrate adds about 0.4 s to importing this module, for a rare fallback
    from scipy.integrate import IntegrationWarning, quad

    ratio = t / alpha
    log_norm = betaln(a, b)

    def integrand(p: float) -> float:
        if p <= 0.0 or p >= 1.0:
            return 0.0
        per_p = -np.expm1(-r * np.log1p(p * ratio)) / p
        return float(per_p * np.exp((a - 1) * np.log(p) + (b - 1) * np.log1p(-p) - log_norm))

    mean = a / (a + b)
    sd = np.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    mode = (a - 1) / (a + b - 2) if a > 1 and b > 1 else mean
    marks = [mode - 6 * sd, mode - 2 * sd, mode, mode + 2 * sd, mode + 6 * sd, 1.0 / ratio]
    points = sorted({float(m) for m in marks if 0.0 < m < 1.0})
    with warnings.catch_warnings():
        # QUADPACK warns when it cannot certify the tolerance; its estimate is still the best available
        warnings.simplefilter("ignore", IntegrationWarning)
        value, _ = quad(integrand, 0.0, 1.0, points=points or None, limit=500, epsabs=0.0, epsrel=1e-10)
    return value


def _log_odds_dead(params: Mapping[str, float], x: Vector, t_x: Vector, big_t: Vector) -> Vector:
    """ln[P(dropped out after the last purchase) / P(alive)] for customers with x > 0:
    ln(a / (b + x - 1)) + (r + x) ln((alpha + T) / (alpha + t_x))."""
    r, alpha, a, b = (params[k] for k in NAMES)
    with np.errstate(divide="ignore", invalid="ignore"):  # x = 0 rows are unused and may be NaN
        return np.log(a) - np.log(b + x - 1) + (r + x) * (np.log(alpha + big_t) - np.log(alpha + t_x))


def _objective(x: Vector, t_x: Vector, big_t: Vector, weights: Vector) -> Objective:
    """Mean negative log-likelihood and its analytic gradient in (ln r, ln alpha, ln a, ln b).

    Everything that depends on x alone (gammaln, betaln, digamma) is evaluated once per distinct
    x and summed with the per-x weights: purchase counts have few distinct values, so each
    evaluation costs a handful of array operations per customer.
    """
    ux, inverse = np.unique(x, return_inverse=True)
    wx = np.bincount(inverse, weights=weights)
    total = weights.sum()
    repeat = x > 0
    w_rep, x_rep, tx_rep, inv_rep = weights[repeat], x[repeat], t_x[repeat], inverse[repeat]

    def objective(theta: Vector) -> tuple[float, Vector]:
        r, alpha, a, b = np.exp(theta)
        per_x = gammaln(r + ux) - gammaln(r) + betaln(a, b + ux) - betaln(a, b)
        d_r_x = digamma(r + ux) - digamma(r)
        d_a_x = digamma(a + b) - digamma(a + b + ux)
        d_b_x = digamma(b + ux) - digamma(a + b + ux) - digamma(b) + digamma(a + b)
        log_t = np.log(alpha + big_t)
        log_t_rep = log_t[repeat]
        log_tx_rep = np.log(alpha + tx_rep)
        with np.errstate(divide="ignore", invalid="ignore"):  # used for x > 0 only
            log_c = np.log(a) - np.log(b + ux - 1)
        gap = log_t_rep - log_tx_rep
        odds = log_c[inv_rep] + (r + x_rep) * gap
        sigma = expit(odds)
        ll = wx @ per_x + total * r * np.log(alpha) - weights @ ((r + x) * log_t) + w_rep @ np.logaddexp(0.0, odds)
        inv_t = 1.0 / (alpha + big_t)
        ws = w_rep * sigma
        g_r = wx @ d_r_x + total * np.log(alpha) - weights @ log_t + ws @ gap
        g_alpha = (
            total * r / alpha
            - weights @ ((r + x) * inv_t)
            + ws @ ((r + x_rep) * (inv_t[repeat] - 1.0 / (alpha + tx_rep)))
        )
        g_a = wx @ d_a_x + ws.sum() / a
        g_b = wx @ d_b_x - ws @ (1.0 / (b + x_rep - 1))
        gradient = np.array([g_r * r, g_alpha * alpha, g_a * a, g_b * b])
        return -ll / total, -gradient / total

    return objective
