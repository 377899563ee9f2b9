"""Checks of single values in the feeds configuration: their YAML shape, and the refresh settings.

YAML turns `required: email` into a string where a list was meant, `header: "false"` into a true
string, and `42` into a number; each of these would read data wrongly instead of failing. Every
check raises `FeedConfigError` naming the key and what would be valid, before any data is read.
"""

from datetime import date, datetime
from typing import Any


class FeedConfigError(ValueError):
    """The feeds configuration is invalid; the message names the key and the valid choices."""


TIME_UNITS = ("days", "weeks")
PURCHASE_MODELS = ("auto", "bgnbd", "pareto_nbd")
POSITIVE_INTEGER_SETTINGS = ("horizon_months", "backtest_holdout_days")
DATE_SETTINGS = ("as_of", "calibration_end")


def mapping(settings: dict[str, Any], key: str, where: str) -> dict[Any, Any]:
    """A mapping setting (empty when absent)."""
    value = settings.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise FeedConfigError(
            f"{where}.{key}: must be a mapping of field names to values (e.g. `{key}: {{customer_id: Customer}}`), "
            f"got {_shown(value)}"
        )
    return value


def string_list(settings: dict[str, Any], key: str, where: str) -> tuple[str, ...] | None:
    """A list of text values, or None when absent; a single string is a mistake, not a list of letters."""
    value = settings.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or any(isinstance(item, (dict, list)) or item is None for item in value):
        raise FeedConfigError(f"{where}.{key}: must be a list of values, e.g. `{key}: [a, b]`, got {_shown(value)}")
    return tuple(str(item) for item in value)


def boolean(settings: dict[str, Any], key: str, where: str, default: bool) -> bool:
    """A true/false setting; the text "false" is not false in Python, so text is refused."""
    value = settings.get(key, default)
    if not isinstance(value, bool):
        raise FeedConfigError(f"{where}.{key}: must be true or false (without quotes), got {_shown(value)}")
    return value


def single_character(settings: dict[str, Any], key: str, where: str, default: str | None) -> str | None:
    """A one-character setting (a delimiter or quote); None only where `null` is given and allowed."""
    value = settings.get(key, default)
    if value is None and key == "quote":
        return None
    if not isinstance(value, str) or len(value.encode()) != 1:
        examples = "'\"' or \"'\" (or null for no quoting)" if key == "quote" else "',' ';' '|' or '\\t'"
        raise FeedConfigError(
            f"{where}.{key}: must be one single-byte character such as {examples}, got {_shown(value)}"
        )
    return value


def text(settings: dict[str, Any], key: str, where: str, default: str) -> str:
    """A text setting such as a folder or glob."""
    value = settings.get(key, default)
    if not isinstance(value, str) or not value:
        raise FeedConfigError(f"{where}.{key}: must be text, e.g. `{key}: {default}`, got {_shown(value)}")
    return value


def check_refresh(refresh: dict[str, Any], where: str) -> None:
    """Dates are dates, choices are among the valid ones, and numbers are numbers in range."""
    for key in DATE_SETTINGS:
        if key in refresh and not _is_date(refresh[key]):
            raise FeedConfigError(f"{where}.{key}: must be a date YYYY-MM-DD, got {_shown(refresh[key])}")
    for key, choices in (("time_unit", TIME_UNITS), ("purchase_model", PURCHASE_MODELS)):
        if key in refresh and refresh[key] not in choices:
            raise FeedConfigError(f"{where}.{key}: must be one of {', '.join(choices)}, got {_shown(refresh[key])}")
    for key in POSITIVE_INTEGER_SETTINGS:
        value = refresh.get(key, 1)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise FeedConfigError(f"{where}.{key}: must be a whole number of at least 1, got {_shown(value)}")
    rate = refresh.get("monthly_discount_rate", 0.0)
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate < 1:
        raise FeedConfigError(
            f"{where}.monthly_discount_rate: must be a number from 0 to below 1 (e.g. 0.01 for 1 % a month), "
            f"got {_shown(rate)}"
        )


def _is_date(value: Any) -> bool:
    if isinstance(value, datetime):
        return False
    if isinstance(value, date):
        return True
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return isinstance(value, str) and len(value) == 10


def _shown(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"
