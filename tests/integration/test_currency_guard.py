"""Amounts are not converted between currencies: a purchase line in another currency stops the dbt build."""

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from assets.ingest.config import FeedSource
from assets.ingest.feeds import PURCHASES
from assets.ingest.loading import load_feed

pytestmark = pytest.mark.integration
HEADER = "order_id,customer_id,ordered_at,product_id,category,quantity,unit_price,channel,currency\n"


def load(tmp_path: Path, lines: str) -> Path:
    folder = tmp_path / "purchases"
    folder.mkdir()
    (folder / "orders.csv").write_text(HEADER + lines, encoding="utf-8")
    warehouse = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))
    try:
        load = load_feed(con, FeedSource(PURCHASES, folder), now=datetime(2026, 1, 1))
    finally:
        con.close()
    assert [outcome.status for outcome in load.outcomes] == ["loaded"]
    return warehouse


def test_dollars_and_lines_without_a_currency_pass(tmp_path: Path, dbt_build):
    warehouse = load(
        tmp_path, "O1,C1,2025-01-02 10:00:00,P1,books,1,9.99,web,USD\nO2,C2,2025-01-03 10:00:00,P1,books,1,9.99,web,\n"
    )
    result = dbt_build(warehouse, tmp_path / "target", "stg_shop__purchases")
    assert result.returncode == 0, result.stdout[-3000:]


def test_a_line_in_euros_fails_the_build_naming_the_test(tmp_path: Path, dbt_build):
    warehouse = load(
        tmp_path,
        "O1,C1,2025-01-02 10:00:00,P1,books,1,9.99,web,USD\nO2,C2,2025-01-03 10:00:00,P1,books,1,9.99,web,EUR\n",
    )
    result = dbt_build(warehouse, tmp_path / "target", "stg_shop__purchases")
    assert result.returncode != 0
    assert "accepted_values_stg_shop__purchases_currency_code__USD" in result.stdout


def test_the_failing_rows_are_stored_with_their_keys_and_values(tmp_path: Path, dbt_build):
    warehouse = load(
        tmp_path,
        "O1,C1,2025-01-02 10:00:00,P1,books,1,9.99,web,USD\nO2,C2,2025-01-03 10:00:00,P1,books,1,9.99,web,EUR\n",
    )
    assert dbt_build(warehouse, tmp_path / "target", "stg_shop__purchases").returncode != 0
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.sql(
            "select order_id, customer_id, currency_code "
            "from test_failures.accepted_values_stg_shop__purchases_currency_code__USD"
        ).fetchall()
    finally:
        con.close()
    assert rows == [("O2", "C2", "EUR")]
