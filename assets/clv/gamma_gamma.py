"""Gamma-Gamma spend model (Fader and Hardie's note on monetary value): fit and expected spend.

Story: each transaction's value is Gamma(p, nu) with the customer's nu ~ Gamma(q, gamma), spend
independent of purchase frequency. The model sees, for each customer with x > 0 repeat
purchases, their mean repeat spend zbar; x * zbar is Gamma(p x, nu), so integrating nu out,

    f(zbar | x) = Gamma(px+q) / (Gamma(px) Gamma(q)) * gamma^q x^(px) zbar^(px-1) / (gamma + x zbar)^(px+q).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import digamma, gammaln

from assets.clv.errors import CLVDataError, NoSpendError
from assets.clv.mle import ModelFit, Objective, maximise
from assets.clv.validation import MIN_CUSTOMERS, as_column

Vector = NDArray[np.float64]
NAMES = ("p", "q", "gamma")


def fit_gamma_gamma(frequency: ArrayLike, monetary_value: ArrayLike) -> ModelFit:
    """Maximum-likelihood Gamma-Gamma fit on the customers with frequency > 0 and positive spend.

    Repeat buyers whose mean spend is exactly 0 are left out: a gamma variable is never 0, and
    free or fully refunded orders say nothing about how much paying customers spend. Raises
    CLVDataError when there are no repeat buyers, their spend is all zero (NoSpendError), fewer than
    MIN_CUSTOMERS of them remain, or the fitted q <= 1 (spend so heavy-tailed that the model's
    mean spend is infinite, so it cannot price a customer).
    """
    x, z = _spend_columns(frequency, monetary_value)
    repeat = x > 0
    if not repeat.any():
        raise CLVDataError(f"no repeat buyers among {len(x)} customers: Gamma-Gamma needs customers with frequency > 0")
    used = repeat & (z > 0)
    if not used.any():
        raise NoSpendError(
            f"all {int(repeat.sum())} repeat buyers have zero spend: Gamma-Gamma needs positive monetary values"
        )
    if used.sum() < MIN_CUSTOMERS:
        raise CLVDataError(
            f"only {int(used.sum())} repeat buyers with positive spend: Gamma-Gamma needs at least {MIN_CUSTOMERS}"
        )
    objective = _objective(x[used], z[used])
    mean = float(z[used].mean())
    starts = [np.log([1.0, 2.0, mean]), np.log([5.0, 3.0, 2.0 * mean]), np.log([0.5, 1.5, 0.25 * mean])]
    fit = maximise("gamma_gamma", NAMES, objective, starts, n_customers=int(used.sum()), total_weight=float(used.sum()))
    if fit.params["q"] <= 1.0:
        raise CLVDataError(
            f"the fitted spend distribution has q = {fit.params['q']:.3g} <= 1, so its mean spend is infinite: "
            "a few very large orders dominate; Gamma-Gamma cannot price customers on this data"
        )
    return fit


def log_likelihood(params: Mapping[str, float], frequency: ArrayLike, monetary_value: ArrayLike) -> Vector:
    """Per-customer log density of the mean repeat spend (customers with x > 0 and spend > 0)."""
    x, z = _spend_columns(frequency, monetary_value)
    p, q, gamma = (params[k] for k in NAMES)
    px = p * x
    return (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(gamma)
        + px * np.log(x)
        + (px - 1) * np.log(z)
        - (px + q) * np.log(gamma + x * z)
    )


def expected_average_spend(params: Mapping[str, float], frequency: ArrayLike, monetary_value: ArrayLike) -> Vector:
    """E[spend per transaction | x, zbar] = p (gamma + x zbar) / (p x + q - 1).

    A weighted average of the population mean p gamma / (q - 1) and the customer's own mean, the
    weight on the own mean growing with x; at x = 0 it is exactly the population mean.
    """
    x, z = _spend_columns(frequency, monetary_value)
    p, q, gamma = (params[k] for k in NAMES)
    return p * (gamma + x * z) / (p * x + q - 1)


def _spend_columns(frequency: ArrayLike, monetary_value: ArrayLike) -> tuple[Vector, Vector]:
    x, z = as_column("frequency", frequency), as_column("monetary_value", monetary_value)
    if len(x) != len(z):
        raise CLVDataError(f"frequency and monetary_value must have one value per customer; got {len(x)} and {len(z)}")
    return x, z


def _objective(x: Vector, z: Vector) -> Objective:
    """Mean negative log-likelihood and its analytic gradient in (ln p, ln q, ln gamma).

    The gamma functions depend on x alone and are evaluated once per distinct x; the log z
    terms do not depend on the parameters and are summed once. Per customer and evaluation
    that leaves one log and one division.
    """
    ux, inverse = np.unique(x, return_inverse=True)
    nx = np.bincount(inverse).astype(np.float64)  # customers per distinct x
    total = float(len(x))
    log_ux = np.log(ux)
    log_z = np.log(z)
    sum_log_z, sum_x_log_z = log_z.sum(), x @ log_z
    xz = x * z

    def objective(theta: Vector) -> tuple[float, Vector]:
        p, q, gamma = np.exp(theta)
        px = p * ux
        log_mix = np.log(gamma + xz)
        sum_mix, sum_x_mix = log_mix.sum(), x @ log_mix
        psi_sum = digamma(px + q)
        ll = (
            nx @ (gammaln(px + q) - gammaln(px) + px * log_ux)
            - total * (gammaln(q) - q * np.log(gamma))
            + p * sum_x_log_z
            - sum_log_z
            - p * sum_x_mix
            - q * sum_mix
        )
        g_p = nx @ (ux * (psi_sum - digamma(px) + log_ux)) + sum_x_log_z - sum_x_mix
        g_q = nx @ psi_sum - total * (digamma(q) - np.log(gamma)) - sum_mix
        g_gamma = total * q / gamma - np.sum((p * x + q) / (gamma + xz))
        gradient = np.array([g_p * p, g_q * q, g_gamma * gamma])
        return -ll / total, -gradient / total

    return objective
