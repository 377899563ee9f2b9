"""The segmentation settings in `segmentation.yaml`, read and checked once per process.

The file is read when segmenting or profiling first asks for it (`default_config`), never at
import: a bad edit fails the refresh that segments, not the whole Dagster code location. Every
value and every key is checked on load, and an error names the file, the key and what would be
valid, so a marketer who mistypes a band sees where, not a stack trace from deep inside a refresh.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DEFAULT_PATH = Path(__file__).with_name("segmentation.yaml")
FEATURE_GROUPS = ("demographic", "behavioural", "psychographic")
# More personas than this are too small to name apart, and `auto` fits k-means for every k up to it.
MAX_PERSONAS = 20

# The keys each mapping of the file may have: a misspelt key would otherwise be ignored silently.
TOP_KEYS = (
    "unknown_label",
    "no_purchases_label",
    "not_business_label",
    "age_bands",
    "life_stages",
    "income_bands",
    "education_levels",
    "urbanicities",
    "psychographic",
    "rfm_segments",
    "category_affinity",
    "purchase_cadence",
    "employee_bands",
    "value_tiers",
    "churn_risk",
    "churn_risk_by_recency",
    "persona",
)
BAND_KEYS = ("label", "below")
LIFE_STAGE_KEYS = ("rules", "fallback")
LIFE_STAGE_RULE_KEYS = ("label", "min_age", "below_age", "marital_statuses", "has_children")
PSYCHOGRAPHIC_KEYS = ("min_z", "balanced_label", "groups")
RFM_SEGMENT_KEYS = ("segment", "recency", "fm", "description")
CATEGORY_KEYS = ("min_share", "mixed_label")
CADENCE_KEYS = ("one_purchase_label", "bands")
VALUE_TIER_KEYS = ("tiers", "rest_label")
TIER_KEYS = ("label", "top_share")
PERSONA_KEYS = ("k", "k_range", "seed", "weights", "silhouette_sample", "fit_sample", "distinguishing_features")


class SegmentationConfigError(ValueError):
    """The segmentation configuration is invalid; the message names the key."""


@dataclass(frozen=True)
class Band:
    """Values below ``below`` (and not in an earlier band) get ``label``; ``below`` None is open-ended."""

    label: str
    below: float | None


@dataclass(frozen=True)
class LifeStageRule:
    label: str
    min_age: float | None = None
    below_age: float | None = None
    marital_statuses: tuple[str, ...] | None = None
    has_children: bool | None = None


@dataclass(frozen=True)
class RfmRule:
    """A segment: the recency and FM score ranges (inclusive) it covers, and what it means."""

    segment: str
    recency: tuple[int, int]
    fm: tuple[int, int]
    description: str


@dataclass(frozen=True)
class PersonaSettings:
    k: int | None  # None: chosen by silhouette over k_range
    k_range: tuple[int, int]
    seed: int
    weights: dict[str, float]
    silhouette_sample: int
    distinguishing_features: int
    fit_sample: int = 50_000  # customers k-means is fitted on, at most; the rest join their nearest persona


@dataclass(frozen=True)
class SegmentationConfig:
    unknown_label: str
    no_purchases_label: str
    not_business_label: str
    age_bands: tuple[Band, ...]
    life_stages: tuple[LifeStageRule, ...]
    life_stage_fallback: str
    income_bands: tuple[Band, ...]
    education_levels: dict[str, str]
    urbanicities: tuple[str, ...]
    psychographic_min_z: float
    psychographic_balanced_label: str
    psychographic_groups: dict[str, str]
    rfm_rules: tuple[RfmRule, ...]
    category_min_share: float
    category_mixed_label: str
    cadence_one_purchase_label: str
    cadence_bands: tuple[Band, ...]
    employee_bands: tuple[Band, ...]
    value_tiers: tuple[tuple[str, float], ...]
    value_rest_label: str
    churn_bands: tuple[Band, ...]
    churn_recency_bands: tuple[Band, ...]
    """Churn risk by days since the last purchase, for a refresh whose data support no P(alive)."""
    persona: PersonaSettings


class _Reader:
    """Typed access to the parsed YAML that reports the dotted key of a bad value."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, problem: str) -> SegmentationConfigError:
        return SegmentationConfigError(f"{self.source}: {key}: {problem}")

    def get(self, mapping: Any, key: str, path: str, kind: type | tuple[type, ...], *, optional: bool = False) -> Any:
        if not isinstance(mapping, dict):
            raise self.fail(path.rsplit(".", 1)[0] or path, "expected a mapping of keys to values")
        full = f"{path}.{key}" if path else key
        if key not in mapping or mapping[key] is None:
            if optional:
                return None
            raise self.fail(full, "missing")
        value = mapping[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds:
            raise self.fail(full, f"expected {_kind_names(kinds)}, got {value!r}")
        if float in kinds and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kinds):
            raise self.fail(full, f"expected {_kind_names(kinds)}, got {value!r}")
        return value

    def known(self, mapping: Any, path: str, valid: tuple[str, ...]) -> None:
        """Refuse a key the reader does not know, naming the valid ones (and the closest, if any)."""
        if not isinstance(mapping, dict):
            return  # get() reports a value that is not a mapping
        for key in mapping:
            if key not in valid:
                close = difflib.get_close_matches(str(key), valid, n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                full = f"{path}.{key}" if path else str(key)
                raise self.fail(full, f"unknown setting; {hint}valid keys are {', '.join(valid)}")

    def bands(self, raw: Any, path: str) -> tuple[Band, ...]:
        if not isinstance(raw, list) or not raw:
            raise self.fail(path, "expected a list of bands like {label: ..., below: ...}")
        bands = []
        for i, item in enumerate(raw):
            key = f"{path}[{i}]"
            self.known(item, key, BAND_KEYS)
            label = self.get(item, "label", key, str)
            below = self.get(item, "below", key, float, optional=True)
            last = i == len(raw) - 1
            if below is None and not last:
                raise self.fail(f"{key}.below", "missing (only the last band is open-ended)")
            if below is not None and last:
                raise self.fail(f"{key}.below", "the last band must be open-ended: leave out `below`")
            if below is not None and bands and below <= bands[-1].below:
                raise self.fail(f"{key}.below", f"{below:g} must be above the previous band's {bands[-1].below:g}")
            bands.append(Band(label, below))
        _unique([b.label for b in bands], path, self)
        return tuple(bands)


def _kind_names(kinds: tuple[type, ...]) -> str:
    names = {
        str: "text",
        float: "a number",
        int: "a whole number",
        bool: "true or false",
        list: "a list",
        dict: "a mapping",
    }
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _unique(labels: list[str], path: str, reader: _Reader) -> None:
    seen = set()
    for label in labels:
        if label in seen:
            raise reader.fail(path, f"label {label!r} appears twice")
        seen.add(label)


def _life_stages(r: _Reader, raw: Any) -> tuple[tuple[LifeStageRule, ...], str]:
    r.known(raw, "life_stages", LIFE_STAGE_KEYS)
    rules_raw = r.get(raw, "rules", "life_stages", list)
    rules = []
    for i, item in enumerate(rules_raw):
        key = f"life_stages.rules[{i}]"
        r.known(item, key, LIFE_STAGE_RULE_KEYS)
        statuses = r.get(item, "marital_statuses", key, list, optional=True)
        if statuses is not None and not all(isinstance(s, str) for s in statuses):
            raise r.fail(f"{key}.marital_statuses", "expected a list of marital statuses (text)")
        rules.append(
            LifeStageRule(
                label=r.get(item, "label", key, str),
                min_age=r.get(item, "min_age", key, float, optional=True),
                below_age=r.get(item, "below_age", key, float, optional=True),
                marital_statuses=tuple(statuses) if statuses is not None else None,
                has_children=r.get(item, "has_children", key, bool, optional=True),
            )
        )
    fallback = r.get(raw, "fallback", "life_stages", str)
    _unique([*dict.fromkeys(rule.label for rule in rules), fallback], "life_stages", r)
    return tuple(rules), fallback


def _rfm_rules(r: _Reader, raw: Any, no_purchases: str) -> tuple[RfmRule, ...]:
    if not isinstance(raw, list) or not raw:
        raise r.fail("rfm_segments", "expected a list of segments like {segment, recency: [lo, hi], fm: [lo, hi]}")
    rules = []
    for i, item in enumerate(raw):
        key = f"rfm_segments[{i}]"
        r.known(item, key, RFM_SEGMENT_KEYS)
        ranges = []
        for axis in ("recency", "fm"):
            pair = r.get(item, axis, key, list)
            if len(pair) != 2 or not all(isinstance(v, int) and 1 <= v <= 5 for v in pair) or pair[0] > pair[1]:
                raise r.fail(f"{key}.{axis}", f"expected [low, high] scores from 1 to 5, got {pair!r}")
            ranges.append((pair[0], pair[1]))
        segment = r.get(item, "segment", key, str)
        if segment == no_purchases:
            raise r.fail(
                f"{key}.segment",
                f"{segment!r} is reserved for customers without purchases (no_purchases_label); choose another name",
            )
        rules.append(RfmRule(segment, ranges[0], ranges[1], r.get(item, "description", key, str)))
    _unique([rule.segment for rule in rules], "rfm_segments", r)
    try:
        rfm_grid(tuple(rules))
    except ValueError as error:
        raise r.fail("rfm_segments", str(error)) from error
    return tuple(rules)


def rfm_grid(rules: tuple[RfmRule, ...]) -> dict[tuple[int, int], str]:
    """The (recency score, FM score) -> segment map; raises if cells are missing or overlap."""
    grid: dict[tuple[int, int], str] = {}
    for rule in rules:
        for r in range(rule.recency[0], rule.recency[1] + 1):
            for fm in range(rule.fm[0], rule.fm[1] + 1):
                if (r, fm) in grid:
                    raise ValueError(f"RFM cell R{r} FM{fm} is in both {grid[(r, fm)]!r} and {rule.segment!r}")
                grid[(r, fm)] = rule.segment
    missing = [f"R{r} FM{fm}" for r in range(1, 6) for fm in range(1, 6) if (r, fm) not in grid]
    if missing:
        raise ValueError(f"RFM cells without a segment: {', '.join(missing)}")
    return grid


def silhouette_minimum(k: int) -> int:
    """Customers a silhouette of k personas is computed on, at least: 10 per persona and 100 in all."""
    return max(100, 10 * k)


def _persona(r: _Reader, raw: Any) -> PersonaSettings:
    r.known(raw, "persona", PERSONA_KEYS)
    k = r.get(raw, "k", "persona", (int, str))
    if (isinstance(k, str) and k != "auto") or (isinstance(k, int) and not 2 <= k <= MAX_PERSONAS):
        raise r.fail("persona.k", f"expected `auto` or a whole number of personas from 2 to {MAX_PERSONAS}, got {k!r}")
    k_range = r.get(raw, "k_range", "persona", list)
    if (
        len(k_range) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in k_range)
        or not 2 <= k_range[0] <= k_range[1] <= MAX_PERSONAS
    ):
        raise r.fail(
            "persona.k_range", f"expected [lowest, highest] whole numbers from 2 to {MAX_PERSONAS}, got {k_range!r}"
        )
    weights_raw = r.get(raw, "weights", "persona", dict)
    weights = {}
    for group in weights_raw:
        if group not in FEATURE_GROUPS:
            raise r.fail(
                f"persona.weights.{group}", f"unknown feature group; valid groups are {', '.join(FEATURE_GROUPS)}"
            )
        weights[group] = r.get(weights_raw, group, "persona.weights", float)
        if weights[group] < 0:
            raise r.fail(f"persona.weights.{group}", "must not be negative")
    return PersonaSettings(
        k=k if isinstance(k, int) else None,
        k_range=(k_range[0], k_range[1]),
        seed=r.get(raw, "seed", "persona", int),
        weights={group: weights.get(group, 1.0) for group in FEATURE_GROUPS},
        silhouette_sample=_silhouette_sample(r, raw, k_range[1]),
        distinguishing_features=_distinguishing_features(r, raw),
        fit_sample=_fit_sample(r, raw),
    )


def _silhouette_sample(r: _Reader, raw: Any, highest_k: int) -> int:
    value = r.get(raw, "silhouette_sample", "persona", int)
    minimum = silhouette_minimum(highest_k)
    if value < minimum:
        raise r.fail(
            "persona.silhouette_sample",
            f"must be at least {minimum} customers to compute a silhouette up to k = {highest_k} "
            f"(10 per persona, at least 100), got {value}",
        )
    return value


def _distinguishing_features(r: _Reader, raw: Any) -> int:
    value = r.get(raw, "distinguishing_features", "persona", int)
    if value < 1:
        raise r.fail("persona.distinguishing_features", f"expected at least 1 feature to name personas by, got {value}")
    return value


def _fit_sample(r: _Reader, raw: Any) -> int:
    value = r.get(raw, "fit_sample", "persona", int, optional=True)
    if value is None:
        return PersonaSettings.fit_sample
    if value < 1_000:
        raise r.fail("persona.fit_sample", f"must be at least 1000 customers, got {value}")
    return value


def _education_levels(r: _Reader, raw: Any) -> dict[str, str]:
    """Sign-up value -> label; values are matched trimmed and in lower case, so keys must be written so."""
    education = r.get(raw, "education_levels", "", dict)
    for level in education:
        if not isinstance(level, str) or level != level.strip().lower():
            fixed = str(level).strip().lower()
            raise r.fail(
                f"education_levels.{level}",
                f"sign-up values are matched in lower case without surrounding spaces; write {fixed!r}",
            )
        r.get(education, level, "education_levels", str)
    return dict(education)


def _psychographic(r: _Reader, raw: Any) -> tuple[float, str, dict[str, str]]:
    """(min_z, balanced_label, dimension -> group name)."""
    psychographic = r.get(raw, "psychographic", "", dict)
    r.known(psychographic, "psychographic", PSYCHOGRAPHIC_KEYS)
    groups = r.get(psychographic, "groups", "psychographic", dict)
    for dimension in groups:
        r.get(groups, dimension, "psychographic.groups", str)
    _unique(list(groups.values()), "psychographic.groups", r)
    min_z = r.get(psychographic, "min_z", "psychographic", float)
    return min_z, r.get(psychographic, "balanced_label", "psychographic", str), dict(groups)


def _category(r: _Reader, raw: Any) -> tuple[float, str]:
    """(min_share, mixed_label); the share is of one customer's spend, so within (0, 1]."""
    category = r.get(raw, "category_affinity", "", dict)
    r.known(category, "category_affinity", CATEGORY_KEYS)
    min_share = r.get(category, "min_share", "category_affinity", float)
    if not 0 < min_share <= 1:
        raise r.fail(
            "category_affinity.min_share",
            f"expected a share of the customer's spend above 0 and at most 1 (0.4 for 40 %), got {min_share:g}",
        )
    return min_share, r.get(category, "mixed_label", "category_affinity", str)


def _value_tiers(r: _Reader, raw: Any) -> tuple[tuple[tuple[str, float], ...], str]:
    """((label, top share) per tier, rest label)."""
    value = r.get(raw, "value_tiers", "", dict)
    r.known(value, "value_tiers", VALUE_TIER_KEYS)
    tiers: list[tuple[str, float]] = []
    for i, item in enumerate(r.get(value, "tiers", "value_tiers", list)):
        r.known(item, f"value_tiers.tiers[{i}]", TIER_KEYS)
        share = r.get(item, "top_share", f"value_tiers.tiers[{i}]", float)
        if not 0 < share <= 1 or (tiers and share <= tiers[-1][1]):
            raise r.fail(f"value_tiers.tiers[{i}].top_share", "expected a share in (0, 1], above the previous tier's")
        tiers.append((r.get(item, "label", f"value_tiers.tiers[{i}]", str), share))
    return tuple(tiers), r.get(value, "rest_label", "value_tiers", str)


def _churn_bands(r: _Reader, raw: Any) -> tuple[Band, ...]:
    """Bands of P(alive), a probability: every bound within (0, 1]."""
    bands = r.bands(raw, "churn_risk")
    for i, band in enumerate(bands):
        if band.below is not None and not 0 < band.below <= 1:
            raise r.fail(
                f"churn_risk[{i}].below",
                f"expected a P(alive) above 0 and at most 1 (0.3, not 30 for 30 %), got {band.below:g}",
            )
    return bands


def _churn_recency_bands(r: _Reader, raw: Any, churn_bands: tuple[Band, ...]) -> tuple[Band, ...]:
    """Bands of days since the last purchase, with the same labels as the P(alive) bands."""
    bands = r.bands(raw, "churn_risk_by_recency")
    labels = sorted(b.label for b in churn_bands)
    if sorted(b.label for b in bands) != labels:
        raise r.fail("churn_risk_by_recency", f"expected the labels of churn_risk ({', '.join(labels)}), once each")
    for i, band in enumerate(bands):
        if band.below is not None and band.below <= 0:
            raise r.fail(f"churn_risk_by_recency[{i}].below", f"expected days above 0, got {band.below:g}")
    return bands


def parse_config(raw: Any, source: str = "segmentation.yaml") -> SegmentationConfig:
    """Check a parsed YAML document and build the settings; raises SegmentationConfigError naming the key."""
    r = _Reader(source)
    if not isinstance(raw, dict):
        raise r.fail("(top level)", "expected a mapping of settings")
    r.known(raw, "", TOP_KEYS)
    life_stages, fallback = _life_stages(r, r.get(raw, "life_stages", "", dict))
    min_z, balanced, groups = _psychographic(r, raw)
    urbanicities = r.get(raw, "urbanicities", "", list)
    if not all(isinstance(u, str) for u in urbanicities):
        raise r.fail("urbanicities", "expected a list of urbanicity labels (text)")
    category_min_share, category_mixed = _category(r, raw)
    cadence = r.get(raw, "purchase_cadence", "", dict)
    r.known(cadence, "purchase_cadence", CADENCE_KEYS)
    value_tiers, value_rest = _value_tiers(r, raw)
    no_purchases = r.get(raw, "no_purchases_label", "", str)
    churn_bands = _churn_bands(r, raw.get("churn_risk"))
    return SegmentationConfig(
        unknown_label=r.get(raw, "unknown_label", "", str),
        no_purchases_label=no_purchases,
        not_business_label=r.get(raw, "not_business_label", "", str),
        age_bands=r.bands(raw.get("age_bands"), "age_bands"),
        life_stages=life_stages,
        life_stage_fallback=fallback,
        income_bands=r.bands(raw.get("income_bands"), "income_bands"),
        education_levels=_education_levels(r, raw),
        urbanicities=tuple(urbanicities),
        psychographic_min_z=min_z,
        psychographic_balanced_label=balanced,
        psychographic_groups=groups,
        rfm_rules=_rfm_rules(r, raw.get("rfm_segments"), no_purchases),
        category_min_share=category_min_share,
        category_mixed_label=category_mixed,
        cadence_one_purchase_label=r.get(cadence, "one_purchase_label", "purchase_cadence", str),
        cadence_bands=r.bands(cadence.get("bands"), "purchase_cadence.bands"),
        employee_bands=r.bands(raw.get("employee_bands"), "employee_bands"),
        value_tiers=value_tiers,
        value_rest_label=value_rest,
        churn_bands=churn_bands,
        churn_recency_bands=_churn_recency_bands(r, raw.get("churn_risk_by_recency"), churn_bands),
        persona=_persona(r, r.get(raw, "persona", "", dict)),
    )


def read_config(path: Path) -> SegmentationConfig:
    """Read and check a segmentation YAML file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise SegmentationConfigError(f"{path}: not valid YAML: {error}") from error
    return parse_config(raw, str(path))


@cache
def default_config() -> SegmentationConfig:
    """The settings in `assets/segments/segmentation.yaml`, read once per process."""
    return read_config(DEFAULT_PATH)
