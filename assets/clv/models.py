"""The model API the pipeline calls: choose and fit a purchase model, and predict from any fit.

Each prediction dispatches on ``fit.model`` to the model's own module, so callers hold a
``ModelFit`` and never need to know which purchase model won.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from assets.clv import bgnbd, gamma_gamma, pareto_nbd
from assets.clv.bgnbd import fit_bgnbd
from assets.clv.errors import CLVDataError
from assets.clv.gamma_gamma import fit_gamma_gamma
from assets.clv.mle import ModelFit
from assets.clv.pareto_nbd import fit_pareto_nbd
from assets.clv.validation import purchase_columns, require_fittable

__all__ = [
    "ModelFit",
    "expected_average_spend",
    "expected_purchases",
    "expected_purchases_new_customer",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "fit_pareto_nbd",
    "fit_purchase_model",
    "p_alive",
    "p_no_purchases_new_customer",
]

Vector = NDArray[np.float64]
_PURCHASE_MODELS = {"bgnbd": bgnbd, "pareto_nbd": pareto_nbd}
_FITTERS: dict[str, Callable[[ArrayLike, ArrayLike, ArrayLike], ModelFit]] = {
    "bgnbd": fit_bgnbd,
    "pareto_nbd": fit_pareto_nbd,
}


def fit_purchase_model(
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    model: Literal["auto", "bgnbd", "pareto_nbd"] = "auto",
) -> ModelFit:
    """Fit BG/NBD, Pareto/NBD, or with "auto" both, keeping the higher log-likelihood.

    Both models have four parameters, so the likelihood compares them fairly when the data pin
    those down. A converged fit is preferred to one that did not converge, then the fit with fewer
    unidentified parameters (on a flat ridge a higher likelihood says little, and the model that
    leaves less open is the one whose predictions rest on the data); if one model raises
    CLVDataError the other is kept, and only if both fail does this raise, with both reasons.
    """
    if model != "auto":
        if model not in _FITTERS:
            raise ValueError(f"unknown purchase model {model!r}: expected 'auto', 'bgnbd' or 'pareto_nbd'")
        return _FITTERS[model](frequency, recency, T)
    x, t_x, big_t = purchase_columns(frequency, recency, T)
    require_fittable(x, "a purchase model")  # fail once, with one reason, for data neither model can use
    fits: list[ModelFit] = []
    reasons: list[str] = []
    for name, fitter in _FITTERS.items():
        try:
            fits.append(fitter(x, t_x, big_t))
        except CLVDataError as exc:
            reasons.append(f"{name}: {exc}")
    if not fits:
        raise CLVDataError("no purchase model could be fitted; " + "; ".join(reasons))
    return max(fits, key=lambda fit: (fit.converged, -len(fit.unidentified), fit.log_likelihood))


def p_alive(fit: ModelFit, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> Vector:
    """P(the customer is still active at the end of calibration | x, t_x, T)."""
    return purchase_model_module(fit).p_alive(fit.params, frequency, recency, T)


def expected_purchases(fit: ModelFit, t: float, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> Vector:
    """E[repeat purchases in the next t time units | x, t_x, T] = P(alive) * E[purchases | alive]."""
    module = purchase_model_module(fit)
    x, t_x, big_t = purchase_columns(frequency, recency, T)
    return module.p_alive(fit.params, x, t_x, big_t) * module.expected_purchases_if_alive(fit.params, t, x, big_t)


def expected_purchases_new_customer(fit: ModelFit, t: float | ArrayLike) -> Vector:
    """E[X(t)]: repeat purchases in the t time units after a first purchase (t may be an array)."""
    return np.asarray(purchase_model_module(fit).expected_purchases_new_customer(fit.params, _times(t)))


def p_no_purchases_new_customer(fit: ModelFit, t: float | ArrayLike) -> Vector:
    """P(X(t) = 0): no repeat purchase in the t time units after a first purchase."""
    return np.asarray(purchase_model_module(fit).p_no_purchases_new_customer(fit.params, _times(t)))


def expected_average_spend(fit: ModelFit, frequency: ArrayLike, monetary_value: ArrayLike) -> Vector:
    """Gamma-Gamma E[spend per transaction | x, zbar]; customers with x = 0 get the population mean."""
    if fit.model != "gamma_gamma":
        raise ValueError(f"expected_average_spend needs a gamma_gamma fit, not {fit.model!r}")
    return gamma_gamma.expected_average_spend(fit.params, frequency, monetary_value)


def purchase_model_module(fit: ModelFit) -> ModuleType:
    """The module (bgnbd or pareto_nbd) that implements ``fit``'s predictions."""
    if fit.model not in _PURCHASE_MODELS:
        raise ValueError(f"this prediction needs a bgnbd or pareto_nbd fit, not {fit.model!r}")
    return _PURCHASE_MODELS[fit.model]


def _times(t: float | ArrayLike) -> Vector:
    times = np.asarray(t, dtype=np.float64)
    if not np.all(np.isfinite(times)) or np.any(times < 0):
        raise ValueError("prediction times must be finite and non-negative")
    return times
