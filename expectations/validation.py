"""Validate a polars frame against a suite in memory and summarise what failed.

GX's SQL datasource on DuckDB reports every expectation as failed and hides the cause in
``exception_info``, so frames are validated in memory, and ``exception_info`` is always
surfaced: an expectation that errored is a failure with its message, never a silent pass.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

SAMPLE_VALUES = 10


@dataclass(frozen=True)
class FailedExpectation:
    expectation: str
    column: str | None
    unexpected_count: int | None
    unexpected_percent: float | None
    sample_values: list[Any] = field(default_factory=list)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, [])}


@dataclass(frozen=True)
class SuiteOutcome:
    suite: str
    success: bool
    evaluated: int
    failed: list[FailedExpectation]
    rows: int
    data_docs: Path | None = None
    summary: str = ""
    """Every expectation and its outcome, as a Markdown table."""


@cache
def _context() -> Any:
    """One ephemeral, quiet GX context per process: no analytics, no progress bars."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
        store_backend_defaults=InMemoryStoreBackendDefaults(),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    context.data_sources.add_pandas("frames")
    return context


def _for_pandas(frame: pl.DataFrame) -> Any:
    """Decimals become floats so numeric expectations compare numbers, not Decimal objects."""
    decimals = [name for name, dtype in frame.schema.items() if isinstance(dtype, pl.Decimal)]
    return frame.with_columns(pl.col(decimals).cast(pl.Float64)).to_pandas()


def _error_message(exception_info: Any) -> str | None:
    """``exception_info`` is either one dict or a dict of dicts keyed by metric; find any raised error."""
    if not exception_info:
        return None
    infos = [exception_info] if "raised_exception" in exception_info else list(exception_info.values())
    messages = [
        str(info.get("exception_message")) for info in infos if isinstance(info, dict) and info.get("raised_exception")
    ]
    return "; ".join(messages) or None


def validate_frame(suite: Any, frame: pl.DataFrame, data_docs: Path | None = None) -> SuiteOutcome:
    """Run ``suite`` (a GX ExpectationSuite) on ``frame`` and list the failed expectations.

    With ``data_docs`` (a folder), the result is also rendered as a GX Data Docs page there.
    """
    context = _context()
    source = context.data_sources.get("frames")
    asset_name = f"{suite.name}_frame"
    try:
        asset = source.get_asset(asset_name)
    except LookupError:
        asset = source.add_dataframe_asset(asset_name)
    try:
        batch_definition = asset.get_batch_definition("whole")
    except KeyError:
        batch_definition = asset.add_batch_definition_whole_dataframe("whole")
    batch = batch_definition.get_batch(batch_parameters={"dataframe": _for_pandas(frame)})
    result = batch.validate(
        suite, result_format={"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_VALUES}
    )
    failed = []
    for item in result.results:
        error = _error_message(item.exception_info)
        if item.success and not error:
            continue
        details = item.result or {}
        kwargs = item.expectation_config.kwargs
        column = kwargs.get("column") or kwargs.get("column_A") or ",".join(kwargs.get("column_list", []))
        failed.append(
            FailedExpectation(
                expectation=item.expectation_config.type,
                column=column or None,
                unexpected_count=details.get("unexpected_count"),
                unexpected_percent=details.get("unexpected_percent"),
                sample_values=[_plain(v) for v in (details.get("partial_unexpected_list") or [])][:SAMPLE_VALUES],
                error=error,
            )
        )
    from expectations.data_docs import result_markdown

    page = write_data_docs(result, data_docs / f"{suite.name}.html") if data_docs else None
    return SuiteOutcome(
        suite=suite.name,
        success=not failed,
        evaluated=len(result.results),
        failed=failed,
        rows=frame.height,
        data_docs=page,
        summary=result_markdown(result),
    )


def write_data_docs(result: Any, page: Path) -> Path:
    """Render a validation result with GX's own Data Docs renderer, and refresh the folder's index.

    One static page per suite, written without a Data Docs site or stores: the ephemeral
    context keeps nothing on disk, and building a whole site would re-render every result.
    The page works offline and names its run by the folder, the version (see `expectations/data_docs.py`).
    """
    from expectations.data_docs import STATIC, render_offline, write_static

    page.parent.mkdir(parents=True, exist_ok=True)
    write_static(page.parent)
    page.write_text(render_offline(result, page.parent.name), encoding="utf-8")
    pages = sorted(p for p in page.parent.glob("*.html") if p.name != "index.html")
    links = "\n".join(f'<li><a href="{html.escape(p.name)}">{html.escape(p.stem)}</a></li>' for p in pages)
    title = f"Validation results: {html.escape(page.parent.name)}"
    (page.parent / "index.html").write_text(
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
        f"<link rel='stylesheet' href='{STATIC}/offline.css'/></head>"
        f"<body><div class='container-fluid'><h1>{title}</h1><ul>\n{links}\n</ul></div></body></html>\n",
        encoding="utf-8",
    )
    return page


def _plain(value: Any) -> Any:
    """Values JSON can carry (numpy scalars and timestamps become Python values or text)."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
