"""Currency rates in the warehouse, and the purchase lines no rate converts.

The `raw.currency_rates` asset writes the configured rates on every refresh (the reporting currency
at rate 1, plus the user's rates file), so dbt converts amounts with the rates of
this refresh (`stg_shop__purchases`). A line without a currency is in the feed's `currency`, else in
the reporting currency. A line in a currency without a rate valid on its date stops the refresh
through a blocking check naming the currency, the file and the line: amounts are never summed
across currencies unconverted. A shop selling in one currency sets `reporting_currency` to it and
needs no rates file.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from assets.ingest.lookups import Lookups

RATES_DDL = """
create or replace table raw.currency_rates (
    currency varchar, rate double, valid_from date, is_reporting boolean
)"""
MISSING_RATES_SQL = """
with lines as (
    select
        coalesce(upper(p.currency), r.currency) as currency,
        cast(p.ordered_at as date) as ordered_on,
        p._source_file,
        p._source_row
    from raw.purchases as p
    cross join (select currency from raw.currency_rates where is_reporting) as r
),
unrated as (
    select * from lines
    where not exists (
        select 1 from raw.currency_rates as c
        where c.currency = lines.currency and coalesce(c.valid_from, date '0001-01-01') <= lines.ordered_on
    )
),
ranked as (
    select
        *,
        row_number() over (partition by currency order by _source_file, _source_row) as n,
        count(*) over (partition by currency) as lines
    from unrated
)
select currency, lines, _source_file, _source_row, ordered_on from ranked where n = 1 order by currency
"""


@dataclass(frozen=True)
class MissingRate:
    """Purchase lines in a currency that no rate converts on their date, and the first of them."""

    currency: str
    lines: int
    first_file: str
    first_line: int
    first_date: str

    def message(self, reporting: str) -> str:
        return (
            f"{self.lines} purchase line(s) in {self.currency} have no rate to {reporting} on their date, "
            f"the first at {self.first_file} line {self.first_line} ({self.first_date}); add {self.currency} "
            "to the currency_rates file (currency,rate,valid_from) or set the feed's currency"
        )


def write_rates(con: duckdb.DuckDBPyConnection, lookups: Lookups) -> None:
    """Replace `raw.currency_rates` with the configured rates; the reporting currency is marked."""
    rates = lookups.rates().with_columns((pl.col("currency") == lookups.reporting_currency).alias("is_reporting"))
    con.execute("create schema if not exists raw")
    con.execute(RATES_DDL)
    con.register("_rates", rates.to_arrow())
    try:
        con.execute("insert into raw.currency_rates select currency, rate, valid_from, is_reporting from _rates")
    finally:
        con.unregister("_rates")


def reporting_currency(con: duckdb.DuckDBPyConnection) -> str | None:
    """The reporting currency of the last load, or None before any."""
    found = con.execute(
        "select table_name from information_schema.tables where table_schema = 'raw' and table_name = 'currency_rates'"
    ).fetchall()
    if not found:
        return None
    rows = con.execute("select currency from raw.currency_rates where is_reporting").fetchall()
    return rows[0][0] if rows else None


def missing_rates(con: duckdb.DuckDBPyConnection) -> list[MissingRate]:
    """Per currency, the purchase lines no rate converts on their date (none when every line converts)."""
    if reporting_currency(con) is None:
        return []
    return [
        MissingRate(currency, lines, file, int(line), str(first_date))
        for currency, lines, file, line, first_date in con.execute(MISSING_RATES_SQL).fetchall()
    ]
