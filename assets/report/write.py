"""Write the stakeholder report of a published file to an HTML file."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import polars as pl

from assets.publish.store import PublishedStore
from assets.report.data import quarantine_summary, read_report_data
from assets.report.page import render_report


def write_report(published: Path, target: Path, quarantine: pl.DataFrame | None = None) -> Path:
    """Render the report of ``published`` (read-only) into ``target``, replaced in one rename."""
    page = render_report(read_report_data(published, quarantine))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(page, encoding="utf-8")
    os.replace(partial, target)
    return target


def write_published_report(warehouse: Path, target: Path | None = None) -> Path:
    """The report of the version analysts see now for ``warehouse``, by default `<published>/report.html`.

    Quarantined rows are read from the warehouse when it can be opened read-only; while a refresh
    holds it, the page says so and shows the rest.
    """
    store = PublishedStore.beside(warehouse)
    if not store.current.exists():
        raise FileNotFoundError(f"Nothing published at {store.current} yet: run `segments refresh` first.")
    quarantine = None
    try:
        with duckdb.connect(str(Path(warehouse).resolve()), read_only=True) as con:
            quarantine = quarantine_summary(con)
    except duckdb.Error:
        pass  # held by a refresh, or gone: the report says where the figures would come from
    return write_report(store.current, target or store.root / "report.html", quarantine)
