"""How well next-category offers would have done: fit on purchases before a cut-off, score on what came after.

A customer counts when they bought, in the hold-out, a category they had not bought before it; a hit
is when one of their top-k offers is such a category. The baseline offers everyone the most
popular categories they do not yet buy, so the table shows what co-purchases add over it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
import polars as pl

from assets.actions.cross_sell import co_purchase_scores, ownership, popularity_scores, top_categories

BACKTEST_SCHEMA: dict[str, pl.DataType] = {
    "method": pl.String,
    "k": pl.Int64,
    "customers": pl.Int64,
    "hits": pl.Int64,
    "hit_rate": pl.Float64,
    "calibration_end": pl.Datetime("us"),
    "holdout_end": pl.Datetime("us"),
}
METHODS = ("co_purchase", "popularity")


def cross_sell_backtest(lines: pl.DataFrame, cutoff: datetime, ks: Sequence[int] = (1, 3)) -> pl.DataFrame:
    """Hit rates at each k of the co-purchase offers and the popularity baseline; empty when nobody qualifies.

    ``lines`` has customer_id, category and ordered_at.
    """
    before = lines.filter(pl.col("ordered_at") < cutoff)
    after = lines.filter(pl.col("ordered_at") >= cutoff)
    categories = sorted(before["category"].unique().to_list())
    if not categories or after.is_empty():
        return pl.DataFrame(schema=BACKTEST_SCHEMA)
    customers, owned = ownership(before, categories)
    _, later = ownership(after.filter(pl.col("customer_id").is_in(customers)), categories)
    later_rows = _aligned(customers, after, later)
    new = (later_rows > 0) & (owned == 0)
    qualifies = new.any(axis=1)
    if not qualifies.any():
        return pl.DataFrame(schema=BACKTEST_SCHEMA)
    scores = {"co_purchase": co_purchase_scores(owned), "popularity": popularity_scores(owned)}
    end = after["ordered_at"].max()
    rows = []
    for method in METHODS:
        for k in ks:
            best = top_categories(scores[method], k)
            offered = np.zeros_like(new)
            np.put_along_axis(offered, best, np.isfinite(np.take_along_axis(scores[method], best, axis=1)), axis=1)
            hits = int((offered & new)[qualifies].any(axis=1).sum())
            rows.append((method, k, int(qualifies.sum()), hits, hits / int(qualifies.sum()), cutoff, end))
    return pl.DataFrame(rows, schema=BACKTEST_SCHEMA, orient="row")


def _aligned(customers: list[str], after: pl.DataFrame, later: np.ndarray) -> np.ndarray:
    """The hold-out ownership matrix with one row per calibration customer (zeros for those who did not buy)."""
    later_customers = after.filter(pl.col("customer_id").is_in(customers))["customer_id"].unique().sort().to_list()
    aligned = np.zeros((len(customers), later.shape[1]))
    index = {c: i for i, c in enumerate(customers)}
    for row, customer in enumerate(later_customers):
        aligned[index[customer]] = later[row]
    return aligned
