"""A customer-level export (spend per category, purchases per channel, days since the last purchase; no
order lines) and business accounts, mapped by configuration alone (`tests/fixtures/customer_table/`),
through one real refresh: the published rows carry RFM and CLV inputs approximated from the table,
order-line customers keep theirs, and firmographics come from the accounts feed."""

from pathlib import Path

import dagster as dg
import pytest

from orchestration.refresh import failures, run_refresh
from tests.integration.conftest import Refresh

pytestmark = pytest.mark.integration
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "customer_table"


@pytest.fixture(scope="module")
def refreshed_table(tmp_path_factory: pytest.TempPathFactory) -> Refresh:
    warehouse = tmp_path_factory.mktemp("customer_table") / "warehouse.duckdb"
    result = run_refresh(
        warehouse, FIXTURE, instance=dg.DagsterInstance.ephemeral(), config_file=FIXTURE / "feeds.yaml"
    )
    assert result.success, failures(result)
    return Refresh(warehouse=warehouse, landing=FIXTURE, result=result)


def test_a_table_customer_gets_rfm_and_clv_inputs_from_its_history(refreshed_table: Refresh) -> None:
    # 2174: 1 web + 1 catalog + 2 store purchases, 27 spent, signed up 2014-03-08, last purchase 38 days ago
    features = refreshed_table.query(
        "select order_count, repeat_purchase_day_count, revenue_usd, recency_days, first_ordered_at::date, "
        "has_approximated_history from marts.dim_customer_features where customer_id = '2174'"
    )[0]
    assert features[:4] == (4, 3, 27, 38)
    assert str(features[4]) == "2014-03-08" and features[5] is True
    amounts = refreshed_table.query(
        "select order_amount_usd from marts.fct_orders where customer_id = '2174' and is_approximated"
    )
    assert [float(a) for (a,) in amounts] == [6.75] * 4
    published = refreshed_table.query(
        "select s.rfm_segment, s.category_affinity, s.preferred_channel, s.purchase_cadence, c.repeat_purchase_count "
        "from segments.customer_segments s left join segments.customer_clv c using (customer_id) "
        "where customer_id = '2174'"
    )[0]
    assert published[0] not in ("No purchases", None)
    assert published[1] == "wine"  # 11 of 27 spent on wine: 41 %, above the 40 % affinity share
    assert published[2] == "store" and published[3] != "One purchase"
    assert published[4] in (3, None)  # the frequency the CLV models see, when a model was fitted


def test_category_spend_and_channel_purchases_come_from_the_unpivoted_table(refreshed_table: Refresh) -> None:
    spend = dict(
        refreshed_table.query(
            "select category, revenue_usd from marts.fct_customer_category_mix where customer_id = '4141'"
        )
    )
    assert {k: float(v) for k, v in spend.items()} == {
        "wine": 426,
        "fruit": 49,
        "meat": 127,
        "fish": 111,
        "sweets": 21,
        "gold": 42,
    }
    channels = dict(
        refreshed_table.query(
            "select channel, order_count from marts.fct_customer_channel_mix where customer_id = '4141'"
        )
    )
    assert channels == {"web": 8, "catalog": 2, "store": 10}
    affinity = refreshed_table.scalar(
        "select category_affinity from segments.customer_segments where customer_id = '4141'"
    )
    assert affinity == "wine"  # 426 of 776


def test_order_line_customers_keep_their_order_lines(refreshed_table: Refresh) -> None:
    # 5524 is in the table (21 purchases) and has two order lines: the lines win
    row = refreshed_table.query(
        "select order_count, revenue_usd, has_approximated_history, top_category from marts.dim_customer_features "
        "where customer_id = '5524'"
    )[0]
    assert (row[0], float(row[1]), row[2], row[3]) == (2, 60.0, False, "wine")
    approximated = "select count(*) from marts.fct_orders where order_id like 'approximated:5524:%'"
    assert refreshed_table.scalar(approximated) == 0


def test_firmographics_come_from_the_accounts_feed_not_the_contact_or_order_lines(refreshed_table: Refresh) -> None:
    rows = {
        customer: (industry, band)
        for customer, industry, band in refreshed_table.query(
            "select customer_id, industry, employee_band from segments.customer_segments where customer_id like 'B%'"
        )
    }
    # B1 signed up naming another industry and 5 employees; its account A1 is software with 1,200
    assert rows["B1"] == ("software", "1000+")
    # B2 never signed up: its order lines name account A2
    assert rows["B2"][0] == "retail"
    parent = refreshed_table.query(
        "select account_id, parent_account_id, account_founded_year, country from marts.dim_customers "
        "where customer_id = 'B2'"
    )[0]
    assert parent == ("A2", "A1", 2005, "France")
    assert refreshed_table.scalar("select industry from segments.customer_segments where customer_id = '2174'") == (
        "not B2B"
    )
