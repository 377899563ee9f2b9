"""Vocabularies a user supplies beside the feeds configuration, merged over the shipped `segmentation.yaml`.

A vocabularies file holds the label maps of the segment rules: `education_levels` (sign-up value
-> label, added to and overriding the shipped map; keys match ignoring case and spaces),
`urbanicities` (the list, replacing the shipped one) and `psychographic` (its `groups`,
`min_z` and `balanced_label`, replacing the shipped ones: the dimensions of one's own survey
codebook). Bands and rules stay in `segmentation.yaml`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from assets.segments import config as settings
from assets.segments.config import (
    SegmentationConfig,
    SegmentationConfigError,
    default_config,
    parse_config,
)

VOCABULARY_KEYS = ("education_levels", "urbanicities", "psychographic")


class VocabularyError(ValueError):
    """The vocabularies file is invalid; the message names the file and key."""


def read_vocabularies(path: Path) -> SegmentationConfig:
    """The segmentation settings with the file's vocabularies merged in; raises VocabularyError naming the key."""
    try:
        given = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise VocabularyError(f"{path}: cannot read the vocabularies ({exc})") from exc
    if not isinstance(given, dict) or not given:
        raise VocabularyError(f"{path}: expected a mapping with any of the keys {', '.join(VOCABULARY_KEYS)}")
    for key in given:
        if key not in VOCABULARY_KEYS:
            raise VocabularyError(f"{path}: {key}: unknown key; valid keys are {', '.join(VOCABULARY_KEYS)}")
    merged = _merged(yaml.safe_load(settings.DEFAULT_PATH.read_text(encoding="utf-8")), given, path)
    try:
        return parse_config(merged, str(path))
    except SegmentationConfigError as exc:
        raise VocabularyError(str(exc)) from exc


def _merged(shipped: dict[str, Any], given: dict[str, Any], path: Path) -> dict[str, Any]:
    merged = dict(shipped)
    education = given.get("education_levels")
    if education is not None:
        if not isinstance(education, dict):
            raise VocabularyError(f"{path}: education_levels: expected a mapping of sign-up value to label")
        for value, label in education.items():
            if isinstance(value, bool) or isinstance(label, bool):
                raise VocabularyError(f"{path}: education_levels.{value}: quote yes/no/true/false values")
        own = {str(value).strip().lower(): label for value, label in education.items()}
        merged["education_levels"] = {**shipped["education_levels"], **own}
    if "urbanicities" in given:
        urbanicities = given["urbanicities"]
        if not isinstance(urbanicities, list):
            raise VocabularyError(f"{path}: urbanicities: expected a list of urbanicity labels")
        merged["urbanicities"] = [str(u).strip().lower() for u in urbanicities]
    if "psychographic" in given:
        psychographic = given["psychographic"]
        if not isinstance(psychographic, dict):
            raise VocabularyError(f"{path}: psychographic: expected a mapping with groups, min_z, balanced_label")
        merged["psychographic"] = {**shipped["psychographic"], **psychographic}
    return merged


@cache
def _cached(path: Path, modified: float) -> SegmentationConfig:
    return read_vocabularies(path)


def segmentation_config(vocabularies: Path | None) -> SegmentationConfig:
    """The settings segmenting uses: the shipped ones, with the configured vocabularies merged in."""
    if vocabularies is None:
        return default_config()
    return _cached(vocabularies, vocabularies.stat().st_mtime)


UNKNOWN_VALUES_SCHEMA = {"source": pl.String, "field": pl.String, "value": pl.String, "rows": pl.Int64}


def unknown_vocabulary_values(features: pl.DataFrame, config: SegmentationConfig) -> pl.DataFrame:
    """Sign-up values the segment rules' vocabularies do not know, per field and value, with their customers.

    Education values outside `education_levels` are labelled `other`, urbanicities outside the list
    `unknown_label`, and marital statuses no life-stage rule names match no status rule: counted here
    so that is never silent (customer segments metadata, `segments.unknown_values`, `segments report`).
    """
    statuses = {s for rule in config.life_stages for s in (rule.marital_statuses or ())}
    known = {
        "education": ("education_levels", set(config.education_levels)),
        "urbanicity": ("urbanicities", set(config.urbanicities)),
        "marital_status": ("life_stages.rules.marital_statuses", statuses),
    }
    frames = []
    for column, (key, values) in known.items():
        if column not in features.columns or not values:
            continue
        value = pl.col(column).str.strip_chars().str.to_lowercase()
        counts = (
            features.select(value.alias("value"))
            .filter(pl.col("value").is_not_null() & (pl.col("value") != "") & ~pl.col("value").is_in(sorted(values)))
            .group_by("value")
            .agg(pl.len().cast(pl.Int64).alias("rows"))
        )
        frames.append(
            counts.select(pl.lit(f"vocabularies.{key}").alias("source"), pl.lit(column).alias("field"), "value", "rows")
        )
    found = pl.concat(frames) if frames else pl.DataFrame(schema=UNKNOWN_VALUES_SCHEMA)
    return found.sort("source", "rows", "value", descending=[False, True, False])
