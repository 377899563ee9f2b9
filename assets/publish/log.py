"""`segments.publish_log`: one row per refresh attempt (and per rollback), kept in a Parquet file.

The log lives beside the versions, not inside one: a failed attempt must be recorded without
touching the published version, and `segments status` must read it while a refresh holds the
warehouse. Each change rewrites the file under a temporary name and renames it into place, so a
reader sees the previous log or the new one. Only the holder of the refresh lock writes it.

An attempt is written as ``running`` when it starts and updated when it ends; a process killed
in between leaves ``running`` behind, which the next attempt (holding the lock, so certain that
nobody else runs) marks ``abandoned``, or ``published`` if the dead attempt had already switched
analysts to its version.
"""

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from assets.ingest.pii import safe_message

LOG_SCHEMA: dict[str, Any] = {
    "version": pl.Int64,
    "action": pl.String,
    "status": pl.String,
    "published": pl.Boolean,
    "published_version": pl.Int64,
    "run_id": pl.String,
    "started_at": pl.Datetime("us", "UTC"),
    "finished_at": pl.Datetime("us", "UTC"),
    "input_files": pl.List(pl.String),
    "row_counts": pl.String,
    "checks_passed": pl.Int64,
    "checks_failed": pl.Int64,
    "failed_checks": pl.List(pl.String),
    "warnings": pl.List(pl.String),
    "message": pl.String,
    "data_docs": pl.String,
}
"""status: running, published, failed, abandoned (died before its switch), rolled_back."""


@dataclass
class Attempt:
    """One row of the publish log."""

    version: int
    action: str = "refresh"
    status: str = "running"
    published: bool = False
    published_version: int | None = None
    run_id: str | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None
    input_files: list[str] = field(default_factory=list)
    row_counts: Mapping[str, int] = field(default_factory=dict)
    checks_passed: int = 0
    checks_failed: int = 0
    failed_checks: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    message: str | None = None
    data_docs: str | None = None

    def row(self) -> dict[str, Any]:
        """The row as stored: messages without contact values and of bounded length (see `safe_message`).

        The log is read by analysts (`segments.publish_log`), so whatever a failure said about
        the input (check samples, exceptions) is made fit to leave `raw.*` here, where every
        writer passes.
        """
        values = dict(self.__dict__)
        values["row_counts"] = json.dumps(dict(self.row_counts), sort_keys=True)
        values["message"] = safe_message(self.message) if self.message is not None else None
        values["failed_checks"] = [safe_message(text, 500) for text in self.failed_checks]
        values["warnings"] = [safe_message(text, 500) for text in self.warnings]
        return values


def read_log(log_file: Path) -> pl.DataFrame:
    """Every attempt so far, oldest first (an empty frame with the log's columns before the first)."""
    if not log_file.exists():
        return pl.DataFrame(schema=LOG_SCHEMA)
    return pl.read_parquet(log_file)


def record(log_file: Path, attempt: Attempt) -> None:
    """Insert ``attempt``, or replace the row of the same version and action."""
    log = read_log(log_file)
    log = log.filter(~((pl.col("version") == attempt.version) & (pl.col("action") == attempt.action)))
    row = pl.DataFrame([attempt.row()], schema=LOG_SCHEMA)
    _write(log_file, pl.concat([log, row]).sort("started_at", "version"))


def mark_abandoned(log_file: Path, *, published_version: int | None, now: datetime | None = None) -> list[int]:
    """Close the rows of attempts that died (still ``running``); the caller holds the lock.

    ``published_version`` is the version analysts see now. A dead attempt of that version got as
    far as its switch (it died before finishing its row), so analysts read its tables: it is
    recorded as published. Any other dead attempt is ``abandoned``. Returns the versions closed.
    """
    log = read_log(log_file)
    running = pl.col("status") == "running"
    if log.filter(running).is_empty():
        return []
    closed = log.filter(running)["version"].to_list()
    switched = running & (pl.col("version") == published_version) if published_version is not None else pl.lit(False)
    log = log.with_columns(
        pl.when(switched)
        .then(pl.lit(f"the process died after publishing version {published_version}, before finishing this row"))
        .when(running)
        .then(pl.lit("the process stopped before the attempt finished (killed or crashed)"))
        .otherwise(pl.col("message"))
        .alias("message"),
        pl.when(running).then(pl.lit(now or datetime.now(UTC))).otherwise(pl.col("finished_at")).alias("finished_at"),
        pl.when(switched).then(pl.lit(True)).otherwise(pl.col("published")).alias("published"),
        pl.when(switched).then(pl.col("version")).otherwise(pl.col("published_version")).alias("published_version"),
        pl.when(switched)
        .then(pl.lit("published"))
        .when(running)
        .then(pl.lit("abandoned"))
        .otherwise(pl.col("status"))
        .alias("status"),
    )
    _write(log_file, log)
    return closed


def next_version(log_file: Path, existing_versions: Sequence[int]) -> int:
    """One more than any version logged or written, so a version number is never reused."""
    logged = read_log(log_file)["version"].max()
    return max([0, *existing_versions, int(logged) if logged is not None else 0]) + 1


def _write(log_file: Path, log: pl.DataFrame) -> None:
    log_file.parent.mkdir(parents=True, exist_ok=True)
    partial = log_file.with_name(log_file.name + ".partial")
    log.select(list(LOG_SCHEMA)).cast(LOG_SCHEMA).write_parquet(partial)
    partial.chmod(0o644)  # analysts read it through the publish_log view, whatever the writer's umask
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, log_file)
