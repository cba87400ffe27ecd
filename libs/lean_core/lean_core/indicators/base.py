"""The indicator foundation: the update cycle, the `updated` event and the base classes.

An indicator takes inputs one at a time through `update` and publishes each new value as
`current` (an `IndicatorDataPoint`), keeps the last few values in `window` and tells its
subscribers through `updated`. The update cycle is LEAN's `IndicatorBase.Update`: an input
older than the previous one of the same symbol is ignored (logged once), one at the same time
is taken, the same input object twice counts once, and a computation that fails (a division by
zero, say) counts the sample but leaves `current` unchanged. A NaN or infinite price, which
LEAN's decimals cannot hold, raises `IndicatorInputError` before anything is counted.
"""

from __future__ import annotations

import functools
import logging
import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import Decimal
from math import isfinite
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, Self, TypeVar, cast

from lean_core.data.bars import QuoteBar, TradeBar
from lean_core.errors import LeanError
from lean_core.indicators.data_point import (
    BaseDataLike,
    DataBar,
    IndicatorDataPoint,
    TradeBarLike,
    new_point,
    number_of,
)
from lean_core.indicators.rolling_window import RollingWindow
from lean_core.symbols import Symbol

if TYPE_CHECKING:
    from lean_core.indicators.composite import CompositeIndicator

__all__ = [
    "BarIndicator",
    "BaseDataIndicator",
    "Identity",
    "Indicator",
    "IndicatorBase",
    "IndicatorInputError",
    "IndicatorUpdatedEvent",
    "TradeBarIndicator",
    "UpdatedHandler",
    "WindowIndicator",
    "ensure_finite",
    "format_parameter",
    "name_first",
]

logger = logging.getLogger(__name__)

_new_object = object.__new__

#: How many past values `IndicatorBase.window` keeps unless resized, as in LEAN.
DEFAULT_WINDOW_SIZE = 2


class IndicatorInputError(LeanError, ValueError):
    """An input an indicator cannot take: a NaN or infinite price, say.

    LEAN's decimals cannot hold such a value, so LEAN fails on it; failing here too keeps a
    wrong number from spreading through every value that follows.
    """

    def __init__(self, reason: str, *, indicator: str, time: object, value: object) -> None:
        self.reason = reason
        self.indicator = indicator
        self.time = time
        self.value = value
        super().__init__(f"{indicator}: {reason} (input at {time}: {value!r})")


def ensure_finite(name: str, time: object, value: float) -> None:
    """Raise `IndicatorInputError` unless `value` is a finite number."""
    if not math.isfinite(value):
        raise IndicatorInputError(
            "input values must be finite numbers", indicator=name, time=time, value=value
        )


# --------------------------------------------------------------------------------------------
# The updated event
# --------------------------------------------------------------------------------------------
#: A subscriber to `updated`: called as handler(indicator, new_point).
UpdatedHandler = Callable[[Any, IndicatorDataPoint], object]


class IndicatorUpdatedEvent:
    """LEAN's `Updated` event: `indicator.updated += handler`, `indicator.updated -= handler`."""

    __slots__ = ("handlers",)

    def __init__(self) -> None:
        # a tuple, so a handler may subscribe or unsubscribe while the event fires
        self.handlers: tuple[UpdatedHandler, ...] = ()

    def __iadd__(self, handler: UpdatedHandler) -> IndicatorUpdatedEvent:
        if not callable(handler):
            raise TypeError(f"an updated handler must be callable, got {handler!r}")
        self.handlers = (*self.handlers, handler)
        return self

    def __isub__(self, handler: UpdatedHandler) -> IndicatorUpdatedEvent:
        handlers = list(self.handlers)
        # like a .NET delegate, drop the last subscription that matches
        for index in range(len(handlers) - 1, -1, -1):
            if handlers[index] == handler:
                del handlers[index]
                break
        self.handlers = tuple(handlers)
        return self

    def __call__(self, sender: Any, point: IndicatorDataPoint) -> None:
        for handler in self.handlers:
            handler(sender, point)

    def __len__(self) -> int:
        return len(self.handlers)

    def __repr__(self) -> str:
        return f"IndicatorUpdatedEvent(handlers={len(self.handlers)})"


class BatchLink(Protocol):
    """A batch that computed an indicator's next values ahead and publishes them step by step."""

    def detach(self) -> None:
        """Give the indicator its own state as of the last value published, and stop publishing."""


def _zero_point() -> IndicatorDataPoint:
    return IndicatorDataPoint(None, datetime.min, 0.0)


def _value_of(other: object) -> float | None:
    """Return the number an indicator compares against: another's current value, or a number."""
    if isinstance(other, IndicatorBase):
        return other.current.value
    return number_of(other)


# --------------------------------------------------------------------------------------------
# Indicators
# --------------------------------------------------------------------------------------------
InputT = TypeVar("InputT", bound=BaseDataLike)
_InitT = TypeVar("_InitT", bound=Callable[..., None])


def name_first(init: _InitT) -> _InitT:
    """Let a constructor also take LEAN's name-first form: `SimpleMovingAverage("fast", 10)`."""

    @functools.wraps(init)
    def wrapper(self: object, *args: Any, **kwargs: Any) -> None:
        if args and isinstance(args[0], str):
            if "name" in kwargs:
                raise TypeError("the name was given twice, first positionally and then as name=")
            kwargs["name"] = args[0]
            args = args[1:]
        init(self, *args, **kwargs)

    return cast(_InitT, wrapper)


class IndicatorBase(ABC, Generic[InputT]):
    """The update cycle every indicator shares; subclasses supply the computation and `warm_up_period`."""

    __slots__ = (
        "_batch",
        "_last_input",
        "_last_symbol",
        "_logged_out_of_order",
        "_previous_inputs",
        "consolidators",
        "current",
        "name",
        "samples",
        "updated",
        "warm_up_period",
        "window",
    )

    #: whether the class keeps the base `is_ready` (samples >= warm_up_period), which lets
    #: `update` answer without a property call; set for each subclass as it is defined
    _ready_by_samples: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._ready_by_samples = cls.is_ready is IndicatorBase.is_ready

    def __init__(self, name: str) -> None:
        self.name = name
        #: how many inputs were taken (since the last reset)
        self.samples = 0
        #: how many inputs make the indicator ready (LEAN's `WarmUpPeriod`)
        self.warm_up_period = 0
        #: the latest values, newest first; `current` is `window[0]`
        self.window: RollingWindow[IndicatorDataPoint] = RollingWindow(DEFAULT_WINDOW_SIZE)
        self.current = _zero_point()
        self.window.add(self.current)
        self.updated = IndicatorUpdatedEvent()
        #: the consolidators the algorithm registered to feed this indicator
        self.consolidators: set[Any] = set()
        self._previous_inputs: dict[Symbol | None, InputT] = {}
        # the symbol seen last and its previous input, so one-symbol indicators skip the dict
        self._last_symbol: Symbol | None = None
        self._last_input: InputT | None = None
        self._logged_out_of_order = False
        #: the batch computing this indicator's values ahead (see `indicators.batch`), if any
        self._batch: BatchLink | None = None

    # -- state ------------------------------------------------------------------------------
    @property
    def is_ready(self) -> bool:
        """Return True once `warm_up_period` inputs were taken.

        An indicator whose readiness follows its parts (an average it feeds, say) overrides this.
        """
        return self.samples >= self.warm_up_period

    @property
    def previous(self) -> IndicatorDataPoint:
        """Return the value before `current` (a zero point while there is none)."""
        window = self.window
        if window.count > 1:
            return cast(IndicatorDataPoint, window[1])
        return _zero_point()

    # -- the update cycle -------------------------------------------------------------------
    def update(self, input: BaseDataLike | datetime, value: float | Decimal | None = None) -> bool:
        """Feed one input (a data point, a bar, or a time and a value); return `is_ready`."""
        if self._batch is not None:  # an input from elsewhere: take the batch's state back first
            self._batch.detach()
        data = self._accept(input) if value is None else self._from_time_and_value(input, value)
        symbol = data.symbol
        end_time = data.end_time
        previous = self._last_input if symbol is self._last_symbol else self._switch_symbol(symbol)
        if previous is not None:
            if end_time < previous.end_time:
                self._reject_out_of_order(data, previous)
                return self.is_ready
            if input is previous:
                return self.is_ready
        self.samples += 1
        self._last_input = data
        result = self._compute_next_value(data)
        if result is not None:
            # new_point inlined, as a float like the constructor would make it
            point = _new_object(IndicatorDataPoint)
            point.symbol = symbol
            point.time = end_time
            point.value = result if type(result) is float else float(result)
            self.current = point
            self.window.add(point)
            handlers = self.updated.handlers
            if handlers:
                for handler in handlers:
                    handler(self, point)
        return self.samples >= self.warm_up_period if self._ready_by_samples else self.is_ready

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        if self._batch is not None:
            self._batch.detach()
        self.samples = 0
        self._previous_inputs.clear()
        self._last_symbol = None
        self._last_input = None
        self.window.reset()
        self.current = _zero_point()
        self.window.add(self.current)

    def _accept(self, input: Any) -> InputT:
        """Return `input` as this indicator's input type (a data point by default)."""
        if isinstance(input, IndicatorDataPoint):
            point = input
        elif isinstance(input, datetime):
            raise TypeError(f"{self.name}: update(time, value) needs a value")
        else:
            point = IndicatorDataPoint(input.symbol, input.end_time, input.value)
        ensure_finite(self.name, point.time, point.value)
        return cast(InputT, point)

    def _from_time_and_value(self, time: Any, value: float | Decimal) -> InputT:
        number = value if type(value) is float else float(value)
        if not isfinite(number):
            ensure_finite(self.name, time, number)
        return cast(InputT, new_point(None, time, number))

    @abstractmethod
    def _compute_next_value(self, input: InputT) -> float | None:
        """Return the indicator's value after `input`, or None when it cannot be computed.

        None is LEAN's non-success status (a math error, say): the sample counts but `current`
        keeps its value and `updated` does not fire.
        """

    def _publish(self, symbol: Symbol | None, time: datetime, value: float) -> None:
        """Count a sample and make `value` current: for values an owning indicator computes."""
        self.samples += 1
        point = new_point(symbol, time, value if type(value) is float else float(value))
        self.current = point
        self.window.add(point)
        handlers = self.updated.handlers
        if handlers:
            for handler in handlers:
                handler(self, point)

    def _switch_symbol(self, symbol: Symbol | None) -> InputT | None:
        if self._last_input is not None:
            self._previous_inputs[self._last_symbol] = self._last_input
        self._last_symbol = symbol
        self._last_input = self._previous_inputs.get(symbol)
        return self._last_input

    def _reject_out_of_order(self, data: InputT, previous: InputT) -> None:
        if not self._logged_out_of_order:
            self._logged_out_of_order = True
            logger.error(
                "%s is a forward-only indicator: input at %s precedes the previous one at %s; "
                "it will not be updated with this input",
                self.name,
                data.end_time,
                previous.end_time,
            )

    # -- Python protocol --------------------------------------------------------------------
    def __getitem__(self, index: int) -> IndicatorDataPoint | None:
        return self.window[index]

    def __iter__(self) -> Iterator[IndicatorDataPoint]:
        return iter(self.window)

    def __float__(self) -> float:
        return self.current.value

    def __str__(self) -> str:
        return format_indicator_value(self.current.value)

    def __repr__(self) -> str:
        return f"{self.name} - {self}"

    def __format__(self, spec: str) -> str:
        return format(self.current.value, spec) if spec else str(self)

    def __eq__(self, other: object) -> bool:
        # as in LEAN: an indicator equals only itself, or a number equal to its current value
        if isinstance(other, IndicatorBase):
            return self is other
        other_value = _value_of(other)
        return NotImplemented if other_value is None else self.current.value == other_value

    __hash__ = object.__hash__

    def __lt__(self, other: object) -> bool:
        other_value = _value_of(other)
        return NotImplemented if other_value is None else self.current.value < other_value

    def __le__(self, other: object) -> bool:
        other_value = _value_of(other)
        return NotImplemented if other_value is None else self.current.value <= other_value

    def __gt__(self, other: object) -> bool:
        other_value = _value_of(other)
        return NotImplemented if other_value is None else self.current.value > other_value

    def __ge__(self, other: object) -> bool:
        other_value = _value_of(other)
        return NotImplemented if other_value is None else self.current.value >= other_value

    # -- composition: LEAN's IndicatorExtensions, also callable as methods ----------------
    def of(self, first: IndicatorBase[Any], wait_for_first_to_ready: bool = True) -> Self:
        """Feed this indicator each new value of `first` (once `first` is ready, by default)."""
        from lean_core.indicators import extensions

        return extensions.of(self, first, wait_for_first_to_ready)

    def plus(self, right: IndicatorBase[Any] | float, name: str | None = None) -> CompositeIndicator:
        """Return an indicator of this one's value plus `right`'s (an indicator or a number)."""
        from lean_core.indicators import extensions

        return extensions.plus(self, right, name)

    def minus(self, right: IndicatorBase[Any] | float, name: str | None = None) -> CompositeIndicator:
        """Return an indicator of this one's value minus `right`'s."""
        from lean_core.indicators import extensions

        return extensions.minus(self, right, name)

    def times(self, right: IndicatorBase[Any] | float, name: str | None = None) -> CompositeIndicator:
        """Return an indicator of this one's value times `right`'s."""
        from lean_core.indicators import extensions

        return extensions.times(self, right, name)

    def over(self, right: IndicatorBase[Any] | float, name: str | None = None) -> CompositeIndicator:
        """Return an indicator of this one's value over `right`'s (no update on a zero divisor)."""
        from lean_core.indicators import extensions

        return extensions.over(self, right, name)

    def weighted_by(self, weight: IndicatorBase[Any], period: int) -> CompositeIndicator:
        """Return the `period` average of this indicator's values weighted by `weight`'s."""
        from lean_core.indicators import extensions

        return extensions.weighted_by(self, weight, period)


def format_parameter(value: float | Decimal) -> str:
    """Print a number parameter in a name as LEAN prints the decimal: 4 rather than 4.0, else 0.85."""
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def format_indicator_value(value: float) -> str:
    """Format like LEAN's `IndicatorBase.ToString`: one to five decimals."""
    text = f"{value:.5f}"
    if "." in text:
        text = text.rstrip("0")
        if text.endswith("."):
            text += "0"
    return "0.0" if text == "-0.0" else text


class Indicator(IndicatorBase[IndicatorDataPoint]):
    """An indicator of single values: bars and ticks it is given become their `value`."""

    __slots__ = ()

    def _accept(self, input: Any) -> IndicatorDataPoint:
        # the two inputs of nearly every update, a trade bar from a subscription and a point from
        # another indicator, skip the general path's checks (exact types: a subclass may
        # override `value`)
        kind = type(input)
        if kind is TradeBar:
            close = input.close
            point = new_point(input.symbol, input.end_time, close if type(close) is float else float(close))
        elif kind is IndicatorDataPoint:
            point = input
        else:
            return super()._accept(input)
        if not isfinite(point.value):
            ensure_finite(self.name, point.time, point.value)
        return point


class BarIndicator(IndicatorBase[DataBar]):
    """An indicator of bars (`TradeBar` or `QuoteBar`)."""

    __slots__ = ()

    def _accept(self, input: Any) -> DataBar:
        if not isinstance(input, _BAR_TYPES) and (
            isinstance(input, IndicatorDataPoint) or not hasattr(input, "low")
        ):
            raise TypeError(f"{self.name} takes bars (TradeBar or QuoteBar), not {type(input).__name__}")
        # one sum is finite only when every price is
        ensure_finite(self.name, input.end_time, input.open + input.high + input.low + input.close)
        return cast(DataBar, input)

    def _from_time_and_value(self, time: Any, value: float | Decimal) -> DataBar:
        raise TypeError(
            f"{type(self).__name__} does not support update(time, value): "
            "use update(trade_bar) or update(quote_bar)"
        )


_BAR_TYPES = (TradeBar, QuoteBar)


class TradeBarIndicator(IndicatorBase[TradeBarLike]):
    """An indicator of trade bars: it needs their volume, which quote bars do not have."""

    __slots__ = ()

    def _accept(self, input: Any) -> TradeBarLike:
        if isinstance(input, QuoteBar) or not hasattr(input, "volume") or not hasattr(input, "low"):
            raise TypeError(f"{self.name} takes trade bars (with volume), not {type(input).__name__}")
        total = input.open + input.high + input.low + input.close + input.volume
        ensure_finite(self.name, input.end_time, total)
        return cast(TradeBarLike, input)

    def _from_time_and_value(self, time: Any, value: float | Decimal) -> TradeBarLike:
        raise TypeError(f"{type(self).__name__} does not support update(time, value): use update(trade_bar)")


class BaseDataIndicator(IndicatorBase[Any]):
    """An indicator of any data (LEAN's `IndicatorBase<IBaseData>`): a data point, bar or tick, as given."""

    __slots__ = ()

    def _accept(self, input: Any) -> BaseDataLike:
        if isinstance(input, datetime):
            raise TypeError(f"{self.name}: update(time, value) needs a value")
        ensure_finite(self.name, input.end_time, input.value)
        return cast(BaseDataLike, input)


class WindowIndicator(IndicatorBase[InputT]):
    """An indicator computed over its last `period` inputs."""

    __slots__ = ("_inputs",)

    def __init__(self, name: str, period: int) -> None:
        if period < 1:
            raise ValueError(f"{name}: period must be at least 1, got period={period}")
        super().__init__(name)
        self._inputs: RollingWindow[InputT] = RollingWindow(period)
        self.warm_up_period = period

    @property
    def period(self) -> int:
        """Return how many inputs the indicator looks back over."""
        return self._inputs.size

    def reset(self) -> None:
        """Return the indicator to its state before any input."""
        super().reset()
        self._inputs.reset()

    def _compute_next_value(self, input: InputT) -> float:
        self._inputs.add(input)
        return self._compute_window_value(self._inputs, input)

    @abstractmethod
    def _compute_window_value(self, window: RollingWindow[InputT], input: InputT) -> float:
        """Return the value after `input`, which is already `window[0]`."""

    @staticmethod
    def _value_period_back(window: RollingWindow[IndicatorDataPoint]) -> float:
        """Return the value `period` inputs before the newest, or the first while there are fewer."""
        if window.samples <= window.size:
            return cast(IndicatorDataPoint, window[window.count - 1]).value
        return window.most_recently_removed.value


class Identity(Indicator):
    """Pass each input's value through unchanged."""

    __slots__ = ()

    def __init__(self, name: str = "") -> None:
        super().__init__(name)
        self.warm_up_period = 1

    def _compute_next_value(self, input: IndicatorDataPoint) -> float:
        return input.value
