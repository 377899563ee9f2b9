"""The small generated sample the sample-data tests share, and how it is read back.

Kept out of conftest.py so test modules can import it by a name no other conftest shares.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from sample_data import GenerationSummary

SAMPLE_CUSTOMERS = 3_000
SAMPLE_SEED = 11
SAMPLE_AS_OF = date(2026, 6, 30)
CUSTOMERS_PER_FILE = 1_000  # three files per feed, so chunking is exercised


@dataclass(frozen=True)
class Sample:
    summary: GenerationSummary
    purchases: pl.DataFrame  # as text, exactly as written
    signups: pl.DataFrame
    surveys: pl.DataFrame
    truth: pl.DataFrame
    parameters: dict[str, Any]

    @property
    def landing(self) -> Path:
        return self.summary.landing_dir


def read_feed(landing: Path, feed: str) -> pl.DataFrame:
    """Every file of a feed as text columns, with the file each row came from."""
    frames = [
        pl.read_csv(path, infer_schema=False).with_columns(pl.lit(path.name).alias("_file"))
        for path in sorted((landing / feed).glob("*.csv"))
    ]
    return pl.concat(frames)
