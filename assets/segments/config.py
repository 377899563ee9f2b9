"""The segmentation settings in `segmentation.yaml`, read and checked once.

Every value is checked on load, and an error names the file, the key and what would be valid,
so a marketer who mistypes a band sees where, not a stack trace from deep inside a refresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DEFAULT_PATH = Path(__file__).with_name("segmentation.yaml")
FEATURE_GROUPS = ("demographic", "behavioural", "psychographic")


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

    def bands(self, raw: Any, path: str) -> tuple[Band, ...]:
        if not isinstance(raw, list) or not raw:
            raise self.fail(path, "expected a list of bands like {label: ..., below: ...}")
        bands = []
        for i, item in enumerate(raw):
            key = f"{path}[{i}]"
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
    rules_raw = r.get(raw, "rules", "life_stages", list)
    rules = []
    for i, item in enumerate(rules_raw):
        key = f"life_stages.rules[{i}]"
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


def _rfm_rules(r: _Reader, raw: Any) -> tuple[RfmRule, ...]:
    if not isinstance(raw, list) or not raw:
        raise r.fail("rfm_segments", "expected a list of segments like {segment, recency: [lo, hi], fm: [lo, hi]}")
    rules = []
    for i, item in enumerate(raw):
        key = f"rfm_segments[{i}]"
        ranges = []
        for axis in ("recency", "fm"):
            pair = r.get(item, axis, key, list)
            if len(pair) != 2 or not all(isinstance(v, int) and 1 <= v <= 5 for v in pair) or pair[0] > pair[1]:
                raise r.fail(f"{key}.{axis}", f"expected [low, high] scores from 1 to 5, got {pair!r}")
            ranges.append((pair[0], pair[1]))
        segment = r.get(item, "segment", key, str)
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


def _persona(r: _Reader, raw: Any) -> PersonaSettings:
    k = r.get(raw, "k", "persona", (int, str))
    if isinstance(k, str) and k != "auto":
        raise r.fail("persona.k", f"expected a whole number of personas or `auto`, got {k!r}")
    k_range = r.get(raw, "k_range", "persona", list)
    if len(k_range) != 2 or not all(isinstance(v, int) for v in k_range) or not 2 <= k_range[0] <= k_range[1]:
        raise r.fail("persona.k_range", f"expected [lowest, highest] whole numbers from 2 up, got {k_range!r}")
    if isinstance(k, int) and k < 2:
        raise r.fail("persona.k", f"expected at least 2 personas, got {k}")
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
        silhouette_sample=r.get(raw, "silhouette_sample", "persona", int),
        distinguishing_features=r.get(raw, "distinguishing_features", "persona", int),
        fit_sample=_fit_sample(r, raw),
    )


def _fit_sample(r: _Reader, raw: Any) -> int:
    value = r.get(raw, "fit_sample", "persona", int, optional=True)
    if value is None:
        return PersonaSettings.fit_sample
    if value < 1_000:
        raise r.fail("persona.fit_sample", f"must be at least 1000 customers, got {value}")
    return value


def parse_config(raw: Any, source: str = "segmentation.yaml") -> SegmentationConfig:
    """Check a parsed YAML document and build the settings; raises SegmentationConfigError naming the key."""
    r = _Reader(source)
    if not isinstance(raw, dict):
        raise r.fail("(top level)", "expected a mapping of settings")
    life_stages, fallback = _life_stages(r, r.get(raw, "life_stages", "", dict))
    psychographic = r.get(raw, "psychographic", "", dict)
    groups = r.get(psychographic, "groups", "psychographic", dict)
    for dimension in groups:
        r.get(groups, dimension, "psychographic.groups", str)
    _unique(list(groups.values()), "psychographic.groups", r)
    education = r.get(raw, "education_levels", "", dict)
    for level in education:
        r.get(education, level, "education_levels", str)
    urbanicities = r.get(raw, "urbanicities", "", list)
    if not all(isinstance(u, str) for u in urbanicities):
        raise r.fail("urbanicities", "expected a list of urbanicity labels (text)")
    category = r.get(raw, "category_affinity", "", dict)
    cadence = r.get(raw, "purchase_cadence", "", dict)
    value = r.get(raw, "value_tiers", "", dict)
    tiers = []
    for i, item in enumerate(r.get(value, "tiers", "value_tiers", list)):
        share = r.get(item, "top_share", f"value_tiers.tiers[{i}]", float)
        if not 0 < share <= 1 or (tiers and share <= tiers[-1][1]):
            raise r.fail(f"value_tiers.tiers[{i}].top_share", "expected a share in (0, 1], above the previous tier's")
        tiers.append((r.get(item, "label", f"value_tiers.tiers[{i}]", str), share))
    return SegmentationConfig(
        unknown_label=r.get(raw, "unknown_label", "", str),
        no_purchases_label=r.get(raw, "no_purchases_label", "", str),
        not_business_label=r.get(raw, "not_business_label", "", str),
        age_bands=r.bands(raw.get("age_bands"), "age_bands"),
        life_stages=life_stages,
        life_stage_fallback=fallback,
        income_bands=r.bands(raw.get("income_bands"), "income_bands"),
        education_levels=dict(education),
        urbanicities=tuple(urbanicities),
        psychographic_min_z=r.get(psychographic, "min_z", "psychographic", float),
        psychographic_balanced_label=r.get(psychographic, "balanced_label", "psychographic", str),
        psychographic_groups=dict(groups),
        rfm_rules=_rfm_rules(r, raw.get("rfm_segments")),
        category_min_share=r.get(category, "min_share", "category_affinity", float),
        category_mixed_label=r.get(category, "mixed_label", "category_affinity", str),
        cadence_one_purchase_label=r.get(cadence, "one_purchase_label", "purchase_cadence", str),
        cadence_bands=r.bands(cadence.get("bands"), "purchase_cadence.bands"),
        employee_bands=r.bands(raw.get("employee_bands"), "employee_bands"),
        value_tiers=tuple(tiers),
        value_rest_label=r.get(value, "rest_label", "value_tiers", str),
        churn_bands=r.bands(raw.get("churn_risk"), "churn_risk"),
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
