"""The feeds configuration: where each feed's files are, their format, and how their columns map.

A YAML file (see `examples/cdnow/feeds.yaml` and the README) declares each feed. It is checked
completely before any data is read; an error names the key and what would be valid.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import polars as pl
import yaml

from assets.ingest.bounds import Bounds, parse_bounds
from assets.ingest.config_values import (
    FeedConfigError,
    boolean,
    check_refresh,
    mapping,
    single_character,
    string_list,
    text,
)
from assets.ingest.feeds import FEEDS, Feed
from assets.ingest.validation import field_problem

Format = Literal["csv", "whitespace", "parquet", "jsonl"]
FORMATS: tuple[str, ...] = ("csv", "whitespace", "parquet", "jsonl")
ENCODINGS: tuple[str, ...] = ("utf-8", "utf-8-sig", "latin-1", "cp1252")
DEFAULT_TIMESTAMP_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f")
DEFAULT_DATE_FORMATS = ("%Y-%m-%d",)
SOURCE_KEYS = (
    "folder",
    "glob",
    "format",
    "delimiter",
    "quote",
    "encoding",
    "header",
    "columns",
    "constants",
    "timestamp_formats",
    "date_formats",
    "required",
    "return_statuses",
)
DEFAULT_RETURN_STATUSES = ("return", "returned", "refund", "refunded")
TOP_KEYS = ("landing", "feeds", "refresh", "bounds")
CUSTOMER_SOURCES = tuple(name for name in ("purchases", "signups", "customers") if name in {f.name for f in FEEDS})
"""Feeds that make customers; surveys only describe customers one of these brings."""
REFRESH_KEYS = (
    "as_of",
    "time_unit",
    "calibration_end",
    "horizon_months",
    "monthly_discount_rate",
    "purchase_model",
    "backtest_holdout_days",
)
__all__ = ["FeedConfigError", "FeedSource", "PipelineConfig", "default_config", "load_config"]


@dataclass(frozen=True)
class FeedSource:
    """How one feed's files are found and read."""

    feed: Feed
    folder: Path
    glob: str = "*.csv"
    format: Format = "csv"
    delimiter: str = ","
    quote: str | None = '"'
    encoding: str = "utf-8"
    header: bool = True
    columns: dict[str, str | int] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    timestamp_formats: tuple[str, ...] = DEFAULT_TIMESTAMP_FORMATS
    date_formats: tuple[str, ...] = DEFAULT_DATE_FORMATS
    required: tuple[str, ...] = ()
    """Fields this source must carry on every row, beyond the feed's own required fields."""
    return_statuses: tuple[str, ...] = DEFAULT_RETURN_STATUSES
    """Values of the `status` field (case-insensitive) that mark a purchase line as a return."""
    bounds: Bounds = field(default_factory=Bounds)
    """Plausibility bounds (`bounds:` of the configuration) shared by every feed."""

    def is_required(self, field_name: str) -> bool:
        return field_name in self.required or any(f.required for f in self.feed.fields if f.name == field_name)

    def reading_fingerprint(self) -> str:
        """A hash of every setting that changes how a file reads; a file read under other settings is reloaded."""
        settings = {
            "format": self.format,
            "delimiter": self.delimiter,
            "quote": self.quote,
            "encoding": self.encoding,
            "header": self.header,
            "columns": self.columns,
            "constants": self.constants,
            "timestamp_formats": self.timestamp_formats,
            "date_formats": self.date_formats,
            "required": self.required,
            "return_statuses": self.return_statuses,
        }
        if self.bounds.fingerprint() is not None:  # at the defaults, files loaded before stay loaded
            settings["bounds"] = self.bounds.fingerprint()
        return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:16]

    def source_column(self, field_name: str) -> str | int | None:
        """The file's column for a field: a header name, a 1-based position, or None if unmapped."""
        if self.columns:
            return self.columns.get(field_name)
        return field_name if self.header else None


@dataclass(frozen=True)
class PipelineConfig:
    """Feeds plus the refresh settings a configuration file may fix (as-of date, CLV settings)."""

    sources: tuple[FeedSource, ...]
    refresh: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    def source(self, feed_name: str) -> FeedSource | None:
        return next((s for s in self.sources if s.feed.name == feed_name), None)


def default_config(landing: Path) -> PipelineConfig:
    """The layout `segments generate` writes: `<landing>/<feed>/*.csv` with the pipeline's own headers.

    Every feed is optional: a feed without its folder is left out (an empty table), as a feed left
    out of a configuration file is. With no feed folder at all every feed is listed, so the load
    fails naming the folders it looked for.
    """
    present = [feed for feed in FEEDS if (landing / feed.name).is_dir()]
    return PipelineConfig(sources=tuple(FeedSource(feed=feed, folder=landing / feed.name) for feed in present or FEEDS))


def load_config(path: Path, landing: Path | None = None) -> PipelineConfig:
    """Read and check a feeds configuration file; folders are relative to `landing` (default: the file's folder)."""
    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError) as exc:  # ValueError: a YAML date such as 2024-13-01
        raise FeedConfigError(f"{path}: cannot read the feeds configuration ({exc})") from exc
    if not isinstance(document, dict):
        raise FeedConfigError(f"{path}: expected a mapping with the keys {', '.join(TOP_KEYS)}")
    _check_keys(document, TOP_KEYS, str(path))
    base = Path(path).resolve().parent
    root = landing if landing is not None else base / str(document.get("landing", "."))
    feeds = document.get("feeds")
    if not isinstance(feeds, dict) or not feeds:
        raise FeedConfigError(f"{path}: 'feeds' must map feed names ({', '.join(f.name for f in FEEDS)}) to settings")
    known = {feed.name: feed for feed in FEEDS}
    bounds = parse_bounds(document.get("bounds"), f"{path}: bounds")
    sources = []
    for name, settings in feeds.items():
        if name not in known:
            raise FeedConfigError(f"{path}: feeds.{name}: unknown feed; valid feeds are {', '.join(known)}")
        source = _source(known[name], settings or {}, Path(root), f"{path}: feeds.{name}")
        sources.append(replace(source, bounds=bounds))
    if not set(feeds) & set(CUSTOMER_SOURCES):
        raise FeedConfigError(
            f"{path}: feeds: list at least one source of customers ({', '.join(CUSTOMER_SOURCES)}); "
            "every feed is optional, but without any of these there are no customers to segment"
        )
    refresh = document.get("refresh") or {}
    if not isinstance(refresh, dict):
        raise FeedConfigError(f"{path}: 'refresh' must be a mapping with keys {', '.join(REFRESH_KEYS)}")
    _check_keys(refresh, REFRESH_KEYS, f"{path}: refresh")
    check_refresh(refresh, f"{path}: refresh")
    return PipelineConfig(sources=tuple(sources), refresh=refresh, path=Path(path).resolve())


def _check_keys(mapping: dict[str, Any], valid: tuple[str, ...], where: str) -> None:
    for key in mapping:
        if key not in valid:
            raise FeedConfigError(f"{where}.{key}: unknown key; valid keys are {', '.join(valid)}")


def _source(feed: Feed, settings: dict[str, Any], root: Path, where: str) -> FeedSource:
    if not isinstance(settings, dict):
        raise FeedConfigError(f"{where}: expected a mapping with keys {', '.join(SOURCE_KEYS)}")
    _check_keys(settings, SOURCE_KEYS, where)
    fmt = settings.get("format", "csv")
    if fmt not in FORMATS:
        raise FeedConfigError(f"{where}.format: '{fmt}' is not a format; valid formats are {', '.join(FORMATS)}")
    encoding = str(settings.get("encoding", "utf-8")).lower()
    if encoding not in ENCODINGS:
        raise FeedConfigError(f"{where}.encoding: '{encoding}' is not supported; use one of {', '.join(ENCODINGS)}")
    header = boolean(settings, "header", where, fmt != "whitespace")  # parquet and JSON lines name their columns
    columns = mapping(settings, "columns", where)
    constants = {str(k): str(v) for k, v in mapping(settings, "constants", where).items()}
    fields = {f.name: f for f in feed.fields}
    for kind, given in (("columns", columns), ("constants", constants)):
        for name in given:
            if name not in fields:
                raise FeedConfigError(
                    f"{where}.{kind}.{name}: unknown field of the {feed.name} feed; "
                    f"valid fields are {', '.join(fields)}"
                )
    for name, column in columns.items():
        if isinstance(column, bool) or not isinstance(column, (str, int)):
            raise FeedConfigError(
                f"{where}.columns.{name}: must be the file's column name or its 1-based position, got {column!r}"
            )
        if isinstance(column, int) and column < 1:
            raise FeedConfigError(f"{where}.columns.{name}: positions start at 1, got {column}")
        if isinstance(column, int) and fmt not in ("whitespace", "csv"):
            raise FeedConfigError(f"{where}.columns.{name}: positions only work for csv and whitespace files")
        if isinstance(column, int) and header:
            raise FeedConfigError(f"{where}.columns.{name}: use column names when the file has a header")
    if not header and fmt in ("csv", "whitespace"):
        unnamed = [name for name, column in columns.items() if not isinstance(column, int)]
        if unnamed or not columns:
            raise FeedConfigError(
                f"{where}.columns: files without a header need positions (1, 2, ...) for every mapped field"
            )
    mapped = set(columns) if (columns or not header) else set(fields)
    missing = [
        f.name for f in feed.fields if f.required and f.name not in mapped | set(constants) | set(feed.derivable)
    ]
    if missing:
        raise FeedConfigError(
            f"{where}.columns: required field(s) {', '.join(missing)} are neither mapped to a column "
            "nor set in constants"
        )
    for group in feed.one_of:
        if not set(group) & (mapped | set(constants)):
            raise FeedConfigError(f"{where}.columns: map at least one of {', '.join(group)}")
    required = string_list(settings, "required", where) or ()
    for name in required:
        if name not in fields:
            raise FeedConfigError(
                f"{where}.required.{name}: unknown field of the {feed.name} feed; valid fields are {', '.join(fields)}"
            )
        if name not in mapped | set(constants):
            raise FeedConfigError(f"{where}.required.{name}: a required field must be mapped to a column")
    return_statuses = tuple(
        v.lower() for v in string_list(settings, "return_statuses", where) or DEFAULT_RETURN_STATUSES
    )
    if "return_statuses" in settings and "status" not in fields:
        raise FeedConfigError(f"{where}.return_statuses: only the purchases feed has a status field")
    timestamp_formats = string_list(settings, "timestamp_formats", where) or DEFAULT_TIMESTAMP_FORMATS
    date_formats = string_list(settings, "date_formats", where) or DEFAULT_DATE_FORMATS
    for kind, formats in (("timestamp_formats", timestamp_formats), ("date_formats", date_formats)):
        for fmt_string in formats:
            _check_format(str(fmt_string), f"{where}.{kind}")
    delimiter = single_character(settings, "delimiter", where, ",") or ","
    folder = root / text(settings, "folder", where, feed.name)
    default_glob = {"csv": "*.csv", "parquet": "*.parquet", "jsonl": "*.jsonl"}.get(fmt, "*")
    source = FeedSource(
        feed=feed,
        folder=folder,
        glob=text(settings, "glob", where, default_glob),
        format=fmt,
        delimiter=delimiter,
        quote=single_character(settings, "quote", where, '"'),
        encoding=encoding,
        header=bool(header),
        columns=dict(columns),
        constants=constants,
        timestamp_formats=timestamp_formats,
        date_formats=date_formats,
        required=required,
        return_statuses=return_statuses,
    )
    _check_constants(source, where)
    return source


def _check_constants(source: FeedSource, where: str) -> None:
    """A constant must pass its field's own rules (type, currency code, sign), as every row's value would."""
    fields = {f.name: f for f in source.feed.fields}
    for name, value in source.constants.items():
        row = pl.DataFrame({f: [value if f == name else None] for f in fields}, schema=dict.fromkeys(fields, pl.String))
        problem = row.select(field_problem(fields[name], source, datetime.now())).item()
        if problem is not None:
            raise FeedConfigError(f"{where}.constants.{name}: {problem.removeprefix(f'{name}: ')}")


def _check_format(fmt: str, where: str) -> None:
    """A format must round-trip a known date and contain a year, month and day."""
    sample = datetime(2001, 2, 3, 4, 5, 6)
    python_fmt = fmt.replace("%.f", ".%f")
    try:
        parsed = datetime.strptime(sample.strftime(python_fmt), python_fmt)
    except ValueError as exc:
        raise FeedConfigError(f"{where}: '{fmt}' is not a valid format ({exc}); e.g. '%Y-%m-%d %H:%M:%S'") from exc
    if parsed.date() != sample.date():
        raise FeedConfigError(f"{where}: '{fmt}' needs a year, month and day (%Y, %m, %d); e.g. '%Y%m%d'")
