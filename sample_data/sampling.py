"""Vectorised sampling helpers shared by the customer, purchase and survey generators.

They work on whole chunks at once (one row per customer, order or line), so no Python loop runs
per customer or per purchase.
"""

from __future__ import annotations

import numpy as np


def categorical(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One code per row, drawn from that row's probabilities (rows x labels, rows sum to 1)."""
    cumulative = np.cumsum(probabilities, axis=1)
    u = rng.random(probabilities.shape[0]) * cumulative[:, -1]
    codes = (u[:, None] >= cumulative).sum(axis=1)
    return np.minimum(codes, probabilities.shape[1] - 1)


def dirichlet_rows(rng: np.random.Generator, means: np.ndarray, concentration: float) -> np.ndarray:
    """Per-row probabilities scattered around `means` (rows x labels): individual tastes.

    A row of a Dirichlet with parameters `concentration * means`, drawn from normalised gammas,
    which numpy can do for many rows with different parameters in one call.
    """
    draws = rng.gamma(np.maximum(means * concentration, 1e-3))
    return draws / draws.sum(axis=1, keepdims=True)


def group_starts(sizes: np.ndarray) -> np.ndarray:
    """Index of each group's first row when groups of these sizes are laid out one after another."""
    return np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)


def position_in_group(sizes: np.ndarray) -> np.ndarray:
    """0, 1, ... within each group, for rows laid out group after group."""
    total = int(sizes.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(group_starts(sizes), sizes)


def cumsum_in_group(values: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Running sum of `values` restarting at each group (rows laid out group after group)."""
    running = np.cumsum(values)
    before = np.concatenate(([0.0], running))[group_starts(sizes)]
    return running - np.repeat(before, sizes)


def sum_in_group(values: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Total of `values` per group (rows laid out group after group); 0 for empty groups."""
    owner = np.repeat(np.arange(sizes.shape[0]), sizes)
    return np.bincount(owner, weights=values, minlength=sizes.shape[0])
