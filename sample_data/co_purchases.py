"""Co-purchase patterns planted in the sample: having bought one category makes another more likely later.

After a customer's first order with a trigger category, each of their later lines outside it
switches to the partner category with probability `CO_PURCHASE_RATE`. Partners are categories the
trigger's typical buyers rarely choose on their own, so the pattern is visible beyond persona
tastes; `_truth/co_purchases.csv` lists the pairs for tests to compare with.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from sample_data.vocabulary import CATEGORIES

CO_PURCHASES: dict[str, str] = {"garden": "sports", "games": "fashion", "kids": "beauty"}
CO_PURCHASE_RATE = 0.15
_NEVER = np.iinfo(np.int64).max


def plant_co_purchases(
    rng: np.random.Generator, category: np.ndarray, order: np.ndarray, customer: np.ndarray, customers: int
) -> np.ndarray:
    """Category codes of the lines with the planted switches; orders are numbered in each customer's time order."""
    category = category.copy()
    draws = rng.random((len(CO_PURCHASES), category.shape[0]))
    for row, (trigger, partner) in enumerate(CO_PURCHASES.items()):
        code = CATEGORIES.index(trigger)
        first = np.full(customers, _NEVER, dtype=np.int64)
        is_trigger = category == code
        np.minimum.at(first, customer[is_trigger], order[is_trigger])
        later = (order > first[customer]) & ~is_trigger
        category = np.where(later & (draws[row] < CO_PURCHASE_RATE), CATEGORIES.index(partner), category)
    return category


def write_co_purchase_truth(path: Path) -> Path:
    """`_truth/co_purchases.csv`: trigger category, partner category, switching rate."""
    pl.DataFrame(
        {
            "trigger": list(CO_PURCHASES),
            "partner": list(CO_PURCHASES.values()),
            "rate": [CO_PURCHASE_RATE] * len(CO_PURCHASES),
        }
    ).write_csv(path)
    return path
