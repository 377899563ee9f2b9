"""Cross-sell: which categories a segment buys more than everyone does, and what to offer each customer next.

Next categories come from co-purchases: a category scores for a customer by how strongly it is
bought together with the categories the customer already buys (cosine similarity between
categories over customers, i.e. "customers who buy what you buy also buy"). Categories the
customer already buys are never offered.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

AFFINITY_SCHEMA: dict[str, pl.DataType] = {
    "segment_kind": pl.String,
    "segment": pl.String,
    "category": pl.String,
    "customers": pl.Int64,
    "customer_share": pl.Float64,
    "base_customer_share": pl.Float64,
    "lift": pl.Float64,
    "spend_usd": pl.Float64,
    "spend_share": pl.Float64,
    "is_bought_more_than_base": pl.Boolean,
}
NEXT_SCHEMA: dict[str, pl.DataType] = {
    "customer_id": pl.String,
    "rank": pl.Int64,
    "category": pl.String,
    "score": pl.Float64,
}


def segment_category_affinity(lines: pl.DataFrame, segments: pl.DataFrame, kinds: Sequence[str]) -> pl.DataFrame:
    """Per segment of each kind and category: buyers, their share of the segment's buyers, lift over the base, spend.

    ``lines`` has customer_id, category and amount_usd (returns left out). Shares are among customers
    who bought anything, so a segment of sign-ups without purchases has no rows.
    """
    bought = lines.group_by("customer_id", "category").agg(pl.col("amount_usd").sum())
    buyers = bought["customer_id"].n_unique()
    base = bought.group_by("category").agg((pl.len() / buyers).alias("base_customer_share"))
    frames = []
    for kind in kinds:
        labelled = segments.select("customer_id", pl.col(kind).cast(pl.String).alias("segment")).drop_nulls()
        joined = bought.join(labelled, on="customer_id", how="inner")
        size = joined.group_by("segment").agg(
            pl.col("customer_id").n_unique().alias("segment_buyers"), pl.col("amount_usd").sum().alias("segment_spend")
        )
        frames.append(
            joined.group_by("segment", "category")
            .agg(pl.len().cast(pl.Int64).alias("customers"), pl.col("amount_usd").sum().alias("spend_usd"))
            .join(size, on="segment")
            .with_columns(pl.lit(kind).alias("segment_kind"))
        )
    if not frames or buyers == 0:
        return pl.DataFrame(schema=AFFINITY_SCHEMA)
    return (
        pl.concat(frames)
        .join(base, on="category")
        .with_columns(
            (pl.col("customers") / pl.col("segment_buyers")).alias("customer_share"),
            pl.when(pl.col("segment_spend") != 0)
            .then(pl.col("spend_usd") / pl.col("segment_spend"))
            .alias("spend_share"),
        )
        .with_columns(
            (pl.col("customer_share") / pl.col("base_customer_share")).alias("lift"),
        )
        .with_columns((pl.col("lift") > 1).alias("is_bought_more_than_base"))
        .select(list(AFFINITY_SCHEMA))
        .cast(AFFINITY_SCHEMA)
        .sort("segment_kind", "segment", "lift", "category", descending=[False, False, True, False])
    )


def ownership(lines: pl.DataFrame, categories: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Customers (sorted) and a customers x categories 0/1 matrix of who bought which category."""
    pairs = lines.select("customer_id", "category").unique().sort("customer_id", "category")
    customers = pairs["customer_id"].unique().sort().to_list()
    row = {c: i for i, c in enumerate(customers)}
    column = {c: j for j, c in enumerate(categories)}
    matrix = np.zeros((len(customers), len(categories)))
    for customer, category in pairs.iter_rows():
        if category in column:
            matrix[row[customer], column[category]] = 1.0
    return customers, matrix


def category_similarity(owned: np.ndarray) -> np.ndarray:
    """Cosine similarity of categories over customers (0 on the diagonal and for unbought categories)."""
    counts = owned.T @ owned
    norms = np.sqrt(np.diag(counts))
    with np.errstate(divide="ignore", invalid="ignore"):
        similarity = np.nan_to_num(counts / np.outer(norms, norms))
    np.fill_diagonal(similarity, 0.0)
    return similarity


def co_purchase_scores(owned: np.ndarray) -> np.ndarray:
    """Score of each category for each customer: summed cosine similarity to the categories they own.

    Owned categories score minus infinity, so they are never offered.
    """
    scores = owned @ category_similarity(owned)
    return np.where(owned > 0, -np.inf, scores)


def popularity_scores(owned: np.ndarray, reference: np.ndarray | None = None) -> np.ndarray:
    """The baseline: every customer is offered the categories most customers buy, minus their own."""
    popularity = (owned if reference is None else reference).sum(axis=0)
    return np.where(owned > 0, -np.inf, np.broadcast_to(popularity, owned.shape).astype(float))


def top_categories(scores: np.ndarray, k: int) -> np.ndarray:
    """Column indexes of each row's k best scores, best first (ties: the lower index first)."""
    return np.argsort(-scores, axis=1, kind="stable")[:, :k]


def next_categories(customers: list[str], categories: Sequence[str], owned: np.ndarray, k: int) -> pl.DataFrame:
    """One row per customer and offered category, ranked 1..k; no offer scoring zero or owned."""
    scores = co_purchase_scores(owned)
    best = top_categories(scores, k)
    rows = [
        (customer, rank + 1, categories[j], float(scores[i, j]))
        for i, customer in enumerate(customers)
        for rank, j in enumerate(best[i])
        if np.isfinite(scores[i, j]) and scores[i, j] > 0
    ]
    return pl.DataFrame(rows, schema=NEXT_SCHEMA, orient="row")
