"""Exports as they are, mapped by configuration alone, refresh and publish: GBP shop, campaign table, wide survey.

The landing folder holds a UK-retailer-style invoice export in pounds (two header spellings), a
Customer-Personality-style sign-up table (birth years, children in two columns, its own education
and marital status values) and a Google-Forms-style wide survey, plus the user's own survey codebook
and vocabularies. No file is reshaped by a script and no project file is edited.
"""

import random
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from assets.publish.store import PublishedStore
from orchestration.cli import main

pytestmark = pytest.mark.integration
FIXTURES = Path(__file__).parents[1] / "fixtures" / "mapping"
SIGNUP_IDS = ["5524", "2174", "4141", "5324", "7446", "965", "1994", "387", "2125", "8180", "11004"]
CODEBOOK = """question_id,survey_id,dimension,question_text,answer_type,scale_min,scale_max,is_reverse_scored
Q03,values_2025,quality_focus,I will pay more for better quality,likert,1,5,false
Q05,values_2025,price_focus,I compare prices before every purchase,likert,1,5,false
Q06,values_2025,price_focus,I wait for a sale before I buy,likert,1,5,false
Q15,values_2025,contact_channel,How would you like us to contact you?,category,,,false
"""
VOCABULARIES = """education_levels: {Basic: Basic education}
psychographic:
  groups: {price_focus: Bargain hunters, quality_focus: Quality seekers}
"""
PURCHASES = """reporting_currency: GBP
survey_codebook: codebook.csv
vocabularies: vocabularies.yaml
feeds:
  purchases:
    folder: shop
    columns:
      order_id: [InvoiceNo, Invoice]
      customer_id: [CustomerID, Customer ID]
      ordered_at: InvoiceDate
      product_id: StockCode
      quantity: Quantity
      unit_price: [UnitPrice, Price]
    constants: {channel: store}
    currency: GBP
"""


def invoices(header: str, customers: list[str], start: datetime, rng: random.Random) -> str:
    lines = [header]
    for customer in customers:
        for visit in range(rng.randint(1, 6)):
            at = start + timedelta(days=rng.randint(0, 360), minutes=rng.randint(0, 600))
            invoice = f"{customer}{visit}{at:%j}"
            for item in range(rng.randint(1, 3)):
                quantity, price = rng.randint(1, 12), f"1.{rng.randint(10, 99)}"
                lines.append(f"{invoice},{85000 + item},{quantity},{at:%Y-%m-%d %H:%M:%S},{price},{customer}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("mapped")
    rng = random.Random(11)
    customers = SIGNUP_IDS + [str(20000 + i) for i in range(300)]
    (root / "shop").mkdir()
    half = len(customers) // 2
    (root / "shop" / "2023.csv").write_text(
        invoices(
            "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID", customers[:half], datetime(2024, 1, 1), rng
        )
    )
    (root / "shop" / "2024.csv").write_text(
        invoices("Invoice,StockCode,Quantity,InvoiceDate,Price,Customer ID", customers, datetime(2024, 6, 1), rng)
    )
    (root / "campaign").mkdir()
    campaign = (FIXTURES / "marketing_campaign.tsv").read_text(encoding="utf-8").splitlines()
    (root / "campaign" / "campaign.tsv").write_text("\n".join(campaign[:-1]) + "\n", encoding="utf-8")  # no bad date
    (root / "forms").mkdir()
    survey = (
        (FIXTURES / "survey_responses.csv").read_text(encoding="utf-8").replace('"=HYPERLINK(""http://x"")"', "Agree")
    )
    (root / "forms" / "responses.csv").write_text(survey, encoding="utf-8")
    (root / "codebook.csv").write_text(CODEBOOK, encoding="utf-8")
    (root / "vocabularies.yaml").write_text(VOCABULARIES, encoding="utf-8")
    feeds = (FIXTURES / "feeds.yaml").read_text(encoding="utf-8")
    config = root / "feeds.yaml"
    config.write_text(PURCHASES + feeds[feeds.index("  signups:") :], encoding="utf-8")
    warehouse = root / "warehouse.duckdb"
    assert main(["refresh", "--config", str(config), "--warehouse", str(warehouse)]) == 0
    return warehouse, PublishedStore.beside(warehouse).current


def query(path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_education_labels_come_from_the_value_map_and_the_vocabularies(published):
    _, current = published
    rows = dict(
        query(
            current,
            "select customer_id, education_level from segments.customer_segments where customer_id in "
            "('5524', '5324', '387', '2125')",
        )
    )
    assert rows == {
        "5524": "Bachelor's degree",
        "5324": "Doctorate",
        "387": "Basic education",
        "2125": "Master's degree",
    }


def test_the_supplied_codebook_scores_the_wide_survey_into_the_configured_groups(published):
    warehouse, current = published
    scores = dict(
        query(
            warehouse,
            "select customer_id, survey_price_focus_score from marts.dim_customer_features "
            "where survey_price_focus_score is not null",
        )
    )
    # 2174 strongly disagreed with comparing prices and skipped Q06: price focus 0 of 1
    assert scores["2174"] == pytest.approx(0.0) and scores["5524"] == pytest.approx((0.75 + 1.0) / 2)
    groups = dict(
        query(
            current,
            "select customer_id, psychographic_group from segments.customer_segments "
            "where customer_id in ('5524', '2174', '4141', '7446')",
        )
    )
    assert set(groups.values()) <= {"Bargain hunters", "Quality seekers", "Middle of the road"}
    assert groups["2174"] == "Quality seekers"


def test_values_no_map_or_vocabulary_knows_are_published_for_the_report(published, capsys):
    warehouse, current = published
    unknown = query(current, "select source, value, rows from segments.unknown_values")
    assert ("feeds.signups.values.marital_status", "YOLO", 1) in unknown
    assert ("feeds.surveys.values.answer", "Somewhat agree", 1) in unknown
    assert main(["report", "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    assert "avg CLV (GBP)" in out
    assert [line.split() for line in out.splitlines() if "YOLO" in line] == [
        ["YOLO", "1", "feeds.signups.values.marital_status"]
    ]


def test_amounts_are_reported_in_pounds_without_a_rates_file(published):
    warehouse, _ = published
    assert query(
        warehouse,
        "select distinct reporting_currency, currency_code, rate_to_reporting from staging.stg_shop__purchases",
    ) == [("GBP", "GBP", 1.0)]
    assert query(warehouse, "select count(distinct _source_file) from raw.purchases") == [(2,)]


def test_reporting_in_euros_needs_a_rate_for_pounds_and_then_converts(published, tmp_path: Path, capsys):
    """Without a GBP rate the refresh stops, naming currency, file and line, and the published version stays."""
    warehouse, _ = published
    root = tmp_path / "copy"
    shutil.copytree(warehouse.parent, root)
    config = root / "feeds.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("reporting_currency: GBP", "reporting_currency: EUR"))
    copied = root / warehouse.name
    store = PublishedStore.beside(copied)
    before = store.current_version()
    capsys.readouterr()
    assert main(["refresh", "--config", str(config), "--warehouse", str(copied)]) == 1
    err = capsys.readouterr().err
    assert "raw_purchases_currencies_have_rates" in err
    assert "purchase line(s) in GBP have no rate to EUR on their date, the first at " in err
    assert f"{root / 'shop' / '2023.csv'} line 2" in err
    assert store.current_version() == before
    (root / "rates.csv").write_text("currency,rate\nGBP,1.17\n", encoding="utf-8")
    config.write_text("currency_rates: rates.csv\n" + config.read_text(encoding="utf-8"))
    assert main(["refresh", "--config", str(config), "--warehouse", str(copied)]) == 0
    assert query(
        copied, "select distinct reporting_currency, currency_code, rate_to_reporting from staging.stg_shop__purchases"
    ) == [("EUR", "GBP", 1.17)]
    assert query(store.current, "select reporting_currency from segments.publication") == [("EUR",)]
