"""An exchange's weekly schedule with holidays, early closes and late opens (LEAN's `SecurityExchangeHours`).

Every method takes and returns NAIVE datetimes in the exchange time zone, as LEAN does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from types import MappingProxyType
from zoneinfo import ZoneInfo

from lean_core.enums import MarketHoursState
from lean_core.errors import MarketHoursError
from lean_core.time import _session_rules as rules

__all__ = ["MarketHoursSegment", "SecurityExchangeHours"]

_ONE_DAY = rules.ONE_DAY
# LEAN gives up looking for the next open or close fifteen days after the start.
_SEARCH_DAYS = 15
# Far more closed days in a row than any real calendar has: stops the trading-day searches looping forever.
_TRADING_DAY_SEARCH_DAYS = 400


@dataclass(frozen=True, slots=True)
class MarketHoursSegment:
    """A span of one day, [start, end), during which the exchange is in one state; `end` may be 24:00."""

    start: timedelta
    end: timedelta
    state: MarketHoursState

    def __post_init__(self) -> None:
        if not timedelta(0) <= self.start <= self.end <= _ONE_DAY:
            raise ValueError(
                f"segment must satisfy 00:00 <= start <= end <= 24:00, got {self.start}..{self.end}"
            )

    def with_bounds(self, start: timedelta, end: timedelta) -> MarketHoursSegment:
        """Return a copy in the same state with other bounds."""
        return MarketHoursSegment(start, end, self.state)

    def contains(self, time_of_day: timedelta) -> bool:
        """Tell whether the moment lies in [start, end)."""
        return self.start <= time_of_day < self.end

    def overlaps(self, start: timedelta, end: timedelta) -> bool:
        """Tell whether the segment shares any time with [start, end)."""
        return self.start < end and self.end > start

    @classmethod
    def open_all_day(cls) -> MarketHoursSegment:
        """Return a regular-market segment spanning the whole day."""
        return cls(timedelta(0), _ONE_DAY, MarketHoursState.MARKET)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())


def _normalise_day(weekday: int, segments: Iterable[MarketHoursSegment]) -> rules.Segments:
    """Drop closed segments, sort the rest and refuse overlaps."""
    kept = sorted((s for s in segments if s.state != MarketHoursState.CLOSED), key=lambda s: (s.start, s.end))
    for before, after in pairwise(kept):
        if after.start < before.end:
            raise ValueError(f"segments of weekday {weekday} overlap: {before} and {after}")
    return tuple(kept)


class SecurityExchangeHours:
    """The schedule of one exchange: regular hours per weekday plus the dates that break the pattern."""

    __slots__ = (
        "_bank_holidays",
        "_early_closes",
        "_holidays",
        "_is_always_open",
        "_key",
        "_late_opens",
        "_regular",
        "_regular_market",
        "_special_days",
        "_time_zone",
    )

    def __init__(
        self,
        time_zone: ZoneInfo,
        weekly_segments: Mapping[int, Iterable[MarketHoursSegment]],
        *,
        holidays: Iterable[date] = (),
        early_closes: Mapping[date, timedelta] | None = None,
        late_opens: Mapping[date, timedelta] | None = None,
        bank_holidays: Iterable[date] = (),
        key: str = "",
    ) -> None:
        """Build the schedule from segments keyed by `date.weekday()` (Monday = 0); absent days are closed."""
        self._time_zone = time_zone
        self._key = key
        self._regular = tuple(_normalise_day(day, weekly_segments.get(day, ())) for day in range(7))
        self._regular_market = tuple(
            tuple(s for s in day if s.state == MarketHoursState.MARKET) for day in self._regular
        )
        self._holidays = frozenset(holidays)
        self._bank_holidays = frozenset(bank_holidays)
        self._early_closes: Mapping[date, timedelta] = MappingProxyType(dict(early_closes or {}))
        self._late_opens: Mapping[date, timedelta] = MappingProxyType(dict(late_opens or {}))
        self._special_days = tuple(sorted(self._holidays | set(self._early_closes) | set(self._late_opens)))
        self._is_always_open = all(day == (MarketHoursSegment.open_all_day(),) for day in self._regular)

    @classmethod
    def always_open(cls, time_zone: ZoneInfo) -> SecurityExchangeHours:
        """Return hours that are open every day around the clock, with no holidays (custom data, tests)."""
        return cls(
            time_zone, {day: (MarketHoursSegment.open_all_day(),) for day in range(7)}, key="always-open"
        )

    # -- attributes ----------------------------------------------------------------------------------------
    @property
    def time_zone(self) -> ZoneInfo:
        """Return the zone the schedule is written in."""
        return self._time_zone

    @property
    def key(self) -> str:
        """Return the database key these hours came from ("always-open" or "" when not from a database)."""
        return self._key

    @property
    def holidays(self) -> frozenset[date]:
        """Return the dates the exchange is closed."""
        return self._holidays

    @property
    def bank_holidays(self) -> frozenset[date]:
        """Return the trading dates banks are closed (they matter to expiry rules, not to trading)."""
        return self._bank_holidays

    @property
    def early_closes(self) -> Mapping[date, timedelta]:
        """Return the early close time of day by date (read-only)."""
        return self._early_closes

    @property
    def late_opens(self) -> Mapping[date, timedelta]:
        """Return the late open time of day by date (read-only)."""
        return self._late_opens

    @property
    def special_days(self) -> tuple[date, ...]:
        """Return, sorted, every date that is a holiday or has an early close or a late open."""
        return self._special_days

    @property
    def is_always_open(self) -> bool:
        """Tell whether every weekday is one regular segment 00:00..24:00 (holidays aside, as in LEAN)."""
        return self._is_always_open

    @property
    def regular_market_duration(self) -> timedelta:
        """Return the most common regular-session length over the week, the longer one on a tie."""
        durations = Counter(rules.market_duration(day) for day in self._regular)
        return max(durations.items(), key=lambda item: (item[1], item[0]))[0]

    def weekday_segments(
        self, weekday: int, extended_market_hours: bool = False
    ) -> tuple[MarketHoursSegment, ...]:
        """Return a weekday's usual segments (Monday = 0), ignoring holidays, early closes and late opens."""
        return self._regular[weekday] if extended_market_hours else self._regular_market[weekday]

    # -- one day ---------------------------------------------------------------------------------------------
    def _day_segments(self, day: date) -> rules.Segments:
        """Return the day's segments of every state after holidays, early closes and late opens."""
        if day in self._holidays:
            return ()
        regular = self._regular[day.weekday()]
        early_close = self._early_closes.get(day)
        late_open = self._late_opens.get(day)
        if early_close is None and late_open is None:
            return regular
        return rules.adjust_day(regular, early_close, late_open)

    def segments(self, day: date, extended_market_hours: bool = False) -> list[MarketHoursSegment]:
        """Return the day's open segments; without extended hours only the regular (MARKET) ones."""
        segments = self._day_segments(day)
        if extended_market_hours:
            return list(segments)
        return [s for s in segments if s.state == MarketHoursState.MARKET]

    def is_date_open(self, day: date, extended_market_hours: bool = False) -> bool:
        """Tell whether the exchange trades on this date (a day of only extended hours needs the flag)."""
        segments = self._day_segments(day)
        if not segments:
            return False
        return extended_market_hours or rules.market_duration(segments) > timedelta(0)

    # -- moments and intervals ------------------------------------------------------------------------------
    def is_open(self, local: datetime, extended_market_hours: bool = False) -> bool:
        """Tell whether the exchange is open at this moment (segment start inclusive, end exclusive)."""
        time_of_day = local - _midnight(local.date())
        for segment in self._day_segments(local.date()):
            if segment.contains(time_of_day):
                return extended_market_hours or segment.state == MarketHoursState.MARKET
        return False

    def is_open_between(self, start: datetime, end: datetime, extended_market_hours: bool = False) -> bool:
        """Tell whether the exchange is open at any time in [start, end); a zero interval is a moment."""
        if start == end:
            return self.is_open(start, extended_market_hours)
        current = start
        while True:
            day = current.date()
            midnight = _midnight(day)
            window_start = current - midnight
            window_end = min(end, midnight + _ONE_DAY) - midnight
            for segment in self.segments(day, extended_market_hours):
                if segment.overlaps(window_start, window_end):
                    return True
            if end <= midnight + _ONE_DAY:
                return False
            current = midnight + _ONE_DAY

    # -- searches --------------------------------------------------------------------------------------------
    def _not_found(self, what: str, local: datetime) -> MarketHoursError:
        note = " (the market is always open)" if self._is_always_open else ""
        reason = f"no {what} within {_SEARCH_DAYS} days after {local.isoformat(sep=' ')}{note}"
        return MarketHoursError(reason, key=self._key or f"exchange hours in {self._time_zone.key}")

    def get_next_market_open(self, local: datetime, extended_market_hours: bool) -> datetime:
        """Return the first session start strictly after `local` that does not continue a running session."""
        day = local.date()
        time_of_day = local - _midnight(day)
        previous = self._day_segments(day - _ONE_DAY)
        previous_end = previous[-1].end if previous else None
        for _ in range(_SEARCH_DAYS):
            segments = self._day_segments(day)
            if segments:
                open_time = rules.market_open_time(segments, time_of_day, extended_market_hours, previous_end)
                if open_time is not None and local < _midnight(day) + open_time:
                    return _midnight(day) + open_time
                # After an early close the next session opens afresh even if the schedule joins at midnight.
                previous_end = None if day in self._early_closes else segments[-1].end
            else:
                previous_end = None
            day += _ONE_DAY
            time_of_day = timedelta(0)
        raise self._not_found("market open", local)

    def get_next_market_close(
        self, local: datetime, extended_market_hours: bool, *, last_close: bool = False
    ) -> datetime:
        """Return the first session end strictly after `local`, skipping ends that join the next session."""
        day = local.date()
        time_of_day = local - _midnight(day)
        for _ in range(_SEARCH_DAYS):
            segments = self._day_segments(day)
            if segments:
                following = self._next_day_first_start(day)
                close_time = rules.market_close_time(
                    segments, time_of_day, extended_market_hours, last_close, following
                )
                if close_time is not None and local < _midnight(day) + close_time:
                    return _midnight(day) + close_time
            day += _ONE_DAY
            time_of_day = timedelta(0)
        raise self._not_found("market close", local)

    def get_last_daily_market_close(self, local: datetime, extended_market_hours: bool) -> datetime:
        """Return the last session end of the first day, from `local` on, that still has one ahead."""
        return self.get_next_market_close(local, extended_market_hours, last_close=True)

    def _next_day_first_start(self, day: date) -> timedelta | None:
        """Return when the next day's first segment starts; None when it is closed or closes early (LEAN)."""
        following = day + _ONE_DAY
        if following in self._early_closes:
            return None
        segments = self._day_segments(following)
        return segments[0].start if segments else None

    def get_previous_market_open(
        self, local: datetime, extended_market_hours: bool, *, first_open: bool = False
    ) -> datetime:
        """Return the latest session start at or before `local` (`first_open`: that day's first start)."""
        if self.get_next_market_open(local, extended_market_hours) == local:
            return local
        day = local.date()
        for _ in range(9):
            candidate: datetime | None = None
            for segment in reversed(self.segments(day, extended_market_hours)):
                start = _midnight(day) + segment.start
                if start > local:
                    continue
                if first_open:
                    candidate = start
                elif (
                    self.get_next_market_open(start - timedelta(microseconds=1), extended_market_hours)
                    == start
                ):
                    return start
            if candidate is not None:
                return candidate
            day -= _ONE_DAY
        raise self._not_found("previous market open", local)

    def get_first_daily_market_open(self, local: datetime, extended_market_hours: bool) -> datetime:
        """Return the first session start of the latest day that has one at or before `local`."""
        return self.get_previous_market_open(local, extended_market_hours, first_open=True)

    def get_next_trading_day(self, day: date) -> date:
        """Return the first date after `day` with regular trading."""
        return self._step_to_trading_day(day, _ONE_DAY)

    def get_previous_trading_day(self, day: date) -> date:
        """Return the last date before `day` with regular trading."""
        return self._step_to_trading_day(day, -_ONE_DAY)

    def _step_to_trading_day(self, day: date, step: timedelta) -> date:
        for _ in range(_TRADING_DAY_SEARCH_DAYS):
            day += step
            if self.is_date_open(day):
                return day
        origin = day - _TRADING_DAY_SEARCH_DAYS * step
        raise MarketHoursError(
            f"no trading day within {_TRADING_DAY_SEARCH_DAYS} days of {origin}",
            key=self._key or f"exchange hours in {self._time_zone.key}",
        )

    def __repr__(self) -> str:
        return f"SecurityExchangeHours(key={self._key!r}, time_zone={self._time_zone.key!r})"
