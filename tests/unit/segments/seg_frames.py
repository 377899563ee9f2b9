"""A tiny `dim_customer_features` frame with every column the segment rules read."""

from datetime import datetime

import polars as pl

DEFAULTS: dict[str, object] = {
    "age_years": 40,
    "marital_status": "married",
    "children_count": 0,
    "income_usd": 60_000.0,
    "education": "bachelor",
    "country": "Germany",
    "region": "Bavaria",
    "urbanicity": "urban",
    "is_business_customer": False,
    "industry": None,
    "employee_count": None,
    "order_count": 2,
    "recency_days": 10,
    "repeat_purchase_day_count": 1,
    "revenue_usd": 100.0,
    "avg_order_value_usd": 50.0,
    "item_count": 3,
    "first_ordered_at": datetime(2025, 1, 1),
    "last_ordered_at": datetime(2025, 1, 31),
    "top_category": "books",
    "top_category_revenue_share": 0.8,
    "preferred_channel": "web",
}
SCHEMA = {
    "customer_id": pl.String,
    "age_years": pl.Int32,
    "marital_status": pl.String,
    "children_count": pl.Int64,
    "income_usd": pl.Float64,
    "education": pl.String,
    "country": pl.String,
    "region": pl.String,
    "urbanicity": pl.String,
    "is_business_customer": pl.Boolean,
    "industry": pl.String,
    "employee_count": pl.Int64,
    "order_count": pl.Int64,
    "recency_days": pl.Int64,
    "repeat_purchase_day_count": pl.Int64,
    "revenue_usd": pl.Float64,
    "avg_order_value_usd": pl.Float64,
    "item_count": pl.Int64,
    "first_ordered_at": pl.Datetime("us"),
    "last_ordered_at": pl.Datetime("us"),
    "top_category": pl.String,
    "top_category_revenue_share": pl.Float64,
    "preferred_channel": pl.String,
}


def customers(*rows: dict) -> pl.DataFrame:
    """One row per dict, missing columns from DEFAULTS; customer ids c0, c1, ... unless given."""
    filled = [{"customer_id": f"c{i}", **DEFAULTS, **row} for i, row in enumerate(rows)]
    return pl.DataFrame(filled, schema=SCHEMA)


def no_purchases() -> dict:
    """The feature values of a customer who signed up and never bought."""
    return {
        "order_count": 0,
        "recency_days": None,
        "repeat_purchase_day_count": 0,
        "revenue_usd": 0.0,
        "avg_order_value_usd": None,
        "item_count": 0,
        "first_ordered_at": None,
        "last_ordered_at": None,
        "top_category": None,
        "top_category_revenue_share": None,
        "preferred_channel": None,
    }
