"""Customer lifetime value over a horizon from a purchase model and a spend model."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from assets.clv import gamma_gamma
from assets.clv.mle import ModelFit
from assets.clv.models import purchase_model_module
from assets.clv.validation import as_column, purchase_columns

Vector = NDArray[np.float64]
DAYS_PER_MONTH = 365.25 / 12
DAYS_PER_UNIT = {"days": 1.0, "weeks": 7.0}


def customer_lifetime_value(
    purchase_fit: ModelFit,
    spend_fit: ModelFit | None,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    monetary_value: ArrayLike,
    *,
    time_unit: Literal["days", "weeks"],
    horizon_months: int = 12,
    monthly_discount_rate: float = 0.01,
) -> dict[str, NDArray[np.float64]]:
    """Per-customer value over the next ``horizon_months`` months, discounted monthly.

    With a month of 365.25/12 days expressed in ``time_unit`` (t_m = m * month), E(t) the expected
    repeat purchases over the next t (from ``purchase_fit``), s the expected spend per purchase and
    d the monthly discount rate, the arrays returned are:

    - ``p_alive``: P(still active at the end of calibration);
    - ``expected_purchases``: E(t_H), purchases over the whole horizon H;
    - ``expected_average_spend``: s, from the Gamma-Gamma ``spend_fit`` (customers with no repeat
      purchase get the population mean); when ``spend_fit`` is None, each customer's own
      ``monetary_value`` (mean repeat spend, so 0 for customers with no repeat purchase, whose
      value is then 0: without a spend model there is nothing to price them with);
    - ``expected_spend``: E(t_H) * s, undiscounted;
    - ``clv``: sum over m = 1..H of [E(t_m) - E(t_(m-1))] * s / (1 + d)^m, each month's expected
      purchases valued at the end of that month. With d = 0 it equals ``expected_spend``.
    """
    if horizon_months < 1:
        raise ValueError(f"horizon_months must be at least 1, got {horizon_months}")
    if monthly_discount_rate <= -1:
        raise ValueError(f"monthly_discount_rate must be above -1, got {monthly_discount_rate}")
    if time_unit not in DAYS_PER_UNIT:
        raise ValueError(f"time_unit must be 'days' or 'weeks', got {time_unit!r}")
    module = purchase_model_module(purchase_fit)
    x, t_x, big_t = purchase_columns(frequency, recency, T)
    monetary = as_column("monetary_value", monetary_value)
    if len(monetary) != len(x):
        raise ValueError(f"monetary_value has {len(monetary)} values for {len(x)} customers")
    spend = monetary if spend_fit is None else gamma_gamma.expected_average_spend(spend_fit.params, x, monetary)

    alive = module.p_alive(purchase_fit.params, x, t_x, big_t)
    month = DAYS_PER_MONTH / DAYS_PER_UNIT[time_unit]

    def if_alive(m: int) -> Vector:
        return module.expected_purchases_if_alive(purchase_fit.params, m * month, x, big_t)

    # the months are independent and scipy's special functions release the GIL, so threads
    # share the cores without copying the arrays to other processes
    discounted_purchases = np.zeros(len(x))
    previous = np.zeros(len(x))
    with ThreadPoolExecutor(max_workers=min(horizon_months, os.cpu_count() or 1)) as pool:
        for m, if_alive_by_m in enumerate(pool.map(if_alive, range(1, horizon_months + 1)), start=1):
            current = alive * if_alive_by_m
            discounted_purchases += (current - previous) / (1.0 + monthly_discount_rate) ** m
            previous = current
    return {
        "p_alive": alive,
        "expected_purchases": previous,
        "expected_average_spend": spend,
        "expected_spend": previous * spend,
        "clv": discounted_purchases * spend,
    }
