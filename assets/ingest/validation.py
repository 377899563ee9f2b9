"""Row rules: each field parsed to its type and checked; a row that breaks a rule gets a readable reason.

Rules: required fields present, values readable as their type, dates not in the future, no
negative prices or counts, a purchase quantity other than 0 (negative for returns) whose line
amount has the same sign, a known ISO 4217 currency, finite numbers, well-formed emails and phone numbers, and
no spreadsheet formulas in any text field (CSV injection: `=HYPERLINK(...)` in a company name),
while numbers such as `-5` and phone numbers such as `+44 20 ...` pass.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import polars as pl

from assets.ingest.bounds import MAX_AGE_YEARS
from assets.ingest.feeds import Field
from assets.ingest.pii import contact_problem, normalised_email, normalised_phone

if TYPE_CHECKING:  # the configuration checks constants with these rules
    from assets.ingest.config import FeedSource

TRUE_WORDS = ["true", "t", "yes", "y", "1"]
FALSE_WORDS = ["false", "f", "no", "n", "0"]
# ISO 4217 active codes
_CURRENCY_CODES = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD
    CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD
    HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL
    LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR
    PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP
    TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWG"""
CURRENCIES = frozenset(_CURRENCY_CODES.split())
FORMULA_PATTERN = r"^([=@]|[+\-][^0-9.\s])"
NOT_PURCHASE_REASON = "not a purchase: "
"""Reason prefix of purchase-feed rows whose status is no purchase (an open or lost deal): accounted for, not broken."""


def typed_value(field: Field, source: FeedSource) -> pl.Expr:
    """The field parsed to its type; null where the text is empty or does not parse."""
    text = pl.col(field.name)
    if field.contact == "email":
        text = normalised_email(text)
    elif field.contact == "phone":
        text = normalised_phone(text)
    match field.type:
        case "text":
            return pl.when(text == "").then(None).otherwise(text)
        case "integer":
            return text.cast(pl.Int64, strict=False)
        case "decimal":
            return text.cast(pl.Float64, strict=False)
        case "date":
            return pl.coalesce([text.str.to_date(fmt, strict=False) for fmt in source.date_formats])
        case "timestamp":
            parsed = [text.str.to_datetime(fmt, time_unit="us", strict=False) for fmt in source.timestamp_formats]
            parsed += [text.str.to_date(fmt, strict=False).cast(pl.Datetime("us")) for fmt in source.date_formats]
            return pl.coalesce(parsed)
        case "boolean":
            lowered = text.str.to_lowercase()
            return (
                pl.when(lowered.is_in(TRUE_WORDS))
                .then(True)
                .when(lowered.is_in(FALSE_WORDS))
                .then(False)
                .otherwise(None)
            )


def field_problem(field: Field, source: FeedSource, now: datetime) -> pl.Expr:
    """A readable reason why this field makes the row unloadable, or null."""
    text = pl.col(field.name)
    value = typed_value(field, source)
    present = text.is_not_null() & (text != "")
    checks: list[tuple[pl.Expr, str]] = []
    if source.is_required(field.name):
        checks.append((~present, f"{field.name}: required value is missing"))
    if field.type == "text":
        # any text can reach a spreadsheet (audience exports, quarantine reviews); said before other rules
        checks.append((text.str.contains(FORMULA_PATTERN), f"{field.name}: '{{}}' looks like a spreadsheet formula"))
    if field.contact is not None:
        kind = "an email address" if field.contact == "email" else "a phone number (7 to 15 digits)"
        checks.append((contact_problem(field.contact, value), f"{field.name}: not {kind}"))
    else:
        checks.append((present & value.is_null(), f"{field.name}: cannot read '{{}}' as {field.type}"))
    if field.type == "decimal":
        # `NaN` and `inf` cast to floats but are no amount
        checks.append((value.is_nan() | value.is_infinite(), f"{field.name}: must be a finite number, got '{{}}'"))
    if field.positive:
        checks.append((value <= 0, f"{field.name}: must be greater than 0, got '{{}}'"))
    if field.nonzero:
        checks.append((value == 0, f"{field.name}: must not be 0 (returns are negative), got '{{}}'"))
    if field.non_negative:
        checks.append((value < 0, f"{field.name}: must not be negative, got '{{}}'"))
    if field.not_in_future and not nulled_when_implausible(field, source):  # else `implausible_problem`'s
        checks.append((value.cast(pl.Datetime("us")) > pl.lit(now), f"{field.name}: '{{}}' is in the future"))
    if field.name == "currency":
        known = text.str.to_uppercase().is_in(list(CURRENCIES))
        checks.append((present & ~known, f"{field.name}: '{{}}' is not an ISO 4217 currency code (e.g. USD, EUR)"))
    if field.name == "line_amount":
        quantity = pl.col("quantity").cast(pl.Int64, strict=False)
        checks.append(
            (
                (value * quantity) < 0,
                f"{field.name}: '{{}}' has the opposite sign of the quantity (returns are negative)",
            )
        )
    reason: pl.Expr = pl.lit(None, dtype=pl.String)
    for failed, message in reversed(checks):
        if field.contact is not None:
            # reasons reach check metadata and logs: a contact field's reason names it, never its value
            message = unquoted(message)
        rendered = pl.format(message, text) if "{}" in message else pl.lit(message)
        reason = pl.when(failed.fill_null(False)).then(rendered).otherwise(reason)
    return reason


def unquoted(message: str) -> str:
    """``"email: '{}' looks like a spreadsheet formula"`` -> ``"email: looks like a spreadsheet formula"``."""
    return message.replace(", got '{}'", "").replace("'{}' ", "").replace(" '{}'", "")


AMOUNT_BOUNDS = {"quantity": "max_quantity", "unit_price": "max_unit_price"}


def implausible_problem(field: Field, source: FeedSource, now: datetime) -> pl.Expr:
    """Why this field's value is implausible (see `assets.ingest.bounds`), or null.

    Dates before `earliest_date` or birth dates of customers over 120 years; quantities and unit
    prices beyond their bounds; a line amount (given, or quantity x unit price) beyond its bound.
    Applies to values that parse: an unreadable value is `field_problem`'s.
    """
    bounds = source.bounds
    value = typed_value(field, source)
    shown = pl.col(field.name)
    checks: list[tuple[pl.Expr, str]] = []
    if field.not_in_future and nulled_when_implausible(field, source):  # a birth date in the future
        checks.append((value.cast(pl.Datetime("us")) > pl.lit(now), "'{}' is in the future"))
    if field.type in ("date", "timestamp"):
        earliest = pl.lit(datetime.combine(bounds.earliest_date, datetime.min.time()))
        checks.append(
            (value.cast(pl.Datetime("us")) < earliest, f"'{{}}' is before the earliest date {bounds.earliest_date}")
        )
    if field.name == "birth_date":
        # 29 February has no twin 120 years on in most years: the day before is close enough
        day = now.replace(day=28) if (now.month, now.day) == (2, 29) else now
        oldest = day.replace(year=now.year - MAX_AGE_YEARS)
        checks.append((value.cast(pl.Datetime("us")) < pl.lit(oldest), f"'{{}}' means an age over {MAX_AGE_YEARS}"))
    if field.name in AMOUNT_BOUNDS:
        key = AMOUNT_BOUNDS[field.name]
        limit = getattr(bounds, key)
        # NaN and inf are field_problem's (polars orders NaN above every number)
        checks.append(
            (value.is_finite() & (value.abs() > limit), f"'{{}}' is beyond the plausible {limit:,.0f} (bounds.{key})")
        )
    if field.name == "line_amount":
        quantity = pl.col("quantity").cast(pl.Float64, strict=False)
        price = pl.col("unit_price").cast(pl.Float64, strict=False)
        amount = pl.coalesce(value, quantity * price)
        shown = pl.coalesce(shown, amount.cast(pl.String))
        limit = bounds.max_line_amount
        checks.append(
            (
                amount.is_finite() & (amount.abs() > limit),
                f"'{{}}' (quantity x unit price where not given) is beyond the plausible {limit:,.0f} "
                "(bounds.max_line_amount)",
            )
        )
    reason: pl.Expr = pl.lit(None, dtype=pl.String)
    for failed, message in reversed(checks):
        reason = pl.when(failed.fill_null(False)).then(pl.format(f"{field.name}: {message}", shown)).otherwise(reason)
    return reason


def nulled_when_implausible(field: Field, source: FeedSource) -> bool:
    """Whether an implausible value is nulled (the rest of the row kept) rather than the row quarantined.

    Optional dates (a birth date) are descriptive: the row is good without them. Required fields,
    quantities and amounts carry the row's meaning, so an implausible one quarantines it.
    """
    return field.type in ("date", "timestamp") and not source.is_required(field.name)


def not_purchase_reason(source: FeedSource) -> pl.Expr | None:
    """Why a row of a source with `purchase_statuses` is no purchase (its status is neither a purchase nor a return).

    None when the source lists no purchase statuses. Such a row is quarantined with this reason
    alone: an open or lost deal is accounted for, not a broken row.
    """
    if not source.purchase_statuses:
        return None
    allowed = [*source.purchase_statuses, *source.return_statuses]
    status = pl.col("status")
    listed = ", ".join(source.purchase_statuses)
    return (
        pl.when(status.is_null())
        .then(pl.lit(f"{NOT_PURCHASE_REASON}no status (purchase_statuses: {listed})"))
        .when(~status.str.to_lowercase().is_in(allowed))
        .then(pl.format(f"{NOT_PURCHASE_REASON}status '{{}}' (purchase_statuses: {listed})", status))
    )
