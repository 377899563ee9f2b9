"""The sample shop's product catalogue: products per category, each with a fixed list price.

List prices are spread log-uniformly over a category's range, so for any amount an order line
should be worth there is a product priced within a few percent of it: lines can then use real
list prices and still add up to the order value the spend model drew.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sample_data.vocabulary import CATEGORIES

PRODUCTS_PER_CATEGORY = 200
# cheapest and dearest list price per category, USD
PRICE_RANGES: dict[str, tuple[float, float]] = {
    "electronics": (4.99, 2_499.0),
    "games": (4.99, 89.99),
    "home": (2.99, 1_199.0),
    "garden": (1.99, 899.0),
    "kids": (1.99, 349.0),
    "grocery": (0.99, 59.99),
    "fashion": (4.99, 499.0),
    "beauty": (2.99, 179.0),
    "books": (2.99, 69.99),
    "sports": (4.99, 999.0),
    "office": (0.99, 699.0),
}
_KEY_STRIDE = 100.0  # log prices stay far below this, so category blocks never overlap in the search key


@dataclass(frozen=True)
class Catalogue:
    """Products sorted by category, then by price: ids, category codes and list prices."""

    product_id: tuple[str, ...]
    category: np.ndarray
    price: np.ndarray

    @property
    def _key(self) -> np.ndarray:
        return self.category * _KEY_STRIDE + np.log(self.price)

    def nearest(self, category: np.ndarray, unit_amount: np.ndarray) -> np.ndarray:
        """Index of the product in each line's category whose list price is nearest the amount."""
        key = self._key
        low = np.log([PRICE_RANGES[c][0] for c in CATEGORIES])[category]
        high = np.log([PRICE_RANGES[c][1] for c in CATEGORIES])[category]
        target = category * _KEY_STRIDE + np.clip(np.log(np.maximum(unit_amount, 0.01)), low, high)
        right = np.clip(np.searchsorted(key, target), 1, key.shape[0] - 1)
        left = right - 1
        right_ok = self.category[right] == category
        left_ok = self.category[left] == category
        take_left = left_ok & (~right_ok | (target - key[left] < key[right] - target))
        return np.where(take_left, left, right)


def build_catalogue(rng: np.random.Generator) -> Catalogue:
    """A catalogue of `PRODUCTS_PER_CATEGORY` products per category with shop-like prices (x.99)."""
    categories, prices = [], []
    for code, name in enumerate(CATEGORIES):
        low, high = PRICE_RANGES[name]
        raw = np.exp(rng.uniform(np.log(low), np.log(high), PRODUCTS_PER_CATEGORY))
        price = np.where(raw < 10, np.round(raw * 2) / 2, np.round(raw)) - 0.01
        prices.append(np.sort(np.clip(np.round(price, 2), low, high)))
        categories.append(np.full(PRODUCTS_PER_CATEGORY, code))
    count = PRODUCTS_PER_CATEGORY * len(CATEGORIES)
    numbers = rng.permutation(count) + 1
    return Catalogue(
        product_id=tuple(f"P{n:05d}" for n in numbers),
        category=np.concatenate(categories),
        price=np.concatenate(prices),
    )
