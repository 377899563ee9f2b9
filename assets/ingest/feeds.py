"""What each feed carries: its fields, their types, and which are required.

One place describes a feed, so the loader, the raw table DDL and the docs agree.
"""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class Feed:
    """A feed: files ``<landing>/<name>/*.csv`` loaded into ``raw.<name>``."""

    name: str
    description: str
    grain: str
    fields: tuple[Field, ...]

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


PURCHASES = Feed(
    name="purchases",
    description="Order lines exported from the shop.",
    grain="one row per order line",
    fields=(
        Field("order_id", required=True),
        Field("customer_id", required=True),
        Field("ordered_at", "timestamp", required=True, not_in_future=True),
        Field("product_id", required=True),
        Field("category"),
        Field("quantity", "integer", required=True, positive=True),
        Field("unit_price", "decimal", required=True, non_negative=True),
        Field("channel"),
    ),
)

SIGNUPS = Feed(
    name="signups",
    description="Customer sign-ups with profile, consent and, for business customers, firmographics.",
    grain="one row per customer sign-up record",
    fields=(
        Field("customer_id", required=True),
        Field("signed_up_at", "timestamp", required=True, not_in_future=True),
        Field("email"),
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

FEEDS: tuple[Feed, ...] = (PURCHASES, SIGNUPS, SURVEYS)

LINEAGE_COLUMNS = (("_source_file", "varchar"), ("_source_row", "bigint"), ("_loaded_at", "timestamp"))


def raw_table_ddl(feed: Feed) -> str:
    """Column list for ``raw.<feed>``: the feed's typed fields then where each row came from."""
    columns = [f"{f.name} {SQL_TYPES[f.type]}" for f in feed.fields]
    columns += [f"{name} {sql_type}" for name, sql_type in LINEAGE_COLUMNS]
    return ", ".join(columns)
