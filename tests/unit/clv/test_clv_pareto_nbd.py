"""Pareto/NBD numerics: the likelihood for extreme customers against an independent series, and
the predictions' limits and consistency."""

import numpy as np
import pytest
from scipy.special import gammaln, logsumexp

from assets.clv.models import (
    ModelFit,
    expected_purchases,
    expected_purchases_new_customer,
    p_alive,
    p_no_purchases_new_customer,
)
from assets.clv.pareto_nbd import log_likelihood

CDNOW = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
CUSTOMERS = [  # (x, t_x, T): ordinary, just bought, hundreds and a thousand purchases, long dead
    (0, 0.0, 39.0),
    (1, 0.5, 39.0),
    (2, 38.86, 38.86),
    (500, 38.0, 39.0),
    (300, 1.0, 39.0),
    (1000, 700.0, 720.0),
]


def reference_log_tail(r: float, alpha: float, s: float, beta: float, x: float, tau: float) -> float:
    """ln of the integral from tau to infinity of (alpha+u)^-(r+x) (beta+u)^-(s+1) du, by summing the
    binomial expansion of the factor with the larger scale term by term in log space: a different
    route from the module's continued fraction, slow but plain."""
    n = r + s + x
    k = np.arange(40_000, dtype=np.float64)
    if alpha >= beta:
        big, first, z = alpha + tau, s + 1, (alpha - beta) / (alpha + tau)
    else:
        big, first, z = beta + tau, r + x, (beta - alpha) / (beta + tau)
    if z == 0:
        return -n * np.log(big) - np.log(n)
    terms = gammaln(first + k) - gammaln(first) - gammaln(k + 1) + k * np.log(z) - np.log(n + k)
    return -n * np.log(big) + logsumexp(terms)


def reference_log_likelihood(params: dict[str, float], x: float, t_x: float, big_t: float) -> float:
    r, alpha, s, beta = (params[k] for k in ("r", "alpha", "s", "beta"))
    log_alive = -(r + x) * np.log(alpha + big_t) - s * np.log(beta + big_t)
    upper, lower = reference_log_tail(r, alpha, s, beta, x, t_x), reference_log_tail(r, alpha, s, beta, x, big_t)
    with np.errstate(divide="ignore"):
        log_dead = np.log(s) + upper + np.log1p(-np.exp(min(lower - upper, 0.0)))
    return gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta) + np.logaddexp(log_alive, log_dead)


@pytest.mark.parametrize(
    "params",
    [CDNOW, {**CDNOW, "alpha": 11.669, "beta": 10.578}, {"r": 2.0, "alpha": 2.0, "s": 0.3, "beta": 20.0}],
    ids=["alpha<beta", "alpha>beta", "scales-10x-apart"],
)
def test_log_likelihood_matches_an_independent_series_even_for_a_thousand_purchases(params):
    x, t_x, big_t = (np.array(column, dtype=np.float64) for column in zip(*CUSTOMERS, strict=True))
    ours = log_likelihood(params, x, t_x, big_t)
    reference = [reference_log_likelihood(params, *customer) for customer in CUSTOMERS]
    assert np.all(np.isfinite(ours))
    assert ours == pytest.approx(reference, abs=1e-9)


FIT = ModelFit("pareto_nbd", CDNOW, {}, -9595.0, 2357, True)


def test_p_alive_bounds_and_monotone_in_recency():
    alive = p_alive(
        FIT, [3, 3, 3, 0, 2, 800], [1.0, 20.0, 39.0, 0.0, 38.86, 5.0], [39.0, 39.0, 39.0, 39.0, 38.86, 39.0]
    )
    assert np.all((alive >= 0) & (alive <= 1))
    assert alive[0] < alive[1] < alive[2] == pytest.approx(1.0)  # bought at T: certainly alive
    assert alive[5] < 1e-100  # 800 purchases, then silence for 34 weeks: gone, without underflow trouble


def test_predictions_for_a_customer_seen_at_time_zero_are_the_new_customer_ones():
    times = np.array([0.0, 1.0, 39.0, 520.0])
    fresh = [expected_purchases(FIT, t, [0], [0.0], [0.0])[0] for t in times]
    assert fresh == pytest.approx(expected_purchases_new_customer(FIT, times), rel=1e-12)
    assert expected_purchases_new_customer(FIT, 0.0) == 0.0
    zero = p_no_purchases_new_customer(FIT, times)
    assert zero[0] == pytest.approx(1.0) and np.all(np.diff(zero) < 0)


def test_s_equal_to_one_is_the_limit_of_its_neighbours():
    at_one = expected_purchases_new_customer(ModelFit("pareto_nbd", {**CDNOW, "s": 1.0}, {}, 0, 0, True), 39.0)
    near = [
        expected_purchases_new_customer(ModelFit("pareto_nbd", {**CDNOW, "s": 1.0 + d}, {}, 0, 0, True), 39.0)
        for d in (-1e-7, 1e-7)
    ]
    assert at_one == pytest.approx(np.mean(near), rel=1e-6)


def fixed_death_rate_log_likelihood(r: float, alpha: float, mu: float, x: float, t_x: float, big_t: float) -> float:
    """ln L when every customer's death rate is exactly mu: the limit of Pareto/NBD as s and beta grow
    with s / beta = mu. L = Gamma(r+x) alpha^r / Gamma(r) [(alpha+T)^-(r+x) e^(-mu T) + mu J], J the
    integral from t_x to T of (alpha+u)^-(r+x) e^(-mu u) du, by quadrature, scaled to its value at t_x."""
    from scipy.integrate import quad

    def log_integrand(u: float) -> float:
        return -(r + x) * np.log(alpha + u) - mu * u

    peak = log_integrand(t_x)
    integral, _ = quad(lambda u: np.exp(log_integrand(u) - peak), t_x, big_t, epsabs=0.0, epsrel=1e-12)
    log_dead = np.log(mu) + peak + np.log(integral) if big_t > t_x else -np.inf
    return float(gammaln(r + x) - gammaln(r) + r * np.log(alpha) + np.logaddexp(log_integrand(big_t), log_dead))


def test_log_likelihood_is_exact_far_along_the_ridge_where_s_and_beta_grow_together():
    # the point a one-repeat-buyer fit used to stop at: s ln(beta) - s ln(beta + T) there is a
    # difference of two numbers near 5e9, which loses about six decimals unless formed with log1p
    r, alpha, s, beta = 10.0, 1.0e4, 2.4e8, 1.2e9
    customers = [(0, 0.0, 30.0), (1, 5.0, 30.0), (3, 20.0, 39.0)]
    x, t_x, big_t = (np.array(column, dtype=np.float64) for column in zip(*customers, strict=True))
    ours = log_likelihood({"r": r, "alpha": alpha, "s": s, "beta": beta}, x, t_x, big_t)
    # Gamma(s, beta) has relative spread 1/sqrt(s): at s = 2.4e8 the limit is exact to ~1e-8
    reference = [fixed_death_rate_log_likelihood(r, alpha, s / beta, *customer) for customer in customers]
    assert ours == pytest.approx(reference, abs=1e-7)
