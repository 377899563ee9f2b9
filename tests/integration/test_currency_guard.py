"""Amounts are converted to the reporting currency; a line no rate converts stops the refresh, naming it."""

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from assets.ingest.config import FeedSource
from assets.ingest.currency import missing_rates, write_rates
from assets.ingest.feeds import PURCHASES
from assets.ingest.loading import load_feed
from assets.ingest.lookups import Lookups
from assets.ingest.mapping import FeedMapping

pytestmark = pytest.mark.integration
HEADER = "order_id,customer_id,ordered_at,product_id,category,quantity,unit_price,channel,currency\n"


def load(tmp_path: Path, lines: str, lookups: Lookups, feed_currency: str | None = None) -> Path:
    folder = tmp_path / "purchases"
    folder.mkdir()
    (folder / "orders.csv").write_text(HEADER + lines, encoding="utf-8")
    warehouse = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))
    try:
        write_rates(con, lookups)
        source = FeedSource(PURCHASES, folder, mapping=FeedMapping(currency=feed_currency))
        load = load_feed(con, source, now=datetime(2026, 1, 1))
    finally:
        con.close()
    assert [outcome.status for outcome in load.outcomes] == ["loaded"]
    return warehouse


def query(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def missing(warehouse: Path) -> list[str]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return [m.message("USD") for m in missing_rates(con)]
    finally:
        con.close()


def test_dollars_and_lines_without_a_currency_pass_unchanged(tmp_path: Path, dbt_build):
    warehouse = load(
        tmp_path,
        "O1,C1,2025-01-02 10:00:00,P1,books,1,9.99,web,USD\nO2,C2,2025-01-03 10:00:00,P1,books,1,9.99,web,\n",
        Lookups(),
    )
    assert missing(warehouse) == []
    result = dbt_build(warehouse, tmp_path / "target", "stg_shop__purchases")
    assert result.returncode == 0, result.stdout[-3000:]
    rows = query(
        warehouse, "select currency_code, line_amount_usd, reporting_currency from staging.stg_shop__purchases"
    )
    assert sorted((c, float(a), r) for c, a, r in rows) == [("USD", 9.99, "USD"), ("USD", 9.99, "USD")]


def test_a_line_in_euros_without_a_rate_is_named_with_its_file_and_line(tmp_path: Path, dbt_build):
    warehouse = load(
        tmp_path,
        "O1,C1,2025-01-02 10:00:00,P1,books,1,9.99,web,USD\nO2,C2,2025-01-03 10:00:00,P1,books,1,9.99,web,EUR\n",
        Lookups(),
    )
    assert missing(warehouse) == [
        f"1 purchase line(s) in EUR have no rate to USD on their date, the first at "
        f"{tmp_path / 'purchases' / 'orders.csv'} line 3 (2025-01-03); add EUR to the currency_rates file "
        "(currency,rate,valid_from) or set the feed's currency"
    ]
    result = dbt_build(warehouse, tmp_path / "target", "stg_shop__purchases")
    assert result.returncode != 0
    assert "not_null_stg_shop__purchases_rate_to_reporting" in result.stdout


def test_a_shop_selling_in_pounds_reports_in_pounds_without_rates(tmp_path: Path, dbt_build):
    warehouse = load(
        tmp_path,
        "O1,C1,2025-01-02 10:00:00,P1,books,2,5.50,web,\nO2,C2,2025-01-03 10:00:00,P1,books,1,9.99,web,gbp\n",
        Lookups(reporting_currency="GBP"),
        feed_currency="GBP",
    )
    assert missing(warehouse) == []
    result = dbt_build(warehouse, tmp_path / "target", "stg_shop__purchases")
    assert result.returncode == 0, result.stdout[-3000:]
    rows = query(
        warehouse,
        "select order_id, line_amount_usd, currency_code, reporting_currency from staging.stg_shop__purchases",
    )
    assert sorted((o, float(a), c, r) for o, a, c, r in rows) == [
        ("O1", 11.0, "GBP", "GBP"),
        ("O2", 9.99, "GBP", "GBP"),
    ]


def test_mixed_currencies_convert_with_the_rate_valid_on_each_date(tmp_path: Path, dbt_build):
    rates = tmp_path / "rates.csv"
    rates.write_text("currency,rate,valid_from\nEUR,1.10,\nEUR,1.20,2025-02-01\nGBP,1.25,\n", encoding="utf-8")
    warehouse = load(
        tmp_path,
        "O1,C1,2025-01-15 10:00:00,P1,books,1,10,web,EUR\n"
        "O2,C1,2025-02-01 00:00:00,P1,books,1,10,web,EUR\n"
        "O3,C2,2025-02-03 10:00:00,P1,books,2,10,web,GBP\n"
        "O4,C2,2025-02-03 10:00:00,P1,books,1,10,web,USD\n",
        Lookups(currency_rates=rates),
    )
    assert missing(warehouse) == []
    result = dbt_build(warehouse, tmp_path / "target", "stg_shop__purchases")
    assert result.returncode == 0, result.stdout[-3000:]
    rows = query(warehouse, "select order_id, line_amount_usd, rate_to_reporting from staging.stg_shop__purchases")
    assert sorted((o, float(a), r) for o, a, r in rows) == [
        ("O1", 11.0, 1.1),
        ("O2", 12.0, 1.2),
        ("O3", 25.0, 1.25),
        ("O4", 10.0, 1.0),
    ]


def test_a_rate_valid_only_from_later_leaves_earlier_lines_unconverted(tmp_path: Path):
    rates = tmp_path / "rates.csv"
    rates.write_text("currency,rate,valid_from\nEUR,1.20,2025-02-01\n", encoding="utf-8")
    warehouse = load(tmp_path, "O1,C1,2025-01-15 10:00:00,P1,books,1,10,web,EUR\n", Lookups(currency_rates=rates))
    assert len(missing(warehouse)) == 1
    assert Lookups(currency_rates=rates).rates()["valid_from"].to_list() == [None, date(2025, 2, 1)]


def test_the_failing_rows_are_stored_with_their_keys_and_values(tmp_path: Path, dbt_build):
    warehouse = load(
        tmp_path,
        "O1,C1,2025-01-02 10:00:00,P1,books,1,9.99,web,USD\nO2,C2,2025-01-03 10:00:00,P1,books,1,9.99,web,EUR\n",
        Lookups(),
    )
    assert dbt_build(warehouse, tmp_path / "target", "stg_shop__purchases").returncode != 0
    rows = query(
        warehouse,
        "select order_id, customer_id, currency_code from test_failures.not_null_stg_shop__purchases_rate_to_reporting",
    )
    assert rows == [("O2", "C2", "EUR")]
