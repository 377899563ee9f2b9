"""The sample-data tests' shared fixture: one small sample, generated once per session."""

from __future__ import annotations

import json

import polars as pl
import pytest
from generated_sample import CUSTOMERS_PER_FILE, SAMPLE_AS_OF, SAMPLE_CUSTOMERS, SAMPLE_SEED, Sample, read_feed

from sample_data import generate_feeds


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Sample:
    landing = tmp_path_factory.mktemp("sample") / "landing"
    summary = generate_feeds(
        landing,
        customers=SAMPLE_CUSTOMERS,
        seed=SAMPLE_SEED,
        as_of=SAMPLE_AS_OF,
        progress=False,
        customers_per_file=CUSTOMERS_PER_FILE,
    )
    return Sample(
        summary=summary,
        purchases=read_feed(landing, "purchases"),
        signups=read_feed(landing, "signups"),
        surveys=read_feed(landing, "surveys"),
        truth=pl.read_parquet(landing / "_truth" / "customers.parquet"),
        parameters=json.loads((landing / "_truth" / "parameters.json").read_text()),
    )
