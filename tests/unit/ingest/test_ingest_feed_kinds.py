"""The feed kinds beyond order lines in the configuration and at loading: customer tables, accounts, the
customer grain, purchase statuses (deals that are no purchase) and a feed's own broken-row limit."""

from datetime import datetime
from pathlib import Path

import pytest

from assets.ingest.config import FeedConfigError, FeedSource, load_config
from assets.ingest.feeds import ACCOUNTS, CUSTOMERS, PURCHASES
from assets.ingest.parsing import parse_feed_file
from assets.ingest.validation import NOT_PURCHASE_REASON

NOW = datetime(2026, 1, 1)
KEY = b"0123456789abcdef0123456789abcdef"
BAD_CONFIGS = {
    "an unknown customer grain": (
        "customer_grain: household\nfeeds:\n  purchases: {}\n",
        "customer_grain: must be one of customer, account, got 'household'",
    ),
    "account grain without the purchases' account": (
        "customer_grain: account\nfeeds:\n  purchases:\n    columns: {order_id: o, customer_id: c, ordered_at: t, "
        "line_amount: a}\n",
        "feeds.purchases.columns.account_id: customer_grain is account, so each purchases row must name its account",
    ),
    "account grain without the sign-ups' account": (
        "customer_grain: account\nfeeds:\n  purchases: {}\n  signups:\n    columns: {customer_id: c, "
        "signed_up_at: t}\n",
        "feeds.signups.columns.account_id: customer_grain is account",
    ),
    "account grain without the customer table's account": (
        "customer_grain: account\nfeeds:\n  customers:\n    columns: {customer_id: c}\n",
        "feeds.customers.columns.account_id: customer_grain is account",
    ),
    "purchase_statuses as a string": (
        "feeds:\n  purchases:\n    purchase_statuses: Won\n",
        "feeds.purchases.purchase_statuses: must be a list of values",
    ),
    "purchase_statuses on another feed": (
        "feeds:\n  purchases: {}\n  customers:\n    purchase_statuses: [won]\n",
        "feeds.customers.purchase_statuses: only the purchases feed has a status field",
    ),
    "purchase_statuses without a status column": (
        "feeds:\n  purchases:\n    columns: {order_id: o, customer_id: c, ordered_at: t, line_amount: a}\n"
        "    purchase_statuses: [won]\n",
        "feeds.purchases.purchase_statuses: map the status field to the column holding it",
    ),
    "max_quarantine_share above 1": (
        "feeds:\n  purchases:\n    max_quarantine_share: 30\n",
        "feeds.purchases.max_quarantine_share: must be a share from 0 to 1 (e.g. 0.3 for 30 % of the rows), got 30",
    ),
    "max_quarantine_share as text": (
        "feeds:\n  purchases:\n    max_quarantine_share: '0.3'\n",
        "feeds.purchases.max_quarantine_share: must be a share from 0 to 1",
    ),
    "an unknown field of the accounts feed": (
        "feeds:\n  purchases: {}\n  accounts:\n    columns: {account_id: a, sector: s}\n",
        "feeds.accounts.columns.sector: unknown field of the accounts feed; valid fields are account_id, account_name",
    ),
    "a customer table's purchases without a date": (
        "feeds:\n  customers:\n    columns: {customer_id: ID, purchase_count: Orders, total_spend: Spend}\n",
        "feeds.customers.columns: purchase_count and total_spend without a date cannot be placed in time; map one "
        "of first_purchase_at, last_purchase_at, tenure_days, days_since_last_purchase",
    ),
    "a customer table without its customer id": (
        "feeds:\n  purchases: {}\n  customers:\n    columns: {age: Age}\n",
        "feeds.customers.columns: required field(s) customer_id are neither mapped",
    ),
}


@pytest.mark.parametrize("case", BAD_CONFIGS, ids=list(BAD_CONFIGS))
def test_each_mistake_names_its_key(tmp_path: Path, case: str) -> None:
    text, expected = BAD_CONFIGS[case]
    path = tmp_path / "feeds.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FeedConfigError) as caught:
        load_config(path)
    assert expected in str(caught.value)


def test_account_grain_requires_every_purchase_to_name_its_account(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text(
        "customer_grain: account\nfeeds:\n  purchases:\n    columns: {order_id: o, customer_id: c, ordered_at: t, "
        "line_amount: a, account_id: acct}\n",
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.customer_grain == "account"
    assert config.source("purchases").is_required("account_id")
    (tmp_path / "purchases").mkdir()
    landed = tmp_path / "purchases" / "p.csv"
    landed.write_text("o,c,t,a,acct\nO1,C1,2025-01-01 10:00:00,5,A1\nO2,C2,2025-01-01 10:00:00,5,\n", encoding="utf-8")
    parsed = parse_feed_file(landed, config.source("purchases"), now=NOW)
    assert parsed.loaded["account_id"].to_list() == ["A1"]
    assert parsed.quarantined["reason"].to_list() == ["account_id: required value is missing"]


def test_the_customer_grain_defaults_to_the_person(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text("feeds:\n  purchases: {}\n", encoding="utf-8")
    config = load_config(path)
    assert config.customer_grain == "customer"
    assert not config.source("purchases").is_required("account_id")


def test_rows_of_other_statuses_are_quarantined_as_no_purchase_whatever_else_they_lack(tmp_path: Path) -> None:
    source = FeedSource(PURCHASES, tmp_path, purchase_statuses=("won",))
    path = tmp_path / "deals.csv"
    path.write_text(
        "order_id,customer_id,ordered_at,line_amount,status\n"
        "D1,Acme,2017-03-01 00:00:00,1054,Won\n"
        "D2,Acme,2017-03-02 00:00:00,0,Lost\n"
        "D3,,,,Prospecting\n"
        "D4,Acme,2017-03-04 00:00:00,10,\n"
        "D5,Acme,2017-03-05 00:00:00,-10,refunded\n",
        encoding="utf-8",
    )
    parsed = parse_feed_file(path, source, now=NOW)
    assert parsed.loaded["order_id"].to_list() == ["D1", "D5"]
    reasons = dict(zip(parsed.quarantined["source_row"], parsed.quarantined["reason"], strict=True))
    assert reasons == {
        3: f"{NOT_PURCHASE_REASON}status 'Lost' (purchase_statuses: won)",
        4: f"{NOT_PURCHASE_REASON}status 'Prospecting' (purchase_statuses: won)",
        5: f"{NOT_PURCHASE_REASON}no status (purchase_statuses: won)",
    }
    assert parsed.rows_read == parsed.loaded.height + parsed.quarantined.height


def test_without_purchase_statuses_every_status_is_a_purchase(tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_text(
        "order_id,customer_id,ordered_at,line_amount,status\nD2,Acme,2017-03-02 00:00:00,5,Lost\n", encoding="utf-8"
    )
    parsed = parse_feed_file(path, FeedSource(PURCHASES, tmp_path), now=NOW)
    assert parsed.loaded["order_id"].to_list() == ["D2"]


def test_a_customer_table_loads_its_history_and_profile(tmp_path: Path) -> None:
    source = FeedSource(
        CUSTOMERS,
        tmp_path,
        columns={
            "customer_id": "ID",
            "age": "Age",
            "first_purchase_at": "First",
            "purchase_count": "Orders",
            "total_spend": "Spend",
            "days_since_last_purchase": "Recency",
        },
        date_formats=("%Y-%m-%d",),
    )
    path = tmp_path / "customers.csv"
    path.write_text(
        "ID,Age,First,Orders,Spend,Recency\nC1,40,2024-01-01,3,90.5,10\nC2,x,2024-01-01,-1,5,3\n", encoding="utf-8"
    )
    parsed = parse_feed_file(path, source, now=NOW, pii_key=KEY)
    row = parsed.loaded.row(0, named=True)
    assert (row["customer_id"], row["age"], row["purchase_count"], row["total_spend"]) == ("C1", 40, 3, 90.5)
    assert row["days_since_last_purchase"] == 10
    assert parsed.quarantined["reason"].to_list() == [
        "age: cannot read 'x' as integer; purchase_count: must not be negative, got '-1'"
    ]


def test_accounts_load_their_attributes(tmp_path: Path) -> None:
    source = FeedSource(ACCOUNTS, tmp_path)
    path = tmp_path / "accounts.csv"
    path.write_text(
        "account_id,industry,employee_count,annual_revenue,country,parent_account_id,founded_year\n"
        "A1,retail,120,5500000,United States,,1990\n"
        "A2,software,-3,1,Germany,A1,2001\n",
        encoding="utf-8",
    )
    parsed = parse_feed_file(path, source, now=NOW)
    assert parsed.loaded.select("account_id", "industry", "employee_count", "founded_year").rows() == [
        ("A1", "retail", 120, 1990)
    ]
    assert parsed.quarantined["reason"].to_list() == ["employee_count: must not be negative, got '-3'"]


def test_an_explicit_landing_folder_is_where_the_configurations_folders_are(tmp_path: Path) -> None:
    from orchestration.resources import Landing

    config = tmp_path / "examples" / "feeds.yaml"
    config.parent.mkdir()
    config.write_text("feeds:\n  customers:\n    folder: .\n    glob: table.csv\n", encoding="utf-8")
    data = tmp_path / "data"
    beside = Landing(path=str(data), config_file=str(config)).pipeline_config()
    assert beside.source("customers").folder == config.parent
    given = Landing(path=str(data), config_file=str(config), path_overrides_config=True).pipeline_config()
    assert given.source("customers").folder == data
