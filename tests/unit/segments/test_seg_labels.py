import polars as pl
from seg_frames import customers, no_purchases

from assets.segments.config import default_config
from assets.segments.labels import LABEL_ORDER, SCORE_COLUMNS, label_customers
from assets.segments.profiles import SEGMENT_KINDS

CONFIG = default_config()


def inputs() -> tuple[pl.DataFrame, ...]:
    rows = [
        {"age_years": 20 + 7 * i, "recency_days": 5 + 11 * i, "revenue_usd": 30.0 + 25 * i, "top_category": cat}
        for i, cat in enumerate(["books", "garden", "games", "books", "garden", "games", "books", "garden"])
    ]
    rows[1] |= {"age_years": None}  # no birth date
    rows[2] |= no_purchases()
    rows[3] |= {"is_business_customer": True, "industry": "retail", "employee_count": 12}
    features = customers(*rows).with_columns(
        # only the first four answered the survey
        pl.when(pl.int_range(pl.len()) < 4).then(pl.lit(0.2) + 0.1 * pl.int_range(pl.len())).alias(f"survey_{d}_score")
        for d in CONFIG.psychographic_groups
    )
    buyers = features.filter(pl.col("order_count") > 0)["customer_id"]
    clv = pl.DataFrame(
        {
            "customer_id": features["customer_id"],
            "clv_usd": [float(v) for v in range(features.height)],
            "p_alive": [None if c not in buyers else 0.5 for c in features["customer_id"]],
        }
    )
    categories = pl.DataFrame(
        {"customer_id": buyers, "category": features.filter(pl.col("order_count") > 0)["top_category"]}
    ).with_columns(pl.lit(1.0).alias("revenue_share"))
    channels = pl.DataFrame({"customer_id": buyers, "channel": "web", "order_share": 1.0})
    return features, clv, categories, channels


def test_every_customer_gets_exactly_one_label_of_every_kind():
    features, clv, categories, channels = inputs()
    labels, personas, fit = label_customers(features.reverse(), clv, categories, channels, CONFIG)
    assert labels.columns == ["customer_id", *SCORE_COLUMNS, *LABEL_ORDER]
    assert labels["customer_id"].to_list() == sorted(features["customer_id"].to_list())
    for kind, allowed in SEGMENT_KINDS.items():
        assert labels[kind].null_count() == 0, kind
        if allowed is not None:
            assert set(labels[kind]) <= set(allowed), kind
    assert set(labels["persona"]) == set(personas["persona"])
    assert fit.k >= 2


def test_edge_customers_get_explicit_labels():
    features, clv, categories, channels = inputs()
    labels, _, _ = label_customers(features, clv, categories, channels, CONFIG)
    by_id = {row["customer_id"]: row for row in labels.iter_rows(named=True)}
    no_birth_date, prospect, business, no_survey = by_id["c1"], by_id["c2"], by_id["c3"], by_id["c6"]
    assert (no_birth_date["age_band"], no_birth_date["life_stage"]) == ("unknown", "unknown")
    assert prospect["rfm_segment"] == prospect["churn_risk"] == prospect["purchase_cadence"] == "No purchases"
    assert prospect["recency_score"] is None
    assert (business["industry"], business["employee_band"]) == ("retail", "10-49")
    assert (no_survey["industry"], no_survey["psychographic_group"]) == ("not B2B", "unknown")
