"""The customer grain: whether a person or a business account is the customer of segments and CLV.

With `customer_grain: account` in the feeds configuration, every purchase line, sign-up and
customer-table row must name its account (`account_id`): dbt then counts the account as the customer, so RFM, CLV,
firmographic segments and profiles are per account, and its attributes come from the accounts
feed. Checked with the rest of the configuration, before any data is read.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from assets.ingest.config_values import FeedConfigError

if TYPE_CHECKING:  # config.py imports this module
    from assets.ingest.config import FeedSource

CUSTOMER_GRAINS = ("customer", "account")
ACCOUNT_LINKED_FEEDS = ("purchases", "signups", "customers")
"""Feeds whose rows name their account; at the account grain each row must."""


def grain_required(source: FeedSource, grain: str) -> FeedSource:
    """At the account grain a purchase or sign-up without an account cannot be placed: require `account_id`."""
    if grain != "account" or source.feed.name not in ACCOUNT_LINKED_FEEDS or "account_id" in source.required:
        return source
    return replace(source, required=(*source.required, "account_id"))


def check_grain(sources: list[FeedSource], grain: str, where: str) -> None:
    """At the account grain the purchases, sign-ups and customer table, where configured, must carry the account id."""
    if grain != "account":
        return
    for source in sources:
        if source.feed.name in ACCOUNT_LINKED_FEEDS and not carries(source, "account_id"):
            raise FeedConfigError(
                f"{where}: feeds.{source.feed.name}.columns.account_id: customer_grain is account, so each "
                f"{source.feed.name} row must name its account; map account_id to the column holding it"
            )


def carries(source: FeedSource, field_name: str) -> bool:
    """Whether the source fills a field from its file (a column, a derived expression) or a constant."""
    if field_name in source.constants or field_name in source.mapping.fields:
        return True
    if source.columns:
        return field_name in source.columns
    return source.header


HISTORY_AMOUNTS = ("purchase_count", "total_spend")
HISTORY_TIMES = ("first_purchase_at", "last_purchase_at", "tenure_days", "days_since_last_purchase")


def check_customer_table(sources: list[FeedSource], where: str) -> None:
    """A customer table's purchases need a place in time: counts or spend without any date cannot make RFM or CLV."""
    for source in sources:
        if source.feed.name != "customers":
            continue
        amounts = [name for name in HISTORY_AMOUNTS if carries_mapped(source, name)]
        if amounts and not any(carries_mapped(source, name) for name in HISTORY_TIMES):
            raise FeedConfigError(
                f"{where}: feeds.customers.columns: {' and '.join(amounts)} without a date cannot be placed in time; "
                f"map one of {', '.join(HISTORY_TIMES)} too (or leave the history out)"
            )


def carries_mapped(source: FeedSource, field_name: str) -> bool:
    """Whether the source maps a field explicitly (a column, a derived expression or a constant)."""
    return field_name in source.columns or field_name in source.constants or field_name in source.mapping.fields
