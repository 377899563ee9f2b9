"""What each feed carries: its fields, their types, and which are required.

One place describes a feed, so the loader, the raw table DDL and the docs agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Literal

FieldType = Literal["text", "integer", "decimal", "date", "timestamp", "boolean"]

SQL_TYPES: dict[FieldType, str] = {
    "text": "varchar",
    "integer": "bigint",
    "decimal": "double",
    "date": "date",
    "timestamp": "timestamp",
    "boolean": "boolean",
}


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType = "text"
    required: bool = False
    non_negative: bool = False
    positive: bool = False
    not_in_future: bool = False
    nonzero: bool = False
    contact: Literal["email", "phone"] | None = None
    """Contact details are normalised and stored as `<name>_hmac`; see `assets.ingest.pii`."""
    keep_raw: bool = True
    """Whether the normalised value itself is stored too (emails are, for consented audience exports)."""


@dataclass(frozen=True)
class Feed:
    """A feed: files ``<landing>/<name>/*.csv`` loaded into ``raw.<name>``."""

    name: str
    description: str
    grain: str
    fields: tuple[Field, ...]
    derivable: dict[str, str] = dataclass_field(default_factory=dict)
    """Fields filled in when a file does not carry them, and how."""
    one_of: tuple[tuple[str, ...], ...] = ()
    """Groups of fields of which each row needs at least one."""

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def stored_columns(self) -> list[tuple[str, str]]:
        """The typed columns of `raw.<feed>`: fields (contact details as their keyed hash) in feed order."""
        columns = []
        for f in self.fields:
            if f.contact is None or f.keep_raw:
                columns.append((f.name, SQL_TYPES[f.type]))
            if f.contact is not None:
                columns.append((f"{f.name}_hmac", "varchar"))
        return columns


PURCHASES = Feed(
    name="purchases",
    description="Order lines exported from the shop.",
    grain="one row per order line",
    fields=(
        Field("order_id", required=True),
        Field("customer_id", required=True),
        Field("ordered_at", "timestamp", required=True, not_in_future=True),
        Field("product_id"),
        Field("category"),
        Field("quantity", "integer", required=True, nonzero=True),
        Field("unit_price", "decimal", non_negative=True),
        Field("line_amount", "decimal"),
        Field("channel"),
        Field("currency"),
        Field("status"),
        Field("account_id"),
        Field("list_price", "decimal", non_negative=True),
    ),
    derivable={
        "order_id": "the file name and line number: each line is its own order",
        "quantity": "1",
        "unit_price": "line_amount / quantity",
        "line_amount": "quantity x unit_price",
    },
    one_of=(("unit_price", "line_amount"),),
)

PROFILE_FIELDS: tuple[Field, ...] = (
    Field("email", contact="email"),
    Field("phone", contact="phone", keep_raw=False),
    Field("birth_date", "date", not_in_future=True),
    Field("gender"),
    Field("marital_status"),
    Field("children", "integer", non_negative=True),
    Field("income", "decimal", non_negative=True),
    Field("education"),
    Field("country"),
    Field("region"),
    Field("city"),
    Field("urbanicity"),
    Field("acquisition_channel"),
    Field("opt_in_offer"),
    Field("marketing_consent", "boolean"),
    Field("company"),
    Field("industry"),
    Field("employee_count", "integer", non_negative=True),
    Field("account_id"),
)
"""A customer's profile: contact, demographics, geography, consent and firmographics (sign-ups and customer tables)."""

SIGNUPS = Feed(
    name="signups",
    description="Customer sign-ups with profile, consent and, for business customers, firmographics.",
    grain="one row per customer sign-up record",
    fields=(
        Field("customer_id", required=True),
        Field("signed_up_at", "timestamp", required=True, not_in_future=True),
        *PROFILE_FIELDS,
    ),
)

SURVEYS = Feed(
    name="surveys",
    description="Survey answers in long format, one answer per question.",
    grain="one row per survey answer",
    fields=(
        Field("response_id", required=True),
        Field("customer_id", required=True),
        Field("survey_id", required=True),
        Field("question_id", required=True),
        Field("answer", required=True),
        Field("submitted_at", "timestamp", required=True, not_in_future=True),
    ),
)

CAMPAIGN_OUTCOMES = ("sent", "delivered", "opened", "clicked", "converted", "unsubscribed")
"""Outcomes of a campaign contact, in funnel order (unsubscribed apart); see `assets.actions.channels`."""

CAMPAIGN_RESPONSES = Feed(
    name="campaign_responses",
    description="Campaign contacts and what came of them, exported from the campaign tool or a CRM.",
    grain="one row per customer, campaign, channel and outcome",
    fields=(
        Field("customer_id", required=True),
        Field("campaign_id", required=True),
        Field("channel", required=True),
        Field("outcome", required=True),
        Field("responded_at", "timestamp", not_in_future=True),
    ),
)

CUSTOMERS = Feed(
    name="customers",
    description=(
        "A customer table: one row per customer with a profile and pre-aggregated purchase history "
        "(first and last purchase or days since them, purchases, total spend) instead of order lines."
    ),
    grain="one row per customer (the latest row of a customer wins)",
    fields=(
        Field("customer_id", required=True),
        Field("signed_up_at", "timestamp", not_in_future=True),
        *PROFILE_FIELDS,
        Field("age", "integer", non_negative=True),
        Field("first_purchase_at", "timestamp", not_in_future=True),
        Field("last_purchase_at", "timestamp", not_in_future=True),
        Field("tenure_days", "integer", non_negative=True),
        Field("days_since_last_purchase", "integer", non_negative=True),
        Field("purchase_count", "integer", non_negative=True),
        Field("total_spend", "decimal", non_negative=True),
    ),
)
"""History fields describe purchases as of the as-of date; see the dbt model `int_orders_approximated`."""

CUSTOMER_CATEGORY_SPEND = Feed(
    name="customer_category_spend",
    description="Spend per product category of the customers of a customer table (long form; `unpivot` a wide table).",
    grain="one row per customer and category",
    fields=(
        Field("customer_id", required=True),
        Field("category", required=True),
        Field("spend", "decimal", required=True, non_negative=True),
    ),
)

CUSTOMER_CHANNEL_PURCHASES = Feed(
    name="customer_channel_purchases",
    description="Purchases per channel of the customers of a customer table (long form; `unpivot` a wide table).",
    grain="one row per customer and channel",
    fields=(
        Field("customer_id", required=True),
        Field("channel", required=True),
        Field("purchases", "integer", required=True, non_negative=True),
    ),
)

ACCOUNTS = Feed(
    name="accounts",
    description="Business accounts (companies) with their attributes; purchases and contacts link to them.",
    grain="one row per account (the latest row of an account wins)",
    fields=(
        Field("account_id", required=True),
        Field("account_name"),
        Field("industry"),
        Field("employee_count", "integer", non_negative=True),
        Field("annual_revenue", "decimal", non_negative=True),
        Field("country"),
        Field("region"),
        Field("city"),
        Field("parent_account_id"),
        Field("founded_year", "integer", positive=True),
    ),
)

FEEDS: tuple[Feed, ...] = (
    PURCHASES,
    SIGNUPS,
    SURVEYS,
    CUSTOMERS,
    CUSTOMER_CATEGORY_SPEND,
    CUSTOMER_CHANNEL_PURCHASES,
    ACCOUNTS,
    CAMPAIGN_RESPONSES,
)
LAYOUT_FEEDS: tuple[Feed, ...] = (PURCHASES, SIGNUPS, SURVEYS, CAMPAIGN_RESPONSES)
"""The feeds of the default landing layout (`<landing>/<feed>/*.csv`) that `segments generate` writes."""

LINEAGE_COLUMNS = (("_source_file", "varchar"), ("_source_row", "bigint"), ("_loaded_at", "timestamp"))


def raw_table_ddl(feed: Feed) -> str:
    """Column list for ``raw.<feed>``: the feed's typed fields then where each row came from."""
    columns = [f"{name} {sql_type}" for name, sql_type in feed.stored_columns]
    columns += [f"{name} {sql_type}" for name, sql_type in LINEAGE_COLUMNS]
    return ", ".join(columns)
