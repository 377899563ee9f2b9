"""Fits recover the parameters of data simulated from the models' own stories.

Tolerance: each estimate within 4 of its own standard errors of the truth. The standard errors
come from the fit's inverse Hessian, so this checks the estimates and the errors together: a
biased likelihood or a wrong Hessian fails it, while sampling noise alone (estimates normal
around the truth, P(|Z| > 4) = 6.33e-5 each) puts one of a model's four parameters beyond 4 standard
errors with probability 1 - (1 - 6.33e-5)^4 = 2.5e-4, about 1 in 3,950 (1 in 5,260 for Gamma-Gamma's
three; the parameters are correlated, which only lowers these), and the seed is fixed.
"""

import numpy as np
import pytest
from clv_data import simulate_bgnbd, simulate_pareto_nbd, simulate_spend

from assets.clv.mle import ModelFit
from assets.clv.models import fit_bgnbd, fit_gamma_gamma, fit_pareto_nbd


def assert_recovered(fit: ModelFit, truth: dict[str, float], within: float = 4.0) -> None:
    assert fit.converged
    for name, value in truth.items():
        error = fit.std_errors[name]
        assert np.isfinite(error) and 0 < error < value, name
        assert abs(fit.params[name] - value) < within * error, (name, fit.params[name], value, error)


BGNBD = {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}


@pytest.fixture(scope="module")
def bgnbd_customers() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return simulate_bgnbd(np.random.default_rng(20_000), 20_000, max_t=78.0, **BGNBD)


def test_bgnbd_recovers_its_parameters(bgnbd_customers):
    assert_recovered(fit_bgnbd(*bgnbd_customers), BGNBD)


def test_gamma_gamma_recovers_its_parameters(bgnbd_customers):
    x = bgnbd_customers[0]
    truth = {"p": 6.0, "q": 4.0, "gamma": 15.0}
    spend = simulate_spend(np.random.default_rng(7), x, **truth)
    assert_recovered(fit_gamma_gamma(x, spend), truth)


def test_pareto_nbd_recovers_its_parameters_and_beats_bgnbd_on_its_own_data():
    truth = {"r": 0.55, "alpha": 10.0, "s": 0.6, "beta": 12.0}
    customers = simulate_pareto_nbd(np.random.default_rng(5), 5_000, max_t=78.0, **truth)
    pareto = fit_pareto_nbd(*customers)
    assert_recovered(pareto, truth)
    # what fit_purchase_model("auto") compares
    assert pareto.log_likelihood > fit_bgnbd(*customers).log_likelihood
