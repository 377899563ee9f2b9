"""Plausibility bounds: the values no real export carries, stopped at loading so no one row blocks a refresh.

A birth date making a customer older than 120, a date before `earliest_date`, a quantity, unit
price or line amount beyond its bound (and so beyond what the warehouse's decimal types hold once
summed) would fail a dbt range test or overflow a cast and stop every customer's refresh. At
loading they are quarantined with their reason when the field is required, or nulled with a
counted reason (`raw.nulled_values`) when the rest of the row is good (a birth date of 1893 on a
good sign-up). The feeds configuration's `bounds:` section sets them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from assets.ingest.config_values import FeedConfigError

MAX_AGE_YEARS = 120
"""Oldest plausible customer, in years; a birth date further back is nulled."""
DECIMAL_LIMITS = {"max_unit_price": 1e14, "max_line_amount": 1e16}
"""What the warehouse's decimal(18, 4) unit prices and decimal(18, 2) amounts can hold."""
BOUND_KEYS = ("earliest_date", "max_quantity", "max_unit_price", "max_line_amount")


@dataclass(frozen=True)
class Bounds:
    """The plausibility bounds of one refresh's feeds."""

    earliest_date: date = date(1900, 1, 1)
    """No order, sign-up, answer or birth date lies before it."""
    max_quantity: int = 100_000
    """Largest quantity of one purchase line (returns: its negative)."""
    max_unit_price: float = 1_000_000.0
    """Largest unit price, in the purchase's currency."""
    max_line_amount: float = 10_000_000.0
    """Largest line amount (given, or quantity x unit price); sums of many stay within decimal(18, 2)."""

    def fingerprint(self) -> dict[str, Any] | None:
        """The bounds for a file's reading fingerprint: None at the defaults, so adding them reloads nothing."""
        return None if self == Bounds() else {k: str(v) for k, v in asdict(self).items()}


def parse_bounds(raw: Any, where: str) -> Bounds:
    """The `bounds:` section of a feeds configuration, checked key by key; defaults for keys left out."""
    if raw is None:
        return Bounds()
    if not isinstance(raw, dict):
        raise FeedConfigError(f"{where}: expected a mapping with keys {', '.join(BOUND_KEYS)}")
    for key in raw:
        if key not in BOUND_KEYS:
            raise FeedConfigError(f"{where}.{key}: unknown key; valid keys are {', '.join(BOUND_KEYS)}")
    values: dict[str, Any] = {}
    if "earliest_date" in raw:
        value = raw["earliest_date"]
        try:
            values["earliest_date"] = value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError:
            raise FeedConfigError(f"{where}.earliest_date: expected a date YYYY-MM-DD, got {value!r}") from None
    for key in BOUND_KEYS[1:]:
        if key not in raw:
            continue
        value = raw[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise FeedConfigError(f"{where}.{key}: expected a number above 0, got {value!r}")
        if key == "max_quantity" and not isinstance(value, int):
            raise FeedConfigError(f"{where}.{key}: expected a whole number, got {value!r}")
        limit = DECIMAL_LIMITS.get(key)
        if limit is not None and value >= limit:
            raise FeedConfigError(f"{where}.{key}: {value:g} does not fit the warehouse's decimals (below {limit:g})")
        values[key] = value
    return Bounds(**values)
