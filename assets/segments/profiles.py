"""Segment profiles: one row per segment of each kind, as a pure polars function."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import polars as pl

from assets.segments.behaviour import cadence_labels
from assets.segments.config import Band, SegmentationConfig, default_config
from assets.segments.demographic import education_labels, life_stage_labels
from assets.segments.firmographic import employee_band_labels
from assets.segments.labels import LABEL_ORDER
from assets.segments.psychographic import psychographic_labels
from assets.segments.value import (
    CHURN_BY_P_ALIVE,
    VALUE_BY_CLV,
    churn_risk_labels,
    value_bases,
    value_tier_labels,
)

MIX_SHOWN = 3
PROFILE_COLUMNS = (
    "segment_kind",
    "segment",
    "customers",
    "customer_share",
    "revenue_usd",
    "revenue_share",
    "orders",
    "avg_order_value_usd",
    "avg_clv_usd",
    "total_clv_usd",
    "top_categories",
    "preferred_channel",
    "median_age_years",
    "median_income_usd",
    "age_band_mix",
    "life_stage_mix",
    "country_mix",
    "urbanicity_mix",
    "description",
)
COMPOSITION = {
    "age_band_mix": "age_band",
    "life_stage_mix": "life_stage",
    "country_mix": "country",
    "urbanicity_mix": "urbanicity",
}


def segment_kinds(config: SegmentationConfig) -> dict[str, tuple[str, ...] | None]:
    """Label column -> its allowed labels in display order, or None for an open vocabulary."""
    unknown, no_purchases = config.unknown_label, config.no_purchases_label
    kinds: dict[str, tuple[str, ...] | None] = {
        "age_band": (*(b.label for b in config.age_bands), unknown),
        "life_stage": life_stage_labels(config),
        "income_band": (*(b.label for b in config.income_bands), unknown),
        "education_level": education_labels(config),
        "country": None,
        "region": None,
        "urbanicity": (*config.urbanicities, unknown),
        "psychographic_group": psychographic_labels(config),
        "rfm_segment": (*(rule.segment for rule in config.rfm_rules), no_purchases),
        "category_affinity": None,
        "preferred_channel": None,
        "purchase_cadence": cadence_labels(config),
        "industry": None,
        "employee_band": employee_band_labels(config),
        "value_tier": value_tier_labels(config),
        "churn_risk": churn_risk_labels(config),
        "persona": None,
    }
    assert tuple(kinds) == LABEL_ORDER, "segment kinds and label columns must list the same columns"
    return kinds


class _ShippedSegmentKinds(Mapping[str, tuple[str, ...] | None]):
    """``segment_kinds`` of the shipped `segmentation.yaml`, read when first looked at, not at import.

    The checks, drift and publish modules import SEGMENT_KINDS when the code location loads; read
    then, one bad edit of the file would break the whole code location (schedules included)
    instead of failing the refresh that segments, with the key named.
    """

    def _kinds(self) -> dict[str, tuple[str, ...] | None]:
        return segment_kinds(default_config())

    def __getitem__(self, kind: str) -> tuple[str, ...] | None:
        return self._kinds()[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(self._kinds())

    def __len__(self) -> int:
        return len(self._kinds())

    def __repr__(self) -> str:
        return f"SEGMENT_KINDS({self._kinds()!r})"


SEGMENT_KINDS: Mapping[str, tuple[str, ...] | None] = _ShippedSegmentKinds()


def rule_descriptions(
    config: SegmentationConfig, bases: tuple[str, str] = (VALUE_BY_CLV, CHURN_BY_P_ALIVE)
) -> dict[tuple[str, str], str]:
    """What the segments defined by a rule mean; other segments are described from their figures.

    ``bases`` says what value tiers and churn risk rest on (see ``value_bases``): without a CLV
    model the fallback rules are named in the descriptions, so no one reads them as model output.
    """
    value_basis, churn_basis = bases
    descriptions = {("rfm_segment", rule.segment): rule.description for rule in config.rfm_rules}
    descriptions[("rfm_segment", config.no_purchases_label)] = "Signed up but has not bought yet."
    fallback = ", as this data support no lifetime value model" if value_basis != VALUE_BY_CLV else ""
    previous = 0.0
    for label, share in config.value_tiers:
        after = f" (after the top {previous:.0%})" if previous else ""
        descriptions[("value_tier", label)] = f"Customers in the top {share:.0%} by {value_basis}{after}{fallback}."
        previous = share
    descriptions[("value_tier", config.value_rest_label)] = (
        f"The remaining {1 - previous:.0%} of customers by {value_basis}{fallback}."
    )
    if churn_basis == CHURN_BY_P_ALIVE:
        descriptions.update(
            _band_descriptions(config.churn_bands, "P(alive)", "{:g}", ("Probably gone", "Probably still active"))
        )
    else:
        descriptions.update(
            _band_descriptions(
                config.churn_recency_bands,
                "days since the last purchase (no P(alive) model for this data)",
                "{:,.0f}",
                ("Probably still active", "Probably gone"),
            )
        )
    descriptions[("churn_risk", config.no_purchases_label)] = "No purchases yet, so no churn estimate."
    return descriptions


def _band_descriptions(
    bands: tuple[Band, ...], measure: str, number: str, ends: tuple[str, str]
) -> dict[tuple[str, str], str]:
    """One sentence per churn band: the first band's meaning, the last's, and 'may be slipping away' between."""
    descriptions, lower = {}, None
    for band in bands:
        if band.below is None:
            text = f"{ends[1]}: {measure} of {number.format(lower)} or more."
        elif lower is None:
            text = f"{ends[0]}: {measure} below {number.format(band.below)}."
        else:
            text = f"May be slipping away: {measure} from {number.format(lower)} to {number.format(band.below)}."
        descriptions[("churn_risk", band.label)] = text
        lower = band.below
    return descriptions


def _mix_text(labels: pl.Expr) -> pl.Expr:
    """The most common labels of a group with their shares: 'urban 60%, suburban 30%, rural 10%'."""
    counts = labels.value_counts(sort=True)
    top = counts.head(MIX_SHOWN)
    share = top.struct.field("count") / labels.len()
    return pl.concat_str(
        [top.struct.field(labels.meta.output_name()), pl.lit(" "), (share * 100).round(0).cast(pl.Int64), pl.lit("%")]
    ).str.join(", ")


def _top_categories(base: pl.DataFrame, kind: str, category_mix: pl.DataFrame) -> pl.DataFrame:
    per_category = (
        base.select("customer_id", pl.col(kind).alias("segment"))
        .join(category_mix.select("customer_id", "category", pl.col("revenue_usd").cast(pl.Float64)), on="customer_id")
        .group_by("segment", "category")
        .agg(pl.col("revenue_usd").sum())
        .filter(pl.col("revenue_usd") > 0)
        .with_columns((pl.col("revenue_usd") / pl.col("revenue_usd").sum().over("segment")).alias("share"))
        .sort("segment", "revenue_usd", "category", descending=[False, True, False])
    )
    return per_category.group_by("segment", maintain_order=True).agg(
        pl.concat_str(["category", pl.lit(" "), (pl.col("share") * 100).round(0).cast(pl.Int64), pl.lit("%")])
        .head(MIX_SHOWN)
        .str.join(", ")
        .alias("top_categories")
    )


def _preferred_channel(base: pl.DataFrame, kind: str, channel_mix: pl.DataFrame) -> pl.DataFrame:
    return (
        base.select("customer_id", pl.col(kind).alias("segment"))
        .join(channel_mix.select("customer_id", "channel", "order_count"), on="customer_id")
        .group_by("segment", "channel")
        .agg(pl.col("order_count").sum())
        .sort("segment", "order_count", "channel", descending=[False, True, False])
        .group_by("segment", maintain_order=True)
        .agg(pl.col("channel").first().alias("preferred_channel"))
    )


def _summary(kind: str) -> pl.Expr:
    """A one-line description from the segment's own figures, for segments no rule describes."""
    parts = [
        pl.lit(f"{kind.replace('_', ' ').capitalize()} '"),
        pl.col("segment"),
        pl.lit("': "),
        (pl.col("customer_share") * 100).round(1).cast(pl.String),
        pl.lit("% of customers and "),
        (pl.col("revenue_share") * 100).round(1).cast(pl.String),
        pl.lit("% of revenue"),
        pl.when(pl.col("top_categories").is_not_null())
        .then(pl.concat_str(pl.lit("; buys "), pl.col("top_categories")))
        .otherwise(pl.lit("")),
        pl.when(pl.col("preferred_channel").is_not_null())
        .then(pl.concat_str(pl.lit("; mostly by "), pl.col("preferred_channel")))
        .otherwise(pl.lit("")),
        pl.lit("."),
    ]
    return pl.concat_str(parts)


def segment_profiles(
    segments: pl.DataFrame,
    features: pl.DataFrame,
    clv: pl.DataFrame,
    category_mix: pl.DataFrame | None = None,
    channel_mix: pl.DataFrame | None = None,
    persona_descriptions: pl.DataFrame | None = None,
    *,
    kinds: Mapping[str, Sequence[str] | None] | None = None,
    config: SegmentationConfig | None = None,
) -> pl.DataFrame:
    """Summarise each segment of each kind: size, shares, CLV, order value, categories, channel, composition.

    ``segments`` has customer_id and one column per kind in ``kinds``; ``features`` has
    customer_id, order_count, revenue_usd, age_years and income_usd; ``clv`` has customer_id
    and clv_usd; the mixes are the `fct_customer_category_mix` and `fct_customer_channel_mix`
    marts; ``persona_descriptions`` has persona and description. ``kinds`` defaults to the segment
    kinds of ``config``, which defaults to the shipped settings. Within a kind, the customers of
    all segments add up to the customer count. Shares are of all customers and all revenue.
    """
    config = config or default_config()
    kinds = kinds if kinds is not None else segment_kinds(config)
    missing = [kind for kind in kinds if kind not in segments.columns]
    if missing:
        raise ValueError(f"segment columns missing from the customer segments: {', '.join(missing)}")
    empty_categories = pl.DataFrame(schema={"customer_id": pl.String, "category": pl.String, "revenue_usd": pl.Float64})
    empty_channels = pl.DataFrame(schema={"customer_id": pl.String, "channel": pl.String, "order_count": pl.Int64})
    category_mix = category_mix if category_mix is not None else empty_categories
    channel_mix = channel_mix if channel_mix is not None else empty_channels
    wanted = [c for c in ("order_count", "revenue_usd", "age_years", "income_usd") if c in features.columns]
    base = (
        segments.join(features.select("customer_id", *wanted), on="customer_id", how="left")
        .join(clv.select("customer_id", "clv_usd"), on="customer_id", how="left")
        .with_columns(
            pl.col("revenue_usd").cast(pl.Float64).fill_null(0.0),
            pl.col("order_count").fill_null(0),
            *(pl.lit(None, dtype=pl.Float64).alias(c) for c in ("age_years", "income_usd") if c not in wanted),
        )
    )
    # revenue in whole cents: integer sums are exact in any order, so one segment holding all the
    # revenue has a share of exactly 1 (a float sum in another order gave 1.0000000000000002)
    base = base.with_columns((pl.col("revenue_usd") * 100).round(0).cast(pl.Int64).alias("revenue_cents"))
    total_customers = base.height
    total_cents = int(base["revenue_cents"].sum())
    descriptions = rule_descriptions(config, value_bases(clv))
    if persona_descriptions is not None:
        descriptions.update({("persona", p): d for p, d in persona_descriptions.iter_rows()})
    frames = []
    for kind_order, (kind, labels) in enumerate(kinds.items()):
        composition = [
            _mix_text(pl.col(column)).alias(name) if column in base.columns else pl.lit(None, pl.String).alias(name)
            for name, column in COMPOSITION.items()
        ]
        grouped = (
            base.group_by(pl.col(kind).alias("segment"))
            .agg(
                pl.len().alias("customers"),
                pl.col("revenue_cents").sum().alias("revenue_cents"),
                pl.col("order_count").sum().alias("orders"),
                pl.col("clv_usd").mean().alias("avg_clv_usd"),
                pl.when(pl.col("clv_usd").count() > 0).then(pl.col("clv_usd").sum()).alias("total_clv_usd"),
                pl.col("age_years").cast(pl.Float64).median().alias("median_age_years"),
                pl.col("income_usd").cast(pl.Float64).median().alias("median_income_usd"),
                *composition,
            )
            .with_columns((pl.col("revenue_cents") / 100).alias("revenue_usd"))
        )
        order = pl.DataFrame({"segment": list(labels or ()), "segment_order": list(range(len(labels or ())))})
        order = order.cast({"segment": pl.String, "segment_order": pl.Int64})
        frame = (
            grouped.join(_top_categories(base, kind, category_mix), on="segment", how="left")
            .join(_preferred_channel(base, kind, channel_mix), on="segment", how="left")
            .join(order, on="segment", how="left")
            .with_columns(
                pl.lit(kind).alias("segment_kind"),
                pl.lit(kind_order).alias("kind_order"),
                (pl.col("customers") / total_customers).alias("customer_share"),
                (pl.col("revenue_cents") / total_cents if total_cents else pl.lit(0.0)).alias("revenue_share"),
                pl.when(pl.col("orders") > 0)
                .then(pl.col("revenue_usd") / pl.col("orders"))
                .alias("avg_order_value_usd"),
            )
        )
        known = pl.DataFrame(
            {
                "segment": [s for k, s in descriptions if k == kind],
                "rule_description": [d for (k, _), d in descriptions.items() if k == kind],
            },
            schema={"segment": pl.String, "rule_description": pl.String},
        )
        frame = frame.join(known, on="segment", how="left").with_columns(
            pl.coalesce("rule_description", _summary(kind)).alias("description")
        )
        frames.append(frame)
    return (
        pl.concat(frames, how="diagonal_relaxed")
        # open vocabularies (no configured order) list their largest segments first
        .sort(
            "kind_order",
            "segment_order",
            pl.col("customers"),
            "segment",
            descending=[False, False, True, False],
            nulls_last=True,
        )
        .select(PROFILE_COLUMNS)
    )
