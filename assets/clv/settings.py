"""Checks on the CLV settings of a refresh that need the data: the calibration end against the as-of date."""

from __future__ import annotations

from datetime import date

from assets.clv.errors import CLVSettingError


def checked_calibration_end(setting: str | None, as_of: date) -> date:
    """The ``calibration_end`` setting (YYYY-MM-DD) checked against the as-of date; the as-of date when unset.

    A date after the as-of date would fit on purchases that are not in the data, silently; a
    malformed one would fail deep inside ``date.fromisoformat``. Both fail here, naming the setting.
    """
    if not setting:
        return as_of
    try:
        chosen = date.fromisoformat(setting)
    except ValueError:
        raise CLVSettingError(
            f"calibration_end {setting!r} is not a date in the form YYYY-MM-DD (the as-of date is {as_of})"
        ) from None
    if chosen > as_of:
        raise CLVSettingError(
            f"calibration_end {chosen} is after the as-of date {as_of}: the models are fitted on purchases up to "
            f"the as-of date, so set calibration_end on or before {as_of}, or leave it empty to use {as_of}"
        )
    return chosen
