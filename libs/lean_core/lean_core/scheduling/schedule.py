"""Scheduled events: a date rule and a time rule under an id and a name, and the instants they fire at.

`ScheduledEvent` is pure data, so the algorithm can hand it to a separate real-time service. That service
asks `event_times` (or `iter_event_times`) for the instants in any window: nothing is replayed from the start
of the run, so it can begin anywhere. The algorithm keeps the callbacks, by event id, in `ScheduleManager`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timedelta
from typing import Any, Final, overload

import msgspec

from lean_core.scheduling.date_rules import AnyTradingDay, DateRules, DateRuleSpec, EveryDay
from lean_core.scheduling.rule_support import DateRule, ScheduleContext, SymbolRef, TimeRule, span_ns
from lean_core.scheduling.time_rules import At, SecurityEndOfDay, TimeRules, TimeRuleSpec
from lean_core.symbols import Symbol

__all__ = [
    "ALGORITHM_END_OF_DAY_DELTA",
    "SECURITY_END_OF_DAY_DELTA",
    "ScheduleManager",
    "ScheduledEvent",
    "algorithm_end_of_day_event",
    "event_times",
    "iter_event_times",
    "security_end_of_day_event",
    "utc_datetime",
]

logger = logging.getLogger(__name__)

#: How long before a security's close `on_end_of_day(symbol)` fires (LEAN's `SecurityEndOfDayDelta`).
SECURITY_END_OF_DAY_DELTA: Final = timedelta(minutes=10)
#: How long before midnight, in the algorithm's zone, the symbol-less `on_end_of_day()` fires.
ALGORITHM_END_OF_DAY_DELTA: Final = timedelta(minutes=2)

_NS_PER_DAY: Final = 86_400 * 10**9
_EPOCH_DATE: Final = date(1970, 1, 1)

Callback = Callable[[], object]


class ScheduledEvent(msgspec.Struct, frozen=True, kw_only=True):
    """A named pair of rules; the id orders events due at the same instant (creation order, as in LEAN)."""

    id: int
    name: str
    date_rule: DateRuleSpec
    time_rule: TimeRuleSpec

    def times(self, start_ns: int, end_ns: int, context: ScheduleContext) -> list[int]:
        """Return the event's UTC nanosecond instants in [start_ns, end_ns), sorted."""
        return event_times(self.date_rule, self.time_rule, start_ns, end_ns, context)


def _utc_date(ns: int) -> date:
    return _EPOCH_DATE + timedelta(days=ns // _NS_PER_DAY)


def event_times(
    date_rule: DateRule, time_rule: TimeRule, start_ns: int, end_ns: int, context: ScheduleContext
) -> list[int]:
    """Return the UTC nanosecond instants in [start_ns, end_ns) at which the rules fire, sorted.

    Dates are taken a few days either side of the window, since a date's events may land on other UTC days
    (zones, late closes, large offsets); instants outside the window are dropped. Instants repeat when LEAN
    repeats them (wall times skipped by a clock change all map to the transition).
    """
    if end_ns <= start_ns:
        return []
    margin = timedelta(days=time_rule.reach_days + 1)
    dates = date_rule.dates(_utc_date(start_ns) - margin, _utc_date(end_ns - 1) + margin, context)
    return sorted(ns for ns in time_rule.utc_times(dates, context) if start_ns <= ns < end_ns)


def iter_event_times(
    date_rule: DateRule,
    time_rule: TimeRule,
    start_ns: int,
    end_ns: int,
    context: ScheduleContext,
    *,
    chunk: timedelta = timedelta(days=7),
) -> Iterator[int]:
    """Yield, lazily and in order, the instants in [start_ns, end_ns), computing a chunk at a time."""
    step = span_ns(chunk)
    if step <= 0:
        raise ValueError(f"chunk must be positive, got {chunk}")
    window_start = start_ns
    while window_start < end_ns:
        window_end = min(window_start + step, end_ns)
        yield from event_times(date_rule, time_rule, window_start, window_end, context)
        window_start = window_end


def security_end_of_day_event(
    event_id: int, symbol: Symbol, extended_market_hours: bool = False
) -> ScheduledEvent:
    """Return the event behind `on_end_of_day(symbol)`: each trading day, 10 minutes before the last close.

    An exchange that never closes gets it at midnight instead, as in LEAN.
    """
    ref = SymbolRef.of(symbol)
    minutes = SECURITY_END_OF_DAY_DELTA.total_seconds() / 60
    return ScheduledEvent(
        id=event_id,
        name=f"{symbol}.EndOfDay",
        date_rule=EveryDay(symbol=ref),
        time_rule=SecurityEndOfDay(
            symbol=ref, extended_market_hours=extended_market_hours, minutes_before_close=minutes
        ),
    )


def algorithm_end_of_day_event(event_id: int, symbols: Iterable[Symbol]) -> ScheduledEvent:
    """Return the event behind the symbol-less `on_end_of_day()`: 23:58 in the algorithm's zone.

    It fires on each date on which any of the securities' exchanges trades; LEAN rebuilds it when the
    securities change, so build a new one (and remove the old) then too.
    """
    return ScheduledEvent(
        id=event_id,
        name="Algorithm.EndOfDay",
        date_rule=AnyTradingDay(symbols=tuple(SymbolRef.of(symbol) for symbol in symbols)),
        time_rule=At(time_of_day=timedelta(days=1) - ALGORITHM_END_OF_DAY_DELTA),
    )


class ScheduleManager:
    """The algorithm's `schedule`: builds events from rules, numbers them and keeps their callbacks."""

    def __init__(
        self,
        date_rules: DateRules,
        time_rules: TimeRules,
        *,
        on_added: Callable[[ScheduledEvent], None] | None = None,
        on_removed: Callable[[ScheduledEvent], None] | None = None,
        first_id: int = 1,
    ) -> None:
        """Build the manager; `on_added`/`on_removed` tell the real-time side about each change."""
        self._date_rules = date_rules
        self._time_rules = time_rules
        self._on_added = on_added
        self._on_removed = on_removed
        self._next_id = first_id
        self._events: dict[int, ScheduledEvent] = {}
        self._callbacks: dict[int, Callback] = {}

    @property
    def date_rules(self) -> DateRules:
        """Return the date-rule helper."""
        return self._date_rules

    @property
    def time_rules(self) -> TimeRules:
        """Return the time-rule helper."""
        return self._time_rules

    @property
    def events(self) -> list[ScheduledEvent]:
        """Return the registered events in creation order."""
        return list(self._events.values())

    def next_id(self) -> int:
        """Reserve the next event id (engine-made events such as end of day share the numbering)."""
        event_id = self._next_id
        self._next_id += 1
        return event_id

    @overload
    def on(
        self, date_rule: DateRuleSpec, time_rule: TimeRuleSpec, callback: Callback | None = None, /
    ) -> ScheduledEvent: ...

    @overload
    def on(
        self, name: str, date_rule: DateRuleSpec, time_rule: TimeRuleSpec, callback: Callback | None = None, /
    ) -> ScheduledEvent: ...

    def on(self, *args: Any) -> ScheduledEvent:
        """Schedule `callback()` by the rules: `on(date_rule, time_rule, callback)` or with a name first."""
        name: str | None = args[0] if args and isinstance(args[0], str) else None
        rest = args[1:] if name is not None else args
        if len(rest) not in (2, 3):
            raise TypeError("on() takes ([name,] date_rule, time_rule[, callback])")
        date_rule, time_rule = rest[0], rest[1]
        callback = rest[2] if len(rest) == 3 else None
        event = ScheduledEvent(
            id=self.next_id(),
            name=name if name is not None else f"{date_rule.name}: {time_rule.name}",
            date_rule=date_rule,
            time_rule=time_rule,
        )
        self.add(event, callback)
        return event

    def add(self, event: ScheduledEvent, callback: Callback | None = None) -> None:
        """Register a ready-made event (end of day, say) with its callback."""
        self._events[event.id] = event
        if callback is not None:
            self._callbacks[event.id] = callback
        logger.debug("scheduled event %r (id %d) added", event.name, event.id)
        if self._on_added is not None:
            self._on_added(event)

    def remove(self, event: ScheduledEvent | int) -> None:
        """Unregister an event; removing an unknown one does nothing."""
        event_id = event if isinstance(event, int) else event.id
        removed = self._events.pop(event_id, None)
        self._callbacks.pop(event_id, None)
        if removed is not None and self._on_removed is not None:
            self._on_removed(removed)

    def fire(self, event_id: int) -> bool:
        """Run an event's callback; return False when the event is gone or has none."""
        callback = self._callbacks.get(event_id)
        if callback is None:
            return False
        callback()
        return True

    def get(self, event_id: int) -> ScheduledEvent | None:
        """Return a registered event by id."""
        return self._events.get(event_id)


def utc_datetime(ns: int) -> datetime:
    """Return UTC nanoseconds as a naive UTC datetime (microsecond precision), for logs and tests."""
    return datetime(1970, 1, 1) + timedelta(microseconds=ns // 1000)
