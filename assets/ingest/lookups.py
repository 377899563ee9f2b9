"""Files a user supplies beside the feeds configuration: currency rates, vocabularies, a survey codebook.

Top-level keys of the feeds configuration: `reporting_currency` (default USD), `currency_rates`,
`vocabularies` and `survey_codebook` (paths, relative to the configuration file). Each file is
read and checked when the configuration is, before any data is read; an error names the key,
the file and, for CSV files, the line and column.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from assets.ingest.config_values import FeedConfigError
from assets.ingest.validation import CURRENCIES
from assets.segments.config import SegmentationConfigError
from assets.segments.vocabularies import VocabularyError, segmentation_config

LOOKUP_KEYS = ("reporting_currency", "currency_rates", "vocabularies", "survey_codebook")
DEFAULT_REPORTING_CURRENCY = "USD"
RATE_COLUMNS = ("currency", "rate", "valid_from")
CODEBOOK_COLUMNS = (
    "question_id",
    "survey_id",
    "dimension",
    "question_text",
    "answer_type",
    "scale_min",
    "scale_max",
    "is_reverse_scored",
)
ANSWER_TYPES = ("likert", "category")
RATES_SCHEMA = {"currency": pl.String, "rate": pl.Float64, "valid_from": pl.Date}
CODEBOOK_SCHEMA = {
    "question_id": pl.String,
    "survey_id": pl.String,
    "dimension": pl.String,
    "question_text": pl.String,
    "answer_type": pl.String,
    "scale_min": pl.Float64,
    "scale_max": pl.Float64,
    "is_reverse_scored": pl.Boolean,
}


@dataclass(frozen=True)
class Lookups:
    """The reporting currency and the user's lookup files (None: the shipped defaults)."""

    reporting_currency: str = DEFAULT_REPORTING_CURRENCY
    currency_rates: Path | None = None
    vocabularies: Path | None = None
    survey_codebook: Path | None = None

    def rates(self) -> pl.DataFrame:
        """Rates to the reporting currency (currency, rate, valid_from); the reporting currency itself is 1."""
        given = read_rates(self.currency_rates, "currency_rates") if self.currency_rates else _empty(RATES_SCHEMA)
        own = pl.DataFrame({"currency": [self.reporting_currency], "rate": [1.0], "valid_from": [None]}, RATES_SCHEMA)
        return pl.concat([own, given.filter(pl.col("currency") != self.reporting_currency)])

    def codebook(self) -> pl.DataFrame:
        """The user's survey codebook, or no rows (the shipped seed is used)."""
        if self.survey_codebook is None:
            return _empty(CODEBOOK_SCHEMA)
        return read_codebook(self.survey_codebook, "survey_codebook")


def read_lookups(document: dict[str, Any], base: Path, where: str) -> Lookups:
    """Check the top-level lookup keys; paths resolve against `base` (the configuration file's folder)."""
    currency = document.get("reporting_currency", DEFAULT_REPORTING_CURRENCY)
    if not isinstance(currency, str) or currency.strip().upper() not in CURRENCIES:
        raise FeedConfigError(
            f"{where}: reporting_currency: must be an ISO 4217 currency code such as USD, EUR or GBP, got {currency!r}"
        )
    paths = {key: _path(document.get(key), base, f"{where}: {key}") for key in LOOKUP_KEYS[1:]}
    lookups = Lookups(reporting_currency=currency.strip().upper(), **paths)
    if lookups.currency_rates:
        read_rates(lookups.currency_rates, f"{where}: currency_rates")
    if not (lookups.vocabularies or lookups.survey_codebook):
        return lookups  # the shipped settings are read (and checked) when segmenting starts
    try:
        settings = segmentation_config(lookups.vocabularies)
    except (VocabularyError, SegmentationConfigError) as exc:
        raise FeedConfigError(f"{where}: vocabularies: {exc}") from exc
    if lookups.survey_codebook:
        codebook = read_codebook(lookups.survey_codebook, f"{where}: survey_codebook")
        _check_groups(settings.psychographic_groups, codebook, lookups, where)
    return lookups


def _check_groups(groups: dict[str, str], codebook: pl.DataFrame, lookups: Lookups, where: str) -> None:
    """Each psychographic group must name a scale dimension of the supplied codebook, or no customer gets it."""
    dimensions = sorted(set(codebook.filter(pl.col("answer_type") == "likert")["dimension"]))
    for dimension in groups:
        if dimension not in dimensions:
            source = f"vocabularies ({lookups.vocabularies})" if lookups.vocabularies else "segmentation.yaml"
            raise FeedConfigError(
                f"{where}: {source}: psychographic.groups.{dimension}: not a scale dimension of the survey_codebook "
                f"{lookups.survey_codebook}; its dimensions are {', '.join(dimensions) or 'none'} (give "
                "`psychographic: {groups: {<dimension>: <group name>}}` in the vocabularies file)"
            )


def _path(value: Any, base: Path, where: str) -> Path | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise FeedConfigError(f"{where}: must be the path of a file (relative to the configuration), got {value!r}")
    path = (base / value).resolve()
    if not path.is_file():
        raise FeedConfigError(f"{where}: no such file {path}")
    return path


def _empty(schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)


def _csv_rows(path: Path, where: str, columns: tuple[str, ...], required: tuple[str, ...]) -> list[tuple[int, dict]]:
    """(line number, row) pairs of a small headed CSV file; the header must hold the required columns."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip() for name in reader.fieldnames or []]
            missing = [c for c in required if c not in header]
            unknown = [c for c in header if c not in columns]
            if missing or unknown:
                problem = f"missing column(s) {', '.join(missing)}" if missing else f"unknown column(s) {unknown}"
                raise FeedConfigError(f"{where}: {path}: {problem}; the columns are {', '.join(columns)}")
            rows = []
            for row in reader:
                values = {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
                if any(values.values()):
                    rows.append((reader.line_num, values))
            return rows
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise FeedConfigError(f"{where}: cannot read {path} as UTF-8 CSV ({exc})") from exc


def read_rates(path: Path, where: str) -> pl.DataFrame:
    """A rates file: currency, rate (units of the reporting currency per unit), optionally valid_from."""
    rows = []
    seen: dict[tuple[str, date | None], int] = {}
    for line, row in _csv_rows(path, where, RATE_COLUMNS, RATE_COLUMNS[:2]):
        at = f"{where}: {path} line {line}"
        currency = row["currency"].upper()
        if currency not in CURRENCIES:
            raise FeedConfigError(f"{at}, currency: '{row['currency']}' is not an ISO 4217 currency code")
        try:
            rate = float(row["rate"])
        except ValueError:
            rate = float("nan")
        if not rate > 0 or rate == float("inf"):
            raise FeedConfigError(
                f"{at}, rate: must be a number above 0 (reporting currency per unit), got {row['rate']!r}"
            )
        valid_from = None
        if row.get("valid_from"):
            try:
                valid_from = date.fromisoformat(row["valid_from"])
            except ValueError as exc:
                raise FeedConfigError(
                    f"{at}, valid_from: must be a date YYYY-MM-DD, got {row['valid_from']!r}"
                ) from exc
        if (currency, valid_from) in seen:
            raise FeedConfigError(
                f"{at}: {currency} from {valid_from or 'always'} is also on line {seen[(currency, valid_from)]}"
            )
        seen[(currency, valid_from)] = line
        rows.append((currency, rate, valid_from))
    return pl.DataFrame(rows, schema=RATES_SCHEMA, orient="row")


def read_codebook(path: Path, where: str) -> pl.DataFrame:
    """A survey codebook with the shipped seed's columns: one row per question."""
    rows = []
    seen: dict[str, int] = {}
    for line, row in _csv_rows(path, where, CODEBOOK_COLUMNS, CODEBOOK_COLUMNS):
        at = f"{where}: {path} line {line}"
        for column in ("question_id", "survey_id", "dimension", "answer_type"):
            if not row[column]:
                raise FeedConfigError(f"{at}, {column}: a value is required")
        if row["question_id"] in seen:
            raise FeedConfigError(
                f"{at}, question_id: '{row['question_id']}' is also on line {seen[row['question_id']]}"
            )
        seen[row["question_id"]] = line
        if row["answer_type"] not in ANSWER_TYPES:
            raise FeedConfigError(
                f"{at}, answer_type: must be one of {', '.join(ANSWER_TYPES)}, got {row['answer_type']!r}"
            )
        if not row["dimension"].isidentifier() or row["dimension"] != row["dimension"].lower():
            raise FeedConfigError(
                f"{at}, dimension: '{row['dimension']}' must be lower case letters, digits and _ "
                "(it names the feature column survey_<dimension>_score)"
            )
        scale = _scale(row, at)
        reverse = row["is_reverse_scored"].lower()
        if reverse not in ("true", "false"):
            raise FeedConfigError(f"{at}, is_reverse_scored: must be true or false, got {row['is_reverse_scored']!r}")
        rows.append((*(row[c] for c in CODEBOOK_COLUMNS[:5]), *scale, reverse == "true"))
    if not rows:
        raise FeedConfigError(f"{where}: {path} holds no questions")
    return pl.DataFrame(rows, schema=CODEBOOK_SCHEMA, orient="row")


def _scale(row: dict[str, str], at: str) -> tuple[float | None, float | None]:
    """A likert question's scale: two numbers, the lowest below the highest; a category question has none."""
    if row["answer_type"] == "category":
        return None, None
    try:
        low, high = float(row["scale_min"]), float(row["scale_max"])
    except ValueError as exc:
        raise FeedConfigError(
            f"{at}, scale_min/scale_max: a likert question needs both as numbers, "
            f"got {row['scale_min']!r} and {row['scale_max']!r}"
        ) from exc
    if not low < high:
        raise FeedConfigError(f"{at}, scale_max: must be above scale_min ({low:g}), got {high:g}")
    return low, high
