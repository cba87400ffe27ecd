"""Indicator inputs and outputs: the data point, and what any input or bar must offer."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol, overload

from lean_core.symbols import Symbol

__all__ = ["BaseDataLike", "DataBar", "IndicatorDataPoint", "TradeBarLike", "new_point", "number_of"]


class BaseDataLike(Protocol):
    """What any indicator input offers: whose it is, when it is known, and its value."""

    @property
    def symbol(self) -> Symbol | None: ...

    @property
    def end_time(self) -> datetime: ...

    @property
    def value(self) -> float: ...


class DataBar(BaseDataLike, Protocol):
    """What a bar indicator needs: LEAN's `IBaseDataBar` (a `TradeBar` or a `QuoteBar`)."""

    @property
    def open(self) -> float: ...

    @property
    def high(self) -> float: ...

    @property
    def low(self) -> float: ...

    @property
    def close(self) -> float: ...


class TradeBarLike(DataBar, Protocol):
    """What a volume indicator needs: LEAN's `TradeBar`."""

    @property
    def volume(self) -> float: ...

    @property
    def time(self) -> datetime: ...

    @property
    def is_fill_forward(self) -> bool: ...


class IndicatorDataPoint:
    """One timestamped value: an indicator's input or output.

    Built as `IndicatorDataPoint(time, value)` or, as in LEAN, `IndicatorDataPoint(symbol, time,
    value)`. Equal when time and value are; ordered by value.
    """

    __slots__ = ("symbol", "time", "value")

    symbol: Symbol | None
    time: datetime
    value: float
    #: the time again: a data point spans no time (an alias of the `time` slot, set below the class)
    end_time: datetime

    @overload
    def __init__(
        self, time: datetime, value: float | Decimal, /, *, symbol: Symbol | None = None
    ) -> None: ...

    @overload
    def __init__(self, symbol: Symbol | None, time: datetime, value: float | Decimal, /) -> None: ...

    def __init__(self, first: Any, second: Any, third: Any = None, /, *, symbol: Symbol | None = None):
        if third is None:
            self.symbol = symbol
            self.time = first
            self.value = float(second)
        else:
            self.symbol = first
            self.time = second
            self.value = float(third)

    @property
    def price(self) -> float:
        """Return the value, as LEAN's `BaseData.Price`."""
        return self.value

    def __float__(self) -> float:
        return self.value

    def __eq__(self, other: object) -> bool:
        if isinstance(other, IndicatorDataPoint):
            return self.time == other.time and self.value == other.value
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.value, self.time))

    def __lt__(self, other: object) -> bool:
        other_value = number_of(other)
        return NotImplemented if other_value is None else self.value < other_value

    def __le__(self, other: object) -> bool:
        other_value = number_of(other)
        return NotImplemented if other_value is None else self.value <= other_value

    def __gt__(self, other: object) -> bool:
        other_value = number_of(other)
        return NotImplemented if other_value is None else self.value > other_value

    def __ge__(self, other: object) -> bool:
        other_value = number_of(other)
        return NotImplemented if other_value is None else self.value >= other_value

    def __str__(self) -> str:
        return f"{self.time.isoformat(timespec='seconds')} - {self.value}"

    def __repr__(self) -> str:
        return f"IndicatorDataPoint({self.symbol!r}, {self.time!r}, {self.value!r})"


# `end_time` reads and writes the `time` slot itself: indicators read it on every update, and a
# slot descriptor costs a fraction of a property call.
IndicatorDataPoint.end_time = IndicatorDataPoint.__dict__["time"]

_new_object = object.__new__


def new_point(symbol: Symbol | None, time: datetime, value: float) -> IndicatorDataPoint:
    """Return `IndicatorDataPoint(symbol, time, value)` for a `value` that is already a float.

    The update path builds a point per update; skipping the constructor's argument parsing
    makes that about a third cheaper.
    """
    point: IndicatorDataPoint = _new_object(IndicatorDataPoint)
    point.symbol = symbol
    point.time = time
    point.value = value
    return point


def number_of(other: object) -> float | None:
    """Return a data point's value or a plain number as a float, or None for anything else."""
    if isinstance(other, IndicatorDataPoint):
        return other.value
    if isinstance(other, int | float | Decimal) and not isinstance(other, bool):
        return float(other)
    return None
