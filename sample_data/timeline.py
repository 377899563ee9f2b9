"""The sample's time window, in seconds since 1970-01-01 (timestamps are naive, shop local time).

Sign-ups fall between `as_of - history_days` and `as_of - 30 days`, so every customer has at
least a month of history; observation ends at the end of the `as_of` day, so nothing is dated
after `as_of`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

SECONDS_PER_DAY = 86_400
SECONDS_PER_WEEK = 7 * SECONDS_PER_DAY
DAYS_PER_YEAR = 365.25


def epoch_seconds(day: date) -> int:
    """Seconds from 1970-01-01 00:00 to the start of `day`."""
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


@dataclass(frozen=True)
class Timeline:
    """The window a sample covers."""

    as_of: date
    history_days: int

    @property
    def signup_start(self) -> int:
        return epoch_seconds(self.as_of - timedelta(days=self.history_days))

    @property
    def signup_end(self) -> int:
        """End (exclusive) of the sign-up window: the end of the day 30 days before as_of."""
        return epoch_seconds(self.as_of - timedelta(days=29))

    @property
    def observation_end(self) -> int:
        """End (exclusive) of observation: the end of the as_of day."""
        return epoch_seconds(self.as_of + timedelta(days=1))

    @property
    def as_of_days(self) -> int:
        """The as_of day as days since 1970-01-01 (for birth dates)."""
        return epoch_seconds(self.as_of) // SECONDS_PER_DAY
