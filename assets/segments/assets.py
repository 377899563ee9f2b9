"""Segmentation assets: segment labels per customer and a profile per segment (candidates)."""

import dagster as dg
import polars as pl

from assets.charts import bar_chart
from assets.clv.assets import CANDIDATE_SCHEMA, CUSTOMER_CLV
from assets.features.dbt import CUSTOMER_FEATURES
from assets.ingest.assets import OWNER, WAREHOUSE_POOL
from assets.ingest.reshaping import unmapped_values
from assets.metadata import frame_metadata
from assets.segments.labels import label_customers
from assets.segments.persona import persona_descriptions
from assets.segments.persona_features import persona_features
from assets.segments.profiles import segment_kinds
from assets.segments.profiles import segment_profiles as build_profiles
from assets.segments.vocabularies import UNKNOWN_VALUES_SCHEMA, segmentation_config, unknown_vocabulary_values
from assets.warehouse import read_table, replace_table
from orchestration.resources import Landing, Warehouse

CUSTOMER_SEGMENTS = dg.AssetKey([CANDIDATE_SCHEMA, "customer_segments"])
SEGMENT_PROFILES = dg.AssetKey([CANDIDATE_SCHEMA, "segment_profiles"])
UNKNOWN_VALUES = "unknown_values"
MART_SCHEMA = "marts"
CHART_LABEL_CHARACTERS = 26


def _chart_label(label: str) -> str:
    return label if len(label) <= CHART_LABEL_CHARACTERS else label[: CHART_LABEL_CHARACTERS - 1] + "…"


def _read_inputs(warehouse: Warehouse) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    with warehouse.connect(read_only=True) as con:
        return (
            read_table(con, MART_SCHEMA, "dim_customer_features"),
            read_table(con, CANDIDATE_SCHEMA, "customer_clv"),
            read_table(con, MART_SCHEMA, "fct_customer_category_mix"),
            read_table(con, MART_SCHEMA, "fct_customer_channel_mix"),
        )


@dg.asset(
    key=CUSTOMER_SEGMENTS,
    deps=[CUSTOMER_FEATURES, CUSTOMER_CLV],
    description=(
        "One row per customer with one label per segment kind: demographic (age band, life stage, "
        "income band, education), geographic (country, region, urbanicity), psychographic group, "
        "behavioural (RFM scores 1-5 and named RFM segment, category affinity, preferred channel, "
        "purchase cadence), firmographic (industry, employee band), value tier by CLV, churn risk by "
        "P(alive) and persona (k-means clusters). Settings in `assets/segments/segmentation.yaml`, with the "
        "feeds configuration's `vocabularies` merged in; values no value map or vocabulary knows are counted "
        "per field and value in `candidate.unknown_values`. "
        "Candidate: published to `segments.customer_segments` once every check passes."
    ),
    group_name="segmentation",
    kinds={"polars", "duckdb", "scikitlearn"},
    owners=[OWNER],
    pool=WAREHOUSE_POOL,
)
def customer_segments(warehouse: Warehouse, landing: Landing) -> dg.MaterializeResult:
    feeds = landing.pipeline_config()
    config = segmentation_config(feeds.lookups.vocabularies)
    features, clv, category_mix, channel_mix = _read_inputs(warehouse)
    segments, personas, fit = label_customers(features, clv, category_mix, channel_mix, config)
    with warehouse.connect(read_only=True) as con:
        unmapped = [
            (f"feeds.{source.feed.name}.values.{name}", name, value, rows)
            for source in feeds.sources
            for name, values in unmapped_values(con, source).items()
            for value, rows in values.items()
        ]
    unknown = pl.concat(
        [
            pl.DataFrame(unmapped, schema=UNKNOWN_VALUES_SCHEMA, orient="row"),
            unknown_vocabulary_values(features, config),
        ]
    )
    with warehouse.connect() as con:
        replace_table(con, CANDIDATE_SCHEMA, "customer_segments", segments)
        replace_table(con, CANDIDATE_SCHEMA, UNKNOWN_VALUES, unknown)
    sizes = {kind: dict(segments[kind].value_counts(sort=True).iter_rows()) for kind in segment_kinds(config)}
    persona_sizes = segments["persona"].value_counts(sort=True)
    return dg.MaterializeResult(
        metadata={
            **frame_metadata(segments, table="candidate.customer_segments"),
            "segment_sizes": dg.MetadataValue.json(sizes),
            "unknown_values": dg.MetadataValue.json(
                [dict(zip(unknown.columns, row, strict=True)) for row in unknown.head(50).iter_rows()]
            ),
            "persona_k": dg.MetadataValue.int(fit.k),
            "persona_k_choice": "fixed in segmentation.yaml" if config.persona.k else "highest silhouette",
            "persona_silhouettes": dg.MetadataValue.json({str(k): round(s, 4) for k, s in fit.silhouettes.items()}),
            "personas": dg.MetadataValue.md("\n".join(f"- **{name}**: {text}" for name, text in personas.iter_rows())),
            "persona_sizes": bar_chart(
                [_chart_label(p) for p in persona_sizes["persona"]],
                persona_sizes["count"],
                title="Customers per persona",
            ),
        }
    )


@dg.asset(
    key=SEGMENT_PROFILES,
    deps=[CUSTOMER_SEGMENTS, CUSTOMER_CLV, CUSTOMER_FEATURES],
    description=(
        "One row per segment of each kind: customers, share, revenue and revenue share, orders, average "
        "order value, average and total CLV, top categories, preferred channel, median age and income, "
        "age-band, life-stage, country and urbanicity mix, and a one-line description. Candidate: "
        "published to `segments.segment_profiles`."
    ),
    group_name="segmentation",
    kinds={"polars", "duckdb"},
    owners=[OWNER],
    pool=WAREHOUSE_POOL,
)
def segment_profiles(warehouse: Warehouse, landing: Landing) -> dg.MaterializeResult:
    config = segmentation_config(landing.pipeline_config().lookups.vocabularies)
    features, clv, category_mix, channel_mix = _read_inputs(warehouse)
    with warehouse.connect(read_only=True) as con:
        segments = read_table(con, CANDIDATE_SCHEMA, "customer_segments")
    matrix = persona_features(features, category_mix, channel_mix, config)
    described = persona_descriptions(matrix, segments.select("customer_id", "persona"), config.persona)
    profiles = build_profiles(segments, features, clv, category_mix, channel_mix, described, config=config)
    with warehouse.connect() as con:
        replace_table(con, CANDIDATE_SCHEMA, "segment_profiles", profiles)
    charts = {}
    for kind, title in (("rfm_segment", "RFM segment"), ("persona", "persona"), ("value_tier", "value tier")):
        rows = profiles.filter(pl.col("segment_kind") == kind).sort("customers", descending=True)
        labels = [_chart_label(s) for s in rows["segment"]]
        charts[f"{kind}_sizes"] = bar_chart(labels, rows["customers"], title=f"Customers per {title}")
        charts[f"{kind}_avg_clv"] = bar_chart(
            labels, rows["avg_clv_usd"].fill_null(0), title=f"Average CLV (USD) per {title}", value_format="{:,.2f}"
        )
    return dg.MaterializeResult(metadata={**frame_metadata(profiles, table="candidate.segment_profiles"), **charts})
