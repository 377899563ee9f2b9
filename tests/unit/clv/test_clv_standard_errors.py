"""Standard errors against an independent computation: the inverse of a finite-difference Hessian of
the total log-likelihood on the natural parameter scale (the module differentiates on the log scale and
applies the delta method; at the maximum the two agree)."""

from collections.abc import Callable

import numpy as np
import pytest
from clv_data import cdnow_arrays

from assets.clv import bgnbd, gamma_gamma
from assets.clv.models import fit_bgnbd, fit_gamma_gamma

X, T_X, T, ZBAR = cdnow_arrays()


def natural_scale_std_errors(total_log_likelihood: Callable[[np.ndarray], float], theta: np.ndarray) -> np.ndarray:
    """sqrt(diag(-H^-1)), H by central second differences with steps of 1e-4 of each parameter."""
    steps = 1e-4 * theta
    k = len(theta)
    hessian = np.empty((k, k))
    for i in range(k):
        for j in range(k):
            ei, ej = np.eye(k)[i] * steps[i], np.eye(k)[j] * steps[j]
            hessian[i, j] = (
                total_log_likelihood(theta + ei + ej)
                - total_log_likelihood(theta + ei - ej)
                - total_log_likelihood(theta - ei + ej)
                + total_log_likelihood(theta - ei - ej)
            ) / (4 * steps[i] * steps[j])
    return np.sqrt(np.diag(np.linalg.inv(-hessian)))


def test_bgnbd_standard_errors_on_cdnow():
    fit = fit_bgnbd(X, T_X, T)
    names = list(bgnbd.NAMES)

    def total(theta: np.ndarray) -> float:
        return float(bgnbd.log_likelihood(dict(zip(names, theta, strict=True)), X, T_X, T).sum())

    reference = natural_scale_std_errors(total, np.array([fit.params[n] for n in names]))
    assert [fit.std_errors[n] for n in names] == pytest.approx(reference, rel=0.005)


def test_gamma_gamma_standard_errors_on_cdnow():
    fit = fit_gamma_gamma(X, ZBAR)
    names = list(gamma_gamma.NAMES)
    used = (X > 0) & (ZBAR > 0)

    def total(theta: np.ndarray) -> float:
        params = dict(zip(names, theta, strict=True))
        return float(gamma_gamma.log_likelihood(params, X[used], ZBAR[used]).sum())

    reference = natural_scale_std_errors(total, np.array([fit.params[n] for n in names]))
    assert [fit.std_errors[n] for n in names] == pytest.approx(reference, rel=0.005)
