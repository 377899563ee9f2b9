from datetime import datetime, timedelta

import pytest
from seg_frames import customers, no_purchases

from assets.segments.behaviour import behaviour_labels
from assets.segments.config import default_config
from assets.segments.firmographic import firmographic_labels

CONFIG = default_config()
START = datetime(2025, 1, 1)


def labels(*rows: dict) -> list[dict]:
    return customers(*rows).select(*behaviour_labels(CONFIG), *firmographic_labels(CONFIG)).to_dicts()


def test_customers_without_purchases_are_named_so_in_every_behaviour_column():
    row = labels(no_purchases())[0]
    assert row == {
        "category_affinity": "No purchases",
        "preferred_channel": "No purchases",
        "purchase_cadence": "No purchases",
        "industry": "not B2B",
        "employee_band": "not B2B",
    }


@pytest.mark.parametrize(("share", "label"), [(0.4, "garden"), (0.9, "garden"), (0.39, "Mixed"), (None, "Mixed")])
def test_category_affinity_needs_the_top_category_to_dominate(share, label):
    row = labels({"top_category": "garden", "top_category_revenue_share": share})[0]
    assert row["category_affinity"] == label


def test_preferred_channel_of_a_buyer():
    rows = labels({"preferred_channel": "phone"}, {"preferred_channel": None})
    assert [r["preferred_channel"] for r in rows] == ["phone", "unknown"]


@pytest.mark.parametrize(
    ("span_days", "repeats", "cadence"),
    [
        (0, 0, "One purchase"),
        (13, 1, "Weekly"),
        (14, 1, "Monthly"),  # the band's lower edge belongs to it
        (90, 3, "Monthly"),  # 30 days between purchases
        (90, 1, "Quarterly"),
        (399, 1, "Yearly"),
        (800, 1, "Rarely"),
    ],
)
def test_purchase_cadence_from_days_between_purchases(span_days, repeats, cadence):
    row = labels(
        {
            "first_ordered_at": START,
            "last_ordered_at": START + timedelta(days=span_days),
            "repeat_purchase_day_count": repeats,
        }
    )[0]
    assert row["purchase_cadence"] == cadence


@pytest.mark.parametrize(
    ("employees", "band"), [(1, "1-9"), (9, "1-9"), (10, "10-49"), (249, "50-249"), (1000, "1000+"), (None, "unknown")]
)
def test_business_customers_get_an_employee_band(employees, band):
    row = labels({"is_business_customer": True, "industry": "retail", "employee_count": employees})[0]
    assert row["employee_band"] == band
    assert row["industry"] == "retail"


def test_a_business_without_industry_is_unknown_and_a_consumer_is_not_b2b():
    rows = labels(
        {"is_business_customer": True, "industry": None, "employee_count": 20},
        {"is_business_customer": False, "industry": "retail", "employee_count": 20},
        {"is_business_customer": None},
    )
    assert [(r["industry"], r["employee_band"]) for r in rows] == [
        ("unknown", "10-49"),
        ("not B2B", "not B2B"),
        ("not B2B", "not B2B"),
    ]
