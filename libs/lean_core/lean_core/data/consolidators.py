"""Consolidators: turn a stream of small bars into larger ones, as LEAN's `Common/Data/Consolidators` do.

A period consolidator works in one of three modes, fixed at construction:

- time span (`timedelta`): bars start on multiples of the period (rounded down from the first data time,
  counted from year 1 as .NET does, so a 30-minute bar starts at :00 or :30) and close when data at or past
  the period end arrives, or when `scan` sees the clock pass it;
- count (`int`): a bar closes every N inputs and spans from the first input's start to the last one's end;
- calendar (a function of a time returning `CalendarInfo`): the function gives each bar's start and length
  (`Calendar.WEEKLY`, `Calendar.MONTHLY`, ...).

A count with a period (`TradeBarConsolidator(3, timedelta(minutes=3))`) closes on whichever comes first.
Times are naive, in the data's exchange time zone.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any, ClassVar, Final, Generic, Self, TypeVar

from lean_core.data.bars import Bar, QuoteBar, Tick, TradeBar
from lean_core.data.calendar import CalendarInfo
from lean_core.enums import Resolution
from lean_core.indicators.rolling_window import RollingWindow
from lean_core.symbols import SecurityIdentifier

__all__ = [
    "Calendar",
    "CalendarFunction",
    "CalendarInfo",
    "ConsolidatorBase",
    "DataConsolidatedHandlers",
    "IdentityDataConsolidator",
    "PeriodCountConsolidatorBase",
    "QuoteBarConsolidator",
    "TradeBarConsolidator",
    "create_consolidator",
]

CalendarFunction = Callable[[datetime], CalendarInfo]
PeriodArgument = timedelta | int | Resolution | CalendarFunction

_ZERO: Final = timedelta(0)
_ONE_DAY: Final = timedelta(days=1)
_ONE_HOUR: Final = timedelta(hours=1)
_WINDOW_SIZE: Final = 2
# A probe LEAN feeds a calendar function to check it returns a bar start at or before the time given.
_CALENDAR_PROBE: Final = datetime(2022, 1, 3, 10, 10, 10)

DataT = TypeVar("DataT", TradeBar, QuoteBar, Tick)
BarT = TypeVar("BarT", TradeBar, QuoteBar)
Handler = Callable[[Any, Any], object]


class DataConsolidatedHandlers:
    """Hold the handlers of a `data_consolidated` event: `+=` adds, `-=` removes, each gets (sender, bar)."""

    __slots__ = ("handlers",)

    def __init__(self) -> None:
        """Start with no handlers."""
        # a tuple replaced on every change, so firing needs no copy for a handler to unsubscribe itself
        self.handlers: tuple[Handler, ...] = ()

    def __iadd__(self, handler: Handler) -> DataConsolidatedHandlers:
        self.handlers = (*self.handlers, handler)
        return self

    def __isub__(self, handler: Handler) -> DataConsolidatedHandlers:
        handlers = list(self.handlers)
        if handler in handlers:
            handlers.remove(handler)
            self.handlers = tuple(handlers)
        return self

    def __len__(self) -> int:
        return len(self.handlers)

    def __call__(self, sender: object, bar: object) -> None:
        """Call every handler in the order added, as subscribed when the call began."""
        for handler in self.handlers:
            handler(sender, bar)

    def clear(self) -> None:
        """Drop every handler."""
        self.handlers = ()


class ConsolidatorBase(Generic[DataT]):
    """What every consolidator offers: the event, the last output and a two-bar window of outputs."""

    input_type: ClassVar[type]
    output_type: ClassVar[type]

    def __init__(self) -> None:
        """Start empty with no handlers."""
        self.data_consolidated = DataConsolidatedHandlers()
        self._consolidated: Any = None
        self._window: RollingWindow[Any] = RollingWindow(_WINDOW_SIZE)

    @property
    def consolidated(self) -> Any:
        """Return the most recent output, or None before the first."""
        return self._consolidated

    @property
    def working_data(self) -> Any:
        """Return a copy of the bar being built, or None."""
        raise NotImplementedError

    @property
    def window(self) -> RollingWindow[Any]:
        """Return the last outputs, newest first (LEAN's two-bar rolling window)."""
        return self._window

    @property
    def current(self) -> Any:
        """Return the newest output, or None."""
        return self._window[0]

    @property
    def previous(self) -> Any:
        """Return the output before the newest, or None."""
        return self._window[1]

    def __getitem__(self, index: int) -> Any:
        return self._window[index]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._window)

    def update(self, data: DataT) -> None:
        """Feed one data point."""
        raise NotImplementedError

    def scan(self, current_local_time: datetime) -> None:
        """Let the consolidator emit a bar whose period has passed even though no new data came."""

    def reset(self) -> None:
        """Forget all state but the handlers."""
        self._consolidated = None
        self._window.reset()

    def _check_type(self, data: object) -> None:
        if not isinstance(data, self.input_type):
            raise TypeError(
                f"{type(self).__name__} received {type(data).__name__} but expects {self.input_type.__name__}"
            )

    def _emit(self, bar: Any) -> None:
        """Publish an output: window first, then handlers (which see it as `consolidated` too)."""
        self._window.add(bar)
        self._consolidated = bar
        self.data_consolidated(self, bar)


# -- period specifications ----------------------------------------------------------------------------------
def _round_down(time: datetime, period: timedelta) -> datetime:
    """Round down to a multiple of the period counted from 0001-01-01, as .NET's tick arithmetic does."""
    if period <= _ZERO:
        return time
    return time - (time - datetime.min) % period


def _anchored_start(period: timedelta, start_time: timedelta, time: datetime) -> datetime:
    """Return the start of the bar holding `time` when bars are anchored at `start_time` (LEAN)."""
    midnight = datetime(time.year, time.month, time.day)
    # Periods of a week or more count from the first of the month rather than from midnight.
    anchor = (datetime(time.year, time.month, 1) if period >= timedelta(days=7) else midnight) + start_time
    return anchor + period * ((time - anchor) // period)


class _Specification:
    """How a consolidator finds the start and length of the bar a time belongs to."""

    def __init__(self, period: timedelta | None) -> None:
        self.period = period

    def bar_start(self, time: datetime) -> datetime:
        return time


class _TimeSpanSpecification(_Specification):
    def __init__(self, period: timedelta, start_time: timedelta | None) -> None:
        super().__init__(period)
        self._fixed_period = period
        self._start_time = start_time

    def bar_start(self, time: datetime) -> datetime:
        if self._start_time is not None:
            return _anchored_start(self._fixed_period, self._start_time, time)
        # Periods longer than a day are not rounded: the bar starts with its first data point (LEAN #4915).
        return time if self._fixed_period > _ONE_DAY else _round_down(time, self._fixed_period)


class _CalendarSpecification(_Specification):
    def __init__(self, function: CalendarFunction) -> None:
        if function(_CALENDAR_PROBE).start > _CALENDAR_PROBE:
            raise ValueError("the calendar function must return the start of the bar holding the time given")
        super().__init__(None)
        self._function = function

    def bar_start(self, time: datetime) -> datetime:
        info = self._function(time)
        self.period = info.period
        return info.start


def _specification(
    period: PeriodArgument, second: timedelta | None
) -> tuple[_Specification, timedelta | None, int | None]:
    """Read the constructor's arguments into (specification, period, maximum count)."""
    if isinstance(period, Resolution):
        period = period.to_timedelta()
    if isinstance(period, timedelta):
        return _TimeSpanSpecification(period, second), period, None
    if isinstance(period, int):
        if second is None:
            return _Specification(None), None, period
        return _Specification(second), second, period
    if callable(period):
        return _CalendarSpecification(period), timedelta(seconds=1), None
    raise TypeError(f"cannot consolidate by {period!r}: give a timedelta, a count or a calendar function")


class PeriodCountConsolidatorBase(ConsolidatorBase[DataT], Generic[DataT, BarT]):
    """LEAN's `PeriodCountConsolidatorBase`: time-span, count, mixed and calendar consolidation."""

    def __init__(
        self, period: PeriodArgument, second: timedelta | None = None, *, start_time: timedelta | None = None
    ) -> None:
        """Build from a period, a count, a calendar function, or (count, period) / (period, start time).

        `start_time` is LEAN's keyword for anchoring time-span bars (9:30 for hours from the open).
        """
        super().__init__()
        if start_time is not None:
            if second is not None:
                raise TypeError("give the start time once: positionally or as start_time")
            second = start_time
        self._specification, self._period, self._max_count = _specification(period, second)
        self._sid: SecurityIdentifier | None = None
        self._current_count = 0
        self._working: BarT | None = None
        self._last_emit: datetime | None = None
        self._validated = False

    @classmethod
    def from_resolution(cls, resolution: Resolution) -> Self:
        """Build a time-span consolidator with the resolution's period."""
        return cls(resolution.to_timedelta())

    @property
    def is_time_based(self) -> bool:
        """Tell whether bars close on time alone (no count)."""
        return self._max_count is None

    @property
    def period(self) -> timedelta | None:
        """Return the current bar length, None in pure count mode."""
        return self._period

    @property
    def working_data(self) -> BarT | None:
        """Return a copy of the bar being built, or None."""
        return None if self._working is None else self._clone(self._working)

    def update(self, data: DataT) -> None:
        """Aggregate one data point, emitting the previous bar first when this one starts a new period."""
        self._check_type(data)
        self._check_symbol(data)
        self._check_period(data)
        fire = False
        aggregate_first = self._max_count is not None
        if self._max_count is not None:
            self._current_count += 1
            if self._current_count >= self._max_count:
                self._current_count = 0
                fire = True
        if self._last_emit is None:
            self._last_emit = datetime.min if self.is_time_based else data.time
        if self._period is not None:
            if self._period_passed(data):
                fire = True
            if self._period == _ZERO:
                # A zero period passes every point straight through, so it must be in the bar first.
                fire = aggregate_first = True
        if aggregate_first:
            self._aggregate_if_in_order(data, count_mode=self._max_count is not None)
        if fire:
            self._fire(data)
        if not aggregate_first:
            self._aggregate_if_in_order(data, count_mode=False)

    def scan(self, current_local_time: datetime) -> None:
        """Emit the working bar once the clock has passed its period, even without new data."""
        working, period = self._working, self._period
        if working is None or period is None or period == _ZERO or self._last_emit is None:
            return
        if (
            current_local_time - working.time >= period
            and self._bar_start(current_local_time) > self._last_emit
        ):
            self._last_emit = working.end_time
            self._publish(working)

    def reset(self) -> None:
        """Forget the symbol, the working bar and the counts."""
        super().reset()
        self._sid = None
        self._current_count = 0
        self._working = None
        self._last_emit = None
        self._validated = False

    # -- steps of update ---------------------------------------------------------------------------------
    def _check_symbol(self, data: DataT) -> None:
        if self._sid is None:
            self._sid = data.symbol.id
        elif data.symbol.id != self._sid:
            raise ValueError(
                "consolidators take a single symbol: the previous security identifier "
                f"({self._sid}) is not the same as the current data's ({data.symbol.id})"
            )

    def _check_period(self, data: DataT) -> None:
        """Refuse, once, data longer than a time-span period (LEAN cannot split a bar)."""
        if (
            self._validated
            or self._period is None
            or not isinstance(self._specification, _TimeSpanSpecification)
        ):
            return
        self._validated = True
        if data.end_time - data.time > self._period:
            raise ValueError(
                f"for symbol {data.symbol} cannot consolidate bars of period {self._period} "
                f"from data of a longer period ({data.end_time - data.time})"
            )

    def _period_passed(self, data: DataT) -> bool:
        working, period, last_emit = self._working, self._period, self._last_emit
        if working is None or period is None or last_emit is None:
            return False
        return data.time - working.time >= period and self._data_bar_start(data) > last_emit

    def _aggregate_if_in_order(self, data: DataT, *, count_mode: bool) -> None:
        if self._last_emit is not None and data.time < self._last_emit:
            return
        self._working = self._aggregate(self._working, data)
        if count_mode:
            # In count mode a bar ends where its last input ends.
            self._working.end_time = data.end_time

    def _fire(self, data: DataT) -> None:
        working = self._working
        if working is None:
            # LEAN emits a null bar here (an out-of-order point in count mode); nothing useful to publish.
            self._last_emit = data.time
            return
        if isinstance(working, TradeBar) and self._period is not None:
            working.end_time = working.time + self._period
        self._last_emit = working.end_time if self.is_time_based else data.time
        self._publish(working)

    def _publish(self, bar: BarT) -> None:
        self._working = None
        self._emit(bar)

    # -- bar times ---------------------------------------------------------------------------------------
    def _bar_start(self, time: datetime) -> datetime:
        start = self._specification.bar_start(time)
        if self._working is None:
            # A calendar's period can change from bar to bar: take the one of the bar about to open.
            self._period = self._specification.period
        return start

    def _data_bar_start(self, data: DataT) -> datetime:
        start = self._bar_start(data.time)
        if self._period is not None and start + self._period < data.end_time:
            # A calendar puts the 09:00 equity hour bar in the previous session; its end finds this one.
            if data.end_time - data.time == _ONE_HOUR and start.date() < data.time.date():
                return self._bar_start(data.end_time)
            return data.time
        return start

    def _new_bar_period(self, data: DataT) -> timedelta:
        if self.is_time_based and self._period is not None:
            return self._period
        return data.end_time - data.time

    # -- per output type ---------------------------------------------------------------------------------
    def _aggregate(self, working: BarT | None, data: DataT) -> BarT:
        raise NotImplementedError

    def _clone(self, bar: BarT) -> BarT:
        raise NotImplementedError


class TradeBarConsolidator(PeriodCountConsolidatorBase[TradeBar, TradeBar]):
    """Consolidate trade bars into larger trade bars (LEAN's `TradeBarConsolidator`)."""

    input_type = TradeBar
    output_type = TradeBar

    @property
    def working_bar(self) -> TradeBar | None:
        """Return a copy of the bar being built, or None."""
        return self.working_data

    def _aggregate(self, working: TradeBar | None, data: TradeBar) -> TradeBar:
        if working is None:
            start = self._data_bar_start(data)
            return TradeBar(
                data.symbol,
                start,
                start + self._new_bar_period(data),
                data.open,
                data.high,
                data.low,
                data.close,
                data.volume,
            )
        working.close = data.close
        working.volume += data.volume
        working.low = min(working.low, data.low)
        working.high = max(working.high, data.high)
        return working

    def _clone(self, bar: TradeBar) -> TradeBar:
        return dataclasses.replace(bar)


def _merge_side(working: Bar | None, side: Bar) -> Bar:
    if working is None:
        return Bar(side.open, side.high, side.low, side.close)
    working.close = side.close
    working.high = max(working.high, side.high)
    working.low = min(working.low, side.low)
    return working


def _flat_bar(price: float) -> Bar | None:
    return Bar(price, price, price, price) if price != 0 else None


class QuoteBarConsolidator(PeriodCountConsolidatorBase[QuoteBar, QuoteBar]):
    """Consolidate quote bars into larger quote bars (LEAN's `QuoteBarConsolidator`)."""

    input_type = QuoteBar
    output_type = QuoteBar

    def _aggregate(self, working: QuoteBar | None, data: QuoteBar) -> QuoteBar:
        if working is None:
            working = self._new_bar(data)
        if data.bid is not None:
            working.last_bid_size = data.last_bid_size
            working.bid = _merge_side(working.bid, data.bid)
        if data.ask is not None:
            working.last_ask_size = data.last_ask_size
            working.ask = _merge_side(working.ask, data.ask)
        return working

    def _new_bar(self, data: QuoteBar) -> QuoteBar:
        """Open a bar; after a first output its sides open at the previous bar's closes (LEAN)."""
        start = self._data_bar_start(data)
        bar = QuoteBar(data.symbol, start, start + self._new_bar_period(data), None, None)
        previous = self._consolidated
        if isinstance(previous, QuoteBar):
            bar.bid = _flat_bar(previous.bid.close if previous.bid is not None else 0.0)
            bar.ask = _flat_bar(previous.ask.close if previous.ask is not None else 0.0)
            bar.last_bid_size = previous.last_bid_size if previous.last_bid_size > 0 else 0.0
            bar.last_ask_size = previous.last_ask_size if previous.last_ask_size > 0 else 0.0
        return bar

    def _clone(self, bar: QuoteBar) -> QuoteBar:
        bid = dataclasses.replace(bar.bid) if bar.bid is not None else None
        ask = dataclasses.replace(bar.ask) if bar.ask is not None else None
        return dataclasses.replace(bar, bid=bid, ask=ask)


class IdentityDataConsolidator(ConsolidatorBase[DataT]):
    """Pass each data point through unchanged, skipping repeats of the same end time (ticks never)."""

    input_type = object
    output_type = object

    def __init__(self) -> None:
        """Start with nothing seen."""
        super().__init__()
        self._last: DataT | None = None

    @property
    def working_data(self) -> DataT | None:
        """Return the last data point seen, or None."""
        return self._last

    def update(self, data: DataT) -> None:
        """Emit the point unless the previous one ended at the same time."""
        last = self._last
        if last is None or data.end_time != last.end_time or isinstance(data, Tick):
            # _emit inlined: this runs once per bar for every indicator a helper registered
            self._window.add(data)
            self._consolidated = data
            for handler in self.data_consolidated.handlers:
                handler(self, data)
            self._last = data

    def reset(self) -> None:
        """Forget the last point."""
        super().reset()
        self._last = None


# -- calendars ----------------------------------------------------------------------------------------------
def _weekly(time: datetime) -> CalendarInfo:
    """Return the week (Monday to Monday) holding the time."""
    monday = datetime(time.year, time.month, time.day) - timedelta(days=time.weekday())
    return CalendarInfo(monday, timedelta(days=7))


def _months_bar(time: datetime, months: int) -> CalendarInfo:
    first_month = (time.month - 1) // months * months + 1
    start = datetime(time.year, first_month, 1)
    index = time.year * 12 + first_month - 1 + months
    end = datetime(index // 12, index % 12 + 1, 1)
    return CalendarInfo(start, end - start)


def _monthly(time: datetime) -> CalendarInfo:
    """Return the calendar month holding the time."""
    return _months_bar(time, 1)


def _quarterly(time: datetime) -> CalendarInfo:
    """Return the calendar quarter holding the time."""
    return _months_bar(time, 3)


def _yearly(time: datetime) -> CalendarInfo:
    """Return the calendar year holding the time."""
    return _months_bar(time, 12)


class Calendar:
    """LEAN's calendar periods, to pass to a consolidator instead of a `timedelta`."""

    WEEKLY: Final[CalendarFunction] = _weekly
    MONTHLY: Final[CalendarFunction] = _monthly
    QUARTERLY: Final[CalendarFunction] = _quarterly
    YEARLY: Final[CalendarFunction] = _yearly


def create_consolidator(
    period: PeriodArgument, data_type: type[TradeBar] | type[QuoteBar]
) -> TradeBarConsolidator | QuoteBarConsolidator:
    """Return the consolidator for a data type, as `QCAlgorithm.consolidate` picks it."""
    if data_type is QuoteBar:
        return QuoteBarConsolidator(period)
    if data_type is TradeBar:
        return TradeBarConsolidator(period)
    raise TypeError(f"no period consolidator for {data_type.__name__}; expected TradeBar or QuoteBar")
