"""Turning integer codes and numbers into the text columns the feeds carry.

Generators work on integer codes; labels are attached at the end by gathering from a small
series, which is much faster than building numpy string arrays for hundreds of thousands of rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl


def labels(vocabulary: Sequence[object], codes: np.ndarray) -> pl.Series:
    """The label of each code, e.g. `labels(GENDERS, [0, 1])` is `["female", "male"]`."""
    return pl.Series(list(vocabulary)).gather(codes)


def padded_id(prefix: str, numbers: pl.Expr, digits: int) -> pl.Expr:
    """`C0000001`-style identifiers: a prefix and a zero-padded number (wider if it must be)."""
    return pl.concat_str(pl.lit(prefix), numbers.cast(pl.String).str.zfill(digits))
