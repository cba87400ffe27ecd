"""A security's exchange: its hours, seen from the security's current time (LEAN's `SecurityExchange`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from lean_core.time.exchange_hours import SecurityExchangeHours

if TYPE_CHECKING:
    from lean_core.securities.security import Security

__all__ = ["SecurityExchange"]


class SecurityExchange:
    """The exchange of a security: its hours seen from the security's current time."""

    def __init__(self, security: Security) -> None:
        self._security = security

    @property
    def hours(self) -> SecurityExchangeHours:
        """Return the exchange hours."""
        return self._security.exchange_hours

    @property
    def time_zone(self) -> ZoneInfo:
        """Return the exchange time zone."""
        return self.hours.time_zone

    @property
    def exchange_open(self) -> bool:
        """Tell whether the regular session is open at the security's current time."""
        local = self._security.local_time
        return local is not None and self.hours.is_open(local, False)

    def date_is_open(self, day: datetime, extended_market_hours: bool = False) -> bool:
        """Tell whether the exchange trades on the date of `day`."""
        return self.hours.is_date_open(day.date(), extended_market_hours)

    def date_time_is_open(self, local: datetime) -> bool:
        """Tell whether the regular session is open at an exchange-local moment."""
        return self.hours.is_open(local, False)

    def is_open_during_bar(self, start: datetime, end: datetime, extended_market_hours: bool) -> bool:
        """Tell whether the exchange is open at any time within a bar."""
        return self.hours.is_open_between(start, end, extended_market_hours)

    def is_closing_soon(self, minutes_to_close: int) -> bool:
        """Tell whether the regular session will be closed `minutes_to_close` from now."""
        local = self._security.local_time
        return local is not None and not self.hours.is_open(
            local + timedelta(minutes=minutes_to_close), False
        )

    @property
    def closing_soon(self) -> bool:
        """Tell whether the session closes within ten minutes."""
        return self.is_closing_soon(10)
