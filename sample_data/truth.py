"""The ground truth behind a sample: who belongs to which persona, and the values that drove them.

`_truth/customers.parquet` has one row per customer (written chunk by chunk as row groups, so
memory stays bounded); `_truth/parameters.json` records the run and each persona's parameters.
The pipeline ignores `_truth`; tests and benchmarks compare what it recovers against it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from sample_data.behaviour import PurchaseHistory
from sample_data.columns import padded_id
from sample_data.customers import Customers
from sample_data.persona import Persona
from sample_data.personas import PROSPECT_SHARES
from sample_data.surveys import planted_means
from sample_data.timeline import Timeline
from sample_data.writer import TIMESTAMP_FORMAT


def truth_frame(
    customers: Customers,
    history: PurchaseHistory,
    personas: Sequence[Persona],
    dimensions: Sequence[str],
    *,
    id_digits: int,
) -> pl.DataFrame:
    """One row per customer of the chunk: persona, model values and the persona's planted survey means."""
    names = np.array([p.name for p in personas])
    planted = planted_means(personas, dimensions)
    means = {f"survey_mean_{d}": planted[:, i] for i, d in enumerate(dimensions)}
    buys = ~customers.is_prospect
    frame = pl.DataFrame(
        {
            "number": customers.number,
            "persona": names[customers.persona],
            "is_prospect": customers.is_prospect,
            "signed_up_at": customers.signed_up_at,
            "first_purchase_at": np.where(buys, customers.first_purchase_at, 0),
            "lambda": history.rate_per_week,
            "p": history.dropout,
            "nu": history.spend_scale,
            "observed_weeks": history.observed_weeks,
            "is_alive_at_as_of": history.is_alive,
            "n_transactions": history.transactions.astype(np.int64),
            **{name: values[customers.persona] for name, values in means.items()},
        },
        nan_to_null=True,
    )
    return frame.select(
        padded_id("C", pl.col("number"), id_digits).alias("customer_id"),
        "persona",
        "is_prospect",
        pl.from_epoch("signed_up_at", time_unit="s"),
        pl.when(~pl.col("is_prospect"))
        .then(pl.from_epoch("first_purchase_at", time_unit="s"))
        .alias("first_purchase_at"),
        "lambda",
        "p",
        "nu",
        "observed_weeks",
        pl.when(~pl.col("is_prospect")).then(pl.col("is_alive_at_as_of")).alias("is_alive_at_as_of"),
        "n_transactions",
        *means,
    )


class TruthWriter:
    """Appends each chunk's truth rows to one parquet file, one row group per chunk."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._writer: pq.ParquetWriter | None = None

    def write(self, frame: pl.DataFrame) -> None:
        table = frame.to_arrow()
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, table.schema, compression="zstd")
        self._writer.write_table(table)

    def __enter__(self) -> TruthWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._writer is not None:
            self._writer.close()


def write_parameters(
    path: Path,
    *,
    seed: int,
    timeline: Timeline,
    customers: int,
    customers_per_file: int,
    personas: Sequence[Persona],
    persona_counts: Sequence[int],
) -> Path:
    """The run's settings and each persona's share, parameters and description, as readable JSON."""
    document = {
        "seed": seed,
        "as_of": timeline.as_of.isoformat(),
        "customers": customers,
        "history_days": timeline.history_days,
        "customers_per_file": customers_per_file,
        "time_unit": "weeks",
        "signups_from": _timestamp(timeline.signup_start),
        "signups_before": _timestamp(timeline.signup_end),
        "observation_ends_before": _timestamp(timeline.observation_end),
        "prospect_shares": PROSPECT_SHARES,
        "personas": {
            persona.name: _persona_entry(persona, count)
            for persona, count in zip(personas, persona_counts, strict=True)
        },
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return path


def _timestamp(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime(TIMESTAMP_FORMAT)


def _persona_entry(persona: Persona, count: int) -> dict[str, object]:
    model = persona.purchases
    return {
        "share": persona.share,
        "customers": count,
        "is_business": persona.is_business,
        "description": asdict(persona.description),
        "bgnbd": {"r": model.r, "alpha": model.alpha, "a": model.a, "b": model.b},
        "gamma_gamma": {"p": model.p, "q": model.q, "gamma": model.gamma},
        "mean_purchase_rate_per_week": round(model.mean_rate_per_week, 6),
        "mean_dropout_probability": round(model.mean_dropout, 6),
        "mean_order_value_usd": round(model.mean_order_value_usd, 2),
        "lines_per_order": persona.lines_per_order,
        "survey_means": dict(persona.survey_means),
        "age_years": {"mean": persona.age_years[0], "sd": persona.age_years[1]},
        "income_usd": {"median": persona.income_usd[0], "log_sd": persona.income_usd[1]},
    }
