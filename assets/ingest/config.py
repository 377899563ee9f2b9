"""The feeds configuration: where each feed's files are, their format, and how their columns map.

A YAML file (see `examples/cdnow/feeds.yaml` and `docs/feeds.md`) declares each feed. It is checked
completely before any data is read; an error names the key and what would be valid.
"""

from __future__ import annotations

import codecs
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
from assets.ingest.feeds import FEEDS, LAYOUT_FEEDS, Feed
from assets.ingest.grain import CUSTOMER_GRAINS, check_customer_table, check_grain, grain_required
from assets.ingest.lookups import LOOKUP_KEYS, Lookups, read_lookups
from assets.ingest.mapping import MAPPING_KEYS, FeedMapping, column_choice, feed_mapping
from assets.ingest.validation import field_problem

Format = Literal["csv", "whitespace", "parquet", "jsonl", "xlsx"]
FORMATS: tuple[str, ...] = ("csv", "whitespace", "parquet", "jsonl", "xlsx")
DEFAULT_SETTLE_SECONDS = 2.0
"""A configured feed loads a file only once its size and modification time have been still this long."""
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
    "purchase_statuses",
    *MAPPING_KEYS,
    "sheet",
    "settle_seconds",
    "unterminated_last_line",
    "max_quarantine_share",
)
DEFAULT_MAX_QUARANTINE_SHARE = 0.05
DEFAULT_RETURN_STATUSES = ("return", "returned", "refund", "refunded")
TOP_KEYS = ("landing", "feeds", "refresh", "bounds", "customer_grain", *LOOKUP_KEYS)
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
    columns: dict[str, str | int | tuple[str, ...]] = field(default_factory=dict)
    """Field -> header name, 1-based position, or alternative header names (the first the file has wins)."""
    constants: dict[str, str] = field(default_factory=dict)
    timestamp_formats: tuple[str, ...] = DEFAULT_TIMESTAMP_FORMATS
    date_formats: tuple[str, ...] = DEFAULT_DATE_FORMATS
    required: tuple[str, ...] = ()
    """Fields this source must carry on every row, beyond the feed's own required fields."""
    return_statuses: tuple[str, ...] = DEFAULT_RETURN_STATUSES
    """Values of the `status` field (case-insensitive) that mark a purchase line as a return."""
    bounds: Bounds = field(default_factory=Bounds)
    """Plausibility bounds (`bounds:` of the configuration) shared by every feed."""
    purchase_statuses: tuple[str, ...] = ()
    """When set, the `status` values (case-insensitive) of purchases; rows of other statuses (open or lost
    deals) are no purchases: quarantined as `not a purchase: ...`, not counted as broken rows."""
    mapping: FeedMapping = field(default_factory=FeedMapping)
    """Derived fields, value maps, unpivoting and the feed's currency (`assets/ingest/mapping.py`)."""
    sheet: str | None = None
    """The `.xlsx` sheet to read; None for the first."""
    max_quarantine_share: float = DEFAULT_MAX_QUARANTINE_SHARE
    """The share of broken rows (duplicates and lines that are no purchase aside) above which the feed's load
    check blocks the refresh; raise it for an export known to carry rows the pipeline must refuse."""
    settle_seconds: float = 0.0
    """How long a file's size and modification time must be still before it loads (0 here: sources built
    in code, as in tests and benchmarks, load at once; a configuration's default is `DEFAULT_SETTLE_SECONDS`)."""
    unterminated_last_line: Literal["quarantine", "load"] = "quarantine"
    """What becomes of a last line without a line break in a file that has line breaks: `quarantine` (it may
    be cut short) or `load`, for an exporter known to end its files without one (the settle interval still
    keeps files being written out)."""

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
            **({"mapping": self.mapping.settings()} if self.mapping != FeedMapping() else {}),
        }
        if self.bounds.fingerprint() is not None:  # at the defaults, files loaded before stay loaded
            settings["bounds"] = self.bounds.fingerprint()
        if self.sheet is not None:  # only then, so files read before sheets existed keep their fingerprint
            settings["sheet"] = self.sheet
        if self.unterminated_last_line != "quarantine":  # likewise
            settings["unterminated_last_line"] = self.unterminated_last_line
        if self.purchase_statuses:  # likewise
            settings["purchase_statuses"] = self.purchase_statuses
        return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:16]

    def source_column(self, field_name: str) -> str | int | tuple[str, ...] | None:
        """The file's column for a field: a header name, a 1-based position, alternative names, or None."""
        if self.columns:
            return self.columns.get(field_name)
        return field_name if self.header else None


@dataclass(frozen=True)
class PipelineConfig:
    """Feeds plus the refresh settings a configuration file may fix (as-of date, CLV settings)."""

    sources: tuple[FeedSource, ...]
    refresh: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    customer_grain: str = "customer"
    """`customer`, or `account`: the account is the customer of segments, CLV and profiles."""
    lookups: Lookups = field(default_factory=Lookups)
    """Reporting currency, currency rates, vocabularies and survey codebook (`assets/ingest/lookups.py`)."""

    def source(self, feed_name: str) -> FeedSource | None:
        return next((s for s in self.sources if s.feed.name == feed_name), None)


def default_config(landing: Path) -> PipelineConfig:
    """The layout `segments generate` writes: `<landing>/<feed>/*.csv` with the pipeline's own headers.

    Every feed is optional: a feed without its folder is left out (an empty table), as a feed left
    out of a configuration file is. With no feed folder at all the generator's feeds are listed, so
    the load fails naming the folders it looked for.
    """
    present = [feed for feed in FEEDS if (landing / feed.name).is_dir()]
    return PipelineConfig(
        sources=tuple(
            FeedSource(feed=feed, folder=landing / feed.name, settle_seconds=DEFAULT_SETTLE_SECONDS)
            for feed in present or LAYOUT_FEEDS
        )
    )


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
    grain = document.get("customer_grain", "customer")
    if grain not in CUSTOMER_GRAINS:
        raise FeedConfigError(f"{path}: customer_grain: must be one of {', '.join(CUSTOMER_GRAINS)}, got {grain!r}")
    sources = []
    for name, settings in feeds.items():
        if name not in known:
            raise FeedConfigError(f"{path}: feeds.{name}: unknown feed; valid feeds are {', '.join(known)}")
        source = grain_required(_source(known[name], settings or {}, Path(root), f"{path}: feeds.{name}"), grain)
        sources.append(replace(source, bounds=bounds))
    check_grain(sources, grain, str(path))
    check_customer_table(sources, str(path))
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
    lookups = read_lookups(document, base, str(path))
    return PipelineConfig(
        sources=tuple(sources), refresh=refresh, path=Path(path).resolve(), lookups=lookups, customer_grain=grain
    )


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
    encoding = _encoding(settings, where)
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
    columns = {name: column_choice(column, f"{where}.columns.{name}") for name, column in columns.items()}
    for name, column in columns.items():
        if isinstance(column, int) and column < 1:
            raise FeedConfigError(f"{where}.columns.{name}: positions start at 1, got {column}")
        if isinstance(column, int) and fmt not in ("whitespace", "csv", "xlsx"):
            raise FeedConfigError(f"{where}.columns.{name}: positions only work for csv, whitespace and xlsx files")
        if isinstance(column, int) and header:
            raise FeedConfigError(f"{where}.columns.{name}: use column names when the file has a header")
    if not header and fmt in ("csv", "whitespace", "xlsx"):
        unnamed = [name for name, column in columns.items() if not isinstance(column, int)]
        if unnamed or not columns:
            raise FeedConfigError(
                f"{where}.columns: files without a header need positions (1, 2, ...) for every mapped field"
            )
    feed_map = feed_mapping(settings, feed, columns, where)
    mapped = (set(columns) if (columns or not header) else set(fields)) | feed_map.fields
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
    for key in ("return_statuses", "purchase_statuses"):
        if key in settings and "status" not in fields:
            raise FeedConfigError(f"{where}.{key}: only the purchases feed has a status field")
    purchase_statuses = tuple(v.lower() for v in string_list(settings, "purchase_statuses", where) or ())
    if purchase_statuses and "status" not in mapped | set(constants):
        raise FeedConfigError(f"{where}.purchase_statuses: map the status field to the column holding it")
    timestamp_formats = string_list(settings, "timestamp_formats", where) or DEFAULT_TIMESTAMP_FORMATS
    date_formats = string_list(settings, "date_formats", where) or DEFAULT_DATE_FORMATS
    for kind, formats in (("timestamp_formats", timestamp_formats), ("date_formats", date_formats)):
        for fmt_string in formats:
            _check_format(str(fmt_string), f"{where}.{kind}")
    delimiter = single_character(settings, "delimiter", where, ",") or ","
    folder = root / text(settings, "folder", where, feed.name)
    default_glob = {"csv": "*.csv", "parquet": "*.parquet", "jsonl": "*.jsonl", "xlsx": "*.xlsx"}.get(fmt, "*")
    if "sheet" in settings and fmt != "xlsx":
        raise FeedConfigError(f"{where}.sheet: only xlsx workbooks have sheets (this feed's format is {fmt})")
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
        purchase_statuses=purchase_statuses,
        mapping=feed_map,
        sheet=text(settings, "sheet", where, "Sheet1") if "sheet" in settings else None,
        settle_seconds=_settle_seconds(settings, where),
        max_quarantine_share=_max_quarantine_share(settings, where),
        unterminated_last_line=_unterminated_last_line(settings, where),
    )
    _check_constants(source, where)
    return source


def _encoding(settings: dict[str, Any], where: str) -> str:
    """Any text encoding Python knows, by any of its names (`mac_roman`, `cp1252`, `latin-1`, `utf-16`, ...)."""
    encoding = str(settings.get("encoding", "utf-8")).strip().lower()
    try:
        b"a".decode(encoding)  # also refuses codecs that are not text encodings, such as base64
    except UnicodeDecodeError:
        pass  # a text encoding, for which one byte is too short (utf-16)
    except LookupError as exc:
        raise FeedConfigError(
            f"{where}.encoding: '{encoding}' is not a text encoding Python knows; e.g. utf-8, cp1252, latin-1, "
            "mac_roman, utf-16 (a file starting with a byte order mark is read in the mark's encoding anyway)"
        ) from exc
    return "utf-8" if codecs.lookup(encoding).name == "utf-8" and encoding != "utf-8-sig" else encoding


def _max_quarantine_share(settings: dict[str, Any], where: str) -> float:
    value = settings.get("max_quarantine_share", DEFAULT_MAX_QUARANTINE_SHARE)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise FeedConfigError(
            f"{where}.max_quarantine_share: must be a share from 0 to 1 (e.g. 0.3 for 30 % of the rows), got {value!r}"
        )
    return float(value)


def _unterminated_last_line(settings: dict[str, Any], where: str) -> Literal["quarantine", "load"]:
    value = settings.get("unterminated_last_line", "quarantine")
    if value not in ("quarantine", "load"):
        raise FeedConfigError(
            f"{where}.unterminated_last_line: must be quarantine (a last line without a line break may be cut "
            f"short) or load (the exporter ends its files without one), got {value!r}"
        )
    return value


def _settle_seconds(settings: dict[str, Any], where: str) -> float:
    value = settings.get("settle_seconds", DEFAULT_SETTLE_SECONDS)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 3600:
        raise FeedConfigError(
            f"{where}.settle_seconds: must be a number of seconds from 0 to 3600 (0 loads files at once), got {value!r}"
        )
    return float(value)


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
