"""Checks on the per-customer arrays the models take, so bad data fails early and in plain words."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from assets.clv.errors import CLVDataError

MIN_CUSTOMERS = 10
"""Fewest customers a model is fitted on: four parameters (three for Gamma-Gamma) need more rows
than that to be more than noise, and below ten a fit is almost always a data-loading mistake."""


def as_column(name: str, values: ArrayLike) -> NDArray[np.float64]:
    """``values`` as a 1-D float64 array, with every entry finite and non-negative."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise CLVDataError(f"{name} must be numbers, one per customer: {exc}") from exc
    if array.ndim != 1:
        raise CLVDataError(f"{name} must be one-dimensional (one value per customer); got shape {array.shape}")
    _fail_where(~np.isfinite(array), name, "are NaN or infinite", "a finite number")
    _fail_where(array < 0, name, "are negative", "zero or more")
    return array


def purchase_columns(
    frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Checked (frequency, recency, T) arrays: whole repeat counts, 0 <= recency <= T."""
    x, t_x, big_t = as_column("frequency", frequency), as_column("recency", recency), as_column("T", T)
    if not len(x) == len(t_x) == len(big_t):
        raise CLVDataError(
            f"frequency, recency and T must have one value per customer each; got {len(x)}, {len(t_x)}, {len(big_t)}"
        )
    _fail_where(x != np.floor(x), "frequency", "are not whole numbers", "a count of repeat purchases")
    _fail_where(t_x > big_t, "recency", "exceed T", "at most T (the last purchase cannot be after the period ends)")
    _fail_where((x == 0) & (t_x != 0), "recency", "are not 0 although frequency is 0", "0 without repeat purchases")
    return x, t_x, big_t


def require_fittable(x: NDArray[np.float64], model: str) -> None:
    """Enough customers and at least one repeat buyer, without which a purchase model has no rate to learn."""
    if len(x) < MIN_CUSTOMERS:
        raise CLVDataError(f"only {len(x)} customers: {model} needs at least {MIN_CUSTOMERS} to fit")
    if not np.any(x > 0):
        raise CLVDataError(
            f"no repeat buyers among {len(x)} customers: {model} needs at least one customer with frequency > 0"
        )


def _fail_where(bad: NDArray[np.bool_], name: str, problem: str, expected: str) -> None:
    if bad.any():
        rows = np.flatnonzero(bad)
        raise CLVDataError(f"{len(rows)} values of {name} {problem} (first at row {rows[0]}); each must be {expected}")
