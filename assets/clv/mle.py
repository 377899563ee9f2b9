"""Maximum likelihood on the log scale: the fitted-model record, the optimiser and standard errors.

Every model here has positive parameters. Optimising their logarithms keeps them positive without
constraints and makes the surface rounder (scale parameters such as alpha span orders of magnitude
between data in days and in weeks). The objective is the *mean* negative log-likelihood, so the
optimiser's tolerances mean the same for 2,000 customers as for 1,000,000.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import OptimizeResult, minimize

Vector = NDArray[np.float64]
Objective = Callable[[Vector], tuple[float, Vector]]
"""log-parameters -> (mean negative log-likelihood, its gradient with respect to the log-parameters)."""

LOG_SPAN = 20.0
"""How far (in log units, a factor of about 5e8) a parameter may move from its start; the box keeps
exp() finite when a parameter is not identified by the data and drifts toward 0 or infinity."""

MAX_LOG_STD_ERROR = LOG_SPAN / 2
"""A parameter whose standard error on the log scale exceeds this is not identified: its +/- 2
standard-error interval is wider than the whole box searched, so the data say nothing about it, and
a finite error there would only reflect rounding along a flat ridge. Its standard error is inf."""


@dataclass(frozen=True)
class ModelFit:
    """A fitted model: what the pipeline stores and what every prediction function takes."""

    model: str  # "bgnbd" | "pareto_nbd" | "gamma_gamma"
    params: dict[str, float]  # bgnbd: r, alpha, a, b; pareto_nbd: r, alpha, s, beta; gamma_gamma: p, q, gamma
    std_errors: dict[str, float]  # same keys; inf where the data do not pin the parameter down (not identified)
    log_likelihood: float  # total over customers, the convention of the published figures
    n_customers: int
    converged: bool  # the optimiser met its tolerance (a parameter the data leave open may sit at the box edge)

    @property
    def unidentified(self) -> list[str]:
        """The parameters the data leave open (standard error inf): their values are arbitrary points on a ridge."""
        return [name for name, error in self.std_errors.items() if not math.isfinite(error)]


def maximise(
    model: str,
    names: Sequence[str],
    objective: Objective,
    starts: Sequence[Vector],
    *,
    n_customers: int,
    total_weight: float,
    value: Callable[[Vector], float] | None = None,
) -> ModelFit:
    """Fit by L-BFGS-B from each start in turn until one converges; keep the best result.

    ``total_weight`` turns the mean objective back into the total log-likelihood. Standard errors
    come from the inverse Hessian of the total negative log-likelihood on the log scale, by central
    differences of the gradient, or of ``value`` when given (for models whose gradient is itself
    numerical, where differencing it twice would cost more and be noisier), then the delta method:
    se(theta) = theta * se(log theta).
    """
    best: tuple[OptimizeResult, bool, list[tuple[float, float]]] | None = None
    for start in starts:
        start = np.asarray(start, dtype=np.float64)
        bounds = list(zip(start - LOG_SPAN, start + LOG_SPAN, strict=True))
        result = minimize(
            objective,
            start,
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": 2000, "ftol": 1e-14, "gtol": 1e-9},
        )
        converged = bool(np.isfinite(result.fun)) and (result.success or _stationary(objective, result.x, bounds))
        if best is None or (converged, -result.fun) > (best[1], -best[0].fun):
            best = (result, converged, bounds)
        if converged:
            break
    assert best is not None, "maximise needs at least one start"
    result, converged, bounds = best
    theta = np.exp(result.x)
    hessian = _hessian_from_values(value, result.x) if value else _hessian_from_gradient(objective, result.x)
    errors = _std_errors(hessian * total_weight, theta, _at_bound(result.x, bounds))
    return ModelFit(
        model=model,
        params={name: float(v) for name, v in zip(names, theta, strict=True)},
        std_errors={name: float(v) for name, v in zip(names, errors, strict=True)},
        log_likelihood=float(-result.fun * total_weight),
        n_customers=n_customers,
        converged=converged,
    )


def collapse(*columns: Vector) -> tuple[tuple[Vector, ...], Vector]:
    """Distinct rows of the given columns, sorted lexicographically, and how often each occurs.

    Customers with the same (x, t_x, T) have the same likelihood; data recorded in whole days has
    many such repeats, so fitting on distinct rows with weights is much faster and exact.
    """
    order = np.lexsort(columns[::-1])
    ordered = [c[order] for c in columns]
    changed = np.zeros(len(order), dtype=bool)
    changed[:1] = True
    for c in ordered:
        changed[1:] |= c[1:] != c[:-1]
    starts = np.flatnonzero(changed)
    counts = np.diff(np.append(starts, len(order))).astype(np.float64)
    return tuple(c[starts] for c in ordered), counts


def _stationary(objective: Objective, x: Vector, bounds: list[tuple[float, float]]) -> bool:
    """L-BFGS-B sometimes stops on a line-search failure at the optimum itself (the objective is
    flat to rounding there); accept the point when its projected gradient is negligible."""
    _, gradient = objective(x)
    low, high = np.array(bounds).T
    free = ~(((x <= low) & (gradient > 0)) | ((x >= high) & (gradient < 0)))
    return bool(np.all(np.abs(gradient[free]) < 1e-6))


def _at_bound(x: Vector, bounds: list[tuple[float, float]]) -> NDArray[np.bool_]:
    low, high = np.array(bounds).T
    return (x - low < 1e-6) | (high - x < 1e-6)


def _hessian_from_gradient(objective: Objective, x: Vector, step: float = 1e-5) -> Vector:
    columns = []
    for i in range(len(x)):
        shift = np.zeros_like(x)
        shift[i] = step
        columns.append((objective(x + shift)[1] - objective(x - shift)[1]) / (2 * step))
    hessian = np.array(columns)
    return (hessian + hessian.T) / 2


def _hessian_from_values(value: Callable[[Vector], float], x: Vector, step: float = 1e-3) -> Vector:
    k = len(x)
    unit = np.eye(k) * step
    centre = value(x)
    hessian = np.empty((k, k))
    for i in range(k):
        hessian[i, i] = (value(x + unit[i]) - 2 * centre + value(x - unit[i])) / step**2
        for j in range(i):
            cross = (
                value(x + unit[i] + unit[j])
                - value(x + unit[i] - unit[j])
                - value(x - unit[i] + unit[j])
                + value(x - unit[i] - unit[j])
            ) / (4 * step**2)
            hessian[i, j] = hessian[j, i] = cross
    return hessian


def _std_errors(hessian: Vector, theta: Vector, pinned: NDArray[np.bool_]) -> Vector:
    """Delta-method standard errors; inf for parameters the data leave undetermined (at the box
    edge, where the Hessian is not positive definite, or with a log-scale error above
    MAX_LOG_STD_ERROR), rather than a misleading number."""
    errors = np.full(len(theta), math.inf)
    free = ~pinned
    if not free.any():
        return errors
    try:
        covariance = np.linalg.inv(hessian[np.ix_(free, free)])
    except np.linalg.LinAlgError:
        return errors
    variance = np.diag(covariance)
    ok = np.isfinite(variance) & (variance > 0) & (variance < MAX_LOG_STD_ERROR**2)
    errors[np.flatnonzero(free)[ok]] = theta[free][ok] * np.sqrt(variance[ok])
    return errors
