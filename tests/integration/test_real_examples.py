"""The examples on real data: each `examples/<name>/feeds.yaml` refreshes its slice of the real export
(`tests/fixtures/real/<name>/`, the configuration's folders relative to it, as `--landing` makes them)
and the published rows say what the data says."""

from pathlib import Path

import dagster as dg
import pytest

from orchestration.refresh import failures, run_refresh
from tests.integration.conftest import Refresh

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "real"


def refresh_example(name: str, tmp_path_factory: pytest.TempPathFactory) -> Refresh:
    warehouse = tmp_path_factory.mktemp(name) / "warehouse.duckdb"
    landing = FIXTURES / name
    result = run_refresh(
        warehouse,
        landing,
        instance=dg.DagsterInstance.ephemeral(),
        config_file=ROOT / "examples" / name / "feeds.yaml",
        landing_overrides_config=True,
    )
    assert result.success, failures(result)
    return Refresh(warehouse=warehouse, landing=landing, result=result)


@pytest.fixture(scope="module")
def online_retail(tmp_path_factory: pytest.TempPathFactory) -> Refresh:
    return refresh_example("online_retail", tmp_path_factory)


@pytest.fixture(scope="module")
def b2b_crm(tmp_path_factory: pytest.TempPathFactory) -> Refresh:
    return refresh_example("b2b_crm", tmp_path_factory)


@pytest.fixture(scope="module")
def telco_churn(tmp_path_factory: pytest.TempPathFactory) -> Refresh:
    return refresh_example("telco_churn", tmp_path_factory)


def test_online_retail_cancellations_load_as_returns_and_count_as_no_order(online_retail: Refresh) -> None:
    cancelled = online_retail.query(
        "select count(*), count(*) filter (where is_return and quantity < 0 and line_amount_usd < 0) "
        "from staging.stg_shop__purchases where starts_with(order_id, 'C')"
    )[0]
    assert cancelled[0] > 40 and cancelled[0] == cancelled[1]
    assert online_retail.scalar("select count(*) from marts.fct_orders where starts_with(order_id, 'C')") == 0
    # a customer's published spend counts purchases only: the returns stay with the returns
    spend = online_retail.query(
        "select c.customer_id, f.revenue_usd, sum(p.line_amount_usd) filter (where not p.is_return) "
        "from segments.customer_clv c join marts.dim_customer_features f using (customer_id) "
        "join staging.stg_shop__purchases p using (customer_id) group by all"
    )
    assert spend and all(abs(float(published) - float(bought)) < 0.01 for _, published, bought in spend)


def test_online_retail_invents_no_customer_for_lines_without_one(online_retail: Refresh) -> None:
    published = dict(online_retail.query("select customer_id, rfm_segment from segments.customer_segments"))
    on_lines = {row[0] for row in online_retail.query("select distinct customer_id from raw.purchases")}
    buyers = {
        row[0]
        for row in online_retail.query(
            "select distinct customer_id from raw.purchases where quantity > 0 and not starts_with(order_id, 'C')"
        )
    }
    # every customer named on a line, and no other: buyers get segments, the others `No purchases`
    assert set(published) == on_lines and len(buyers) == 15
    assert {c for c, rfm in published.items() if rfm != "No purchases"} == buyers
    assert all(customer_id and customer_id.isdigit() for customer_id in published)
    no_customer = online_retail.scalar(
        "select count(*) from raw.quarantined_rows where feed = 'purchases' "
        "and reason like 'customer_id: required value is missing%'"
    )
    assert no_customer == 24  # the 12 lines without a customer id in each file


def test_online_retail_reads_both_header_spellings_in_pounds_and_loads_the_overlap_once(online_retail: Refresh) -> None:
    files = online_retail.query(
        "select source_file, rows_loaded from raw.load_manifest where status = 'loaded' and feed = 'purchases'"
    )
    assert len(files) == 2 and all(loaded > 100 for _, loaded in files)
    assert online_retail.scalar("select count(*) from raw.purchases where order_id = '536365'") == 2
    assert (
        online_retail.scalar(
            "select count(*) from raw.quarantined_rows "
            "where starts_with(reason, 'duplicate of ') and raw_record like ?",
            ['%"order_id":"536365"%'],
        )
        == 2
    )
    assert online_retail.scalar("select distinct reporting_currency from staging.stg_shop__purchases") == "GBP"
    assert online_retail.scalar("select count(*) from segments.customer_clv where p_alive is not null") == 15
    # the customer's country from the lines (the customers feed reads the same files)
    assert online_retail.scalar("select country from segments.customer_segments where customer_id = '17850'") == (
        "United Kingdom"
    )


def test_b2b_accounts_are_the_customers_with_the_accounts_files_attributes(b2b_crm: Refresh) -> None:
    assert b2b_crm.scalar("select count(*) from segments.customer_segments") == 85
    acme = b2b_crm.query(
        "select s.industry, s.employee_band, s.country, s.rfm_segment <> 'No purchases' "
        "from segments.customer_segments s where customer_id = 'Acme Corporation'"
    )[0]
    # `technolgy` (sic) in accounts.csv, mapped; 2,822 employees; headquarters in the United States
    assert acme[0] == "technology" and acme[2] == "United States" and acme[3]
    assert acme[1] not in ("unknown", "not B2B")
    attributes = b2b_crm.query(
        "select account_annual_revenue_usd, account_founded_year, parent_account_id from marts.dim_customers "
        "where customer_id = 'Acme Corporation'"
    )[0]
    assert (float(attributes[0]), attributes[1], attributes[2]) == (1100.04e6, 1996, None)
    # accounts without a won deal in the slice are customers without purchases
    assert b2b_crm.scalar("select count(*) from segments.customer_segments where rfm_segment <> 'No purchases'") == 12


def test_b2b_only_won_deals_are_purchases_and_every_deal_is_accounted_for(b2b_crm: Refresh) -> None:
    assert b2b_crm.scalar("select count(*) from raw.purchases") == 180
    reasons = dict(
        b2b_crm.query(
            "select regexp_extract(reason, 'status ''(\\w+)''', 1), count(*) from raw.quarantined_rows group by 1"
        )
    )
    assert reasons == {"Engaging": 45, "Lost": 36, "Prospecting": 23}
    assert b2b_crm.scalar("select count(*) from raw.purchases where product_id = 'GTXPro'") == 0
    assert b2b_crm.scalar("select count(*) from segments.customer_clv where p_alive is not null") == 12


def test_telco_subscribers_get_rfm_and_clv_inputs_from_the_customer_table(telco_churn: Refresh) -> None:
    # 5575-GNVDE: 34 months of tenure, still a subscriber, 1,889.50 charged in all
    row = telco_churn.query(
        "select c.repeat_purchase_count, c.recency_periods, c.age_periods, c.monetary_value_usd, s.rfm_segment, "
        "s.preferred_channel from segments.customer_clv c join segments.customer_segments s using (customer_id) "
        "where customer_id = '5575-GNVDE'"
    )[0]
    assert row[0] == 33 and row[1] == pytest.approx(row[2]) and row[1] == pytest.approx(33 * 30.4375 / 7, abs=0.2)
    assert row[3] == pytest.approx(1889.5 / 34, abs=0.01)
    assert row[4] != "No purchases" and row[5] == "mailed check"
    # the 11 subscribers of tenure 0 (TotalCharges a space) have no bill yet
    new = telco_churn.query(
        "select count(*), count(*) filter (where rfm_segment = 'No purchases') from segments.customer_segments s "
        "join raw.customers r using (customer_id) where r.purchase_count = 0"
    )[0]
    assert new == (11, 11)
    assert telco_churn.scalar("select count(*) from segments.customer_segments") == 261
    # a churned subscriber's last bill is a month before the export
    churned = telco_churn.scalar(
        "select min(f.recency_days) from marts.dim_customer_features f join raw.customers r using (customer_id) "
        "where r.days_since_last_purchase = 30 and r.purchase_count > 0"
    )
    assert churned == 30


@pytest.fixture(scope="module")
def mall_customers(tmp_path_factory: pytest.TempPathFactory) -> Refresh:
    return refresh_example("mall_customers", tmp_path_factory)


def test_mall_customers_get_demographic_segments_and_no_invented_purchases(mall_customers: Refresh) -> None:
    rows = mall_customers.query(
        "select customer_id, age_band, income_band, rfm_segment from segments.customer_segments order by customer_id"
    )
    assert rows[0][0] == "0001"  # the zero-padded ids kept as given
    # the file ends without a line break; the example loads that last line (unterminated_last_line: load)
    assert len(rows) == 200 and rows[-1][0] == "0200"
    assert mall_customers.scalar("select count(*) from raw.quarantined_rows") == 0
    # 0001: Male, 19, 15 k$ a year
    assert rows[0][1:] == ("under 25", "under 25k", "No purchases")
    assert all(rfm == "No purchases" for *_, rfm in rows)
    assert mall_customers.scalar("select count(*) from segments.customer_segments where age_band = 'unknown'") == 0
    assert mall_customers.scalar("select income_usd from marts.dim_customers where customer_id = '0199'") == 137000
    # no transactions: no purchase model, said so rather than invented
    assert mall_customers.scalar("select count(*) from segments.customer_clv where clv_usd is not null") == 0
    assert mall_customers.scalar("select clv_status from segments.publication") == "unavailable"
