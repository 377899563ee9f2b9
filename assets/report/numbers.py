"""Numbers as a marketer reads them: rounded, with their unit."""

from __future__ import annotations

MISSING = "\u2013"
"""An en dash for a figure that does not exist (rather than 0 or nan)."""


def count(value: float | None) -> str:
    """``12345`` -> ``12,345``."""
    return MISSING if value is None else f"{round(value):,}"


def share(value: float | None, digits: int = 1) -> str:
    """A fraction as a percentage: ``0.4567`` -> ``45.7 %``."""
    return MISSING if value is None else f"{value * 100:.{digits}f} %"


def usd(value: float | None) -> str:
    """Dollars rounded to what matters: ``$38``, ``$1,234``, ``$43.2k``, ``$1.25M``."""
    if value is None:
        return MISSING
    size = abs(value)
    if size >= 1_000_000:
        return f"${value / 1_000_000:,.2f}M"
    if size >= 10_000:
        return f"${value / 1_000:,.1f}k"
    if size >= 100:
        return f"${value:,.0f}"
    return f"${value:,.2f}"


def number(value: float | None, digits: int = 3) -> str:
    """A model figure to ``digits`` significant digits, without exponent notation below a billion."""
    if value is None:
        return MISSING
    if value == 0 or 1e-3 <= abs(value) < 1e9:
        text = f"{value:,.{digits}g}" if abs(value) < 10**digits else f"{value:,.0f}"
        return text
    return f"{value:.{digits}g}"
