"""Segmentation assets: segment labels per customer and a profile per segment (candidates)."""

import dagster as dg
import polars as pl

from assets.charts import bar_chart
from assets.clv.assets import CANDIDATE_SCHEMA, CUSTOMER_CLV
from assets.features.dbt import CUSTOMER_FEATURES
from assets.ingest.assets import OWNER, WAREHOUSE_POOL
from assets.metadata import frame_metadata
from assets.segments.profiles import segment_profiles as build_profiles
from assets.segments.rfm import rfm_scores
from assets.segments.value import churn_risk, value_tier
from assets.warehouse import read_table, replace_table
from orchestration.resources import Warehouse

CUSTOMER_SEGMENTS = dg.AssetKey([CANDIDATE_SCHEMA, "customer_segments"])
SEGMENT_PROFILES = dg.AssetKey([CANDIDATE_SCHEMA, "segment_profiles"])
FEATURE_COLUMNS = ("customer_id", "order_count", "recency_days", "repeat_purchase_day_count", "revenue_usd")


def label_customers(features: pl.DataFrame, clv: pl.DataFrame) -> pl.DataFrame:
    """Every segment label per customer: RFM scores and segment, value tier and churn risk."""
    return (
        rfm_scores(features.select(FEATURE_COLUMNS))
        .join(clv.select("customer_id", "clv_usd", "p_alive"), on="customer_id", how="left")
        .with_columns(
            value_tier(pl.col("clv_usd").fill_null(0.0)).alias("value_tier"),
            churn_risk(pl.col("p_alive")).alias("churn_risk"),
        )
        .drop("clv_usd", "p_alive")
        .sort("customer_id")
    )


@dg.asset(
    key=CUSTOMER_SEGMENTS,
    deps=[CUSTOMER_FEATURES, CUSTOMER_CLV],
    description=(
        "One row per customer with every segment label: RFM scores (1-5) and named RFM segment, "
        "value tier by CLV and churn risk by P(alive). Candidate: published to "
        "`segments.customer_segments` once every check passes."
    ),
    group_name="segmentation",
    kinds={"polars", "duckdb"},
    owners=[OWNER],
    pool=WAREHOUSE_POOL,
)
def customer_segments(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        features = read_table(con, "marts", "dim_customer_features")
        clv = read_table(con, CANDIDATE_SCHEMA, "customer_clv")
        segments = label_customers(features, clv)
        replace_table(con, CANDIDATE_SCHEMA, "customer_segments", segments)
    sizes = segments.group_by("rfm_segment").len().sort("len", descending=True)
    return dg.MaterializeResult(
        metadata={
            **frame_metadata(segments, table="candidate.customer_segments"),
            "rfm_segment_sizes": dg.MetadataValue.json(dict(sizes.iter_rows())),
        }
    )


@dg.asset(
    key=SEGMENT_PROFILES,
    deps=[CUSTOMER_SEGMENTS, CUSTOMER_CLV, CUSTOMER_FEATURES],
    description=(
        "One row per segment of each kind (RFM segment, value tier, churn risk): customers, "
        "share, revenue and revenue share, average and total CLV, average order value and a "
        "one-line description. Candidate: published to `segments.segment_profiles`."
    ),
    group_name="segmentation",
    kinds={"polars", "duckdb"},
    owners=[OWNER],
    pool=WAREHOUSE_POOL,
)
def segment_profiles(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        segments = read_table(con, CANDIDATE_SCHEMA, "customer_segments")
        features = read_table(con, "marts", "dim_customer_features")
        clv = read_table(con, CANDIDATE_SCHEMA, "customer_clv")
        profiles = build_profiles(segments, features, clv)
        replace_table(con, CANDIDATE_SCHEMA, "segment_profiles", profiles)
    rfm = profiles.filter(pl.col("segment_kind") == "rfm_segment").sort("customers", descending=True)
    return dg.MaterializeResult(
        metadata={
            **frame_metadata(profiles, table="candidate.segment_profiles"),
            "rfm_segment_sizes": bar_chart(rfm["segment"], rfm["customers"], title="Customers per RFM segment"),
            "rfm_segment_avg_clv": bar_chart(
                rfm["segment"],
                rfm["avg_clv_usd"].fill_null(0),
                title="Average CLV (USD) per RFM segment",
                value_format="{:,.2f}",
            ),
        }
    )
