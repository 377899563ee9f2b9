"""Discounts planted in the sample: some personas buy on offer far more often than others.

A line bought on offer keeps the price the customer paid (`unit_price`, so order values and the
spend model are unchanged) and carries the higher `list_price` it was reduced from; other lines
carry their `unit_price` as list price. `DISCOUNT_SHARES` are the planted shares of lines on offer.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sample_data.persona import Persona

DISCOUNT_SHARES: dict[str, float] = {
    "tech_enthusiast": 0.10,
    "young_family": 0.35,
    "affluent_professional": 0.05,
    "retiree": 0.25,
    "bargain_student": 0.60,
    "b2b_buyer": 0.10,
}
DEFAULT_DISCOUNT_SHARE = 0.15
DISCOUNT_RANGE = (0.10, 0.40)


def list_prices(
    rng: np.random.Generator, paid: np.ndarray, persona: np.ndarray, personas: Sequence[Persona]
) -> np.ndarray:
    """The list price of each line: its paid price, or for a line on offer the price before the discount."""
    share = np.array([DISCOUNT_SHARES.get(p.name, DEFAULT_DISCOUNT_SHARE) for p in personas])[persona]
    on_offer = rng.random(paid.shape[0]) < share
    discount = rng.uniform(*DISCOUNT_RANGE, size=paid.shape[0])
    return np.where(on_offer, np.round(paid / (1 - discount), 2), paid)
