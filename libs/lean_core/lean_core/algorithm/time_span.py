"""`TimeSpan`: the .NET factory names LEAN Python algorithms use to build durations.

LEAN's Python algorithms can write `TimeSpan.from_seconds(5)` because .NET's TimeSpan is in
scope there; here each factory returns the equivalent `datetime.timedelta`.
"""

from __future__ import annotations

from datetime import timedelta


class TimeSpan:
    """Factories for `timedelta` under .NET's `TimeSpan` names."""

    ZERO = timedelta(0)

    def __init__(self) -> None:
        raise TypeError("TimeSpan only builds durations: use TimeSpan.from_seconds(5) and friends")

    @staticmethod
    def from_days(value: float) -> timedelta:
        """Return a span of `value` days."""
        return timedelta(days=value)

    @staticmethod
    def from_hours(value: float) -> timedelta:
        """Return a span of `value` hours."""
        return timedelta(hours=value)

    @staticmethod
    def from_minutes(value: float) -> timedelta:
        """Return a span of `value` minutes."""
        return timedelta(minutes=value)

    @staticmethod
    def from_seconds(value: float) -> timedelta:
        """Return a span of `value` seconds."""
        return timedelta(seconds=value)

    @staticmethod
    def from_milliseconds(value: float) -> timedelta:
        """Return a span of `value` milliseconds."""
        return timedelta(milliseconds=value)
