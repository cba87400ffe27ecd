"""Market data types: per-bar objects users touch, and columnar frames the engine moves.

Frames are the fast path: whole files become numpy arrays, times as int64 UTC nanoseconds.
Per-bar objects (`TradeBar`, `QuoteBar`, `Tick`) are made only when user code asks for one;
their `time`/`end_time` are naive datetimes in the exchange time zone, as LEAN's are.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from lean_core.enums import TickType
from lean_core.symbols import Symbol
from lean_core.time.utc_offsets import utc_offset_ns, utc_offsets_ns

Int64Array = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

_EPOCH = datetime(1970, 1, 1)
_UTC = ZoneInfo("UTC")


def ns_to_local(ns: int, time_zone: ZoneInfo) -> datetime:
    """Convert UTC nanoseconds to a naive datetime in `time_zone` (microsecond precision)."""
    if time_zone is _UTC:
        return _EPOCH + timedelta(microseconds=ns // 1000)
    return _EPOCH + timedelta(microseconds=(ns + utc_offset_ns(ns, time_zone)) // 1000)


def local_to_ns(local: datetime, time_zone: ZoneInfo) -> int:
    """Convert a naive datetime in `time_zone` to UTC nanoseconds."""
    utc = local
    if time_zone is not _UTC:
        utc = local.replace(tzinfo=time_zone).astimezone(_UTC).replace(tzinfo=None)
    delta = utc - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1000


# --------------------------------------------------------------------------------------------
# Per-bar objects
# --------------------------------------------------------------------------------------------
@dataclass(slots=True)
class Bar:
    """Open, high, low and close of one side of a quote."""

    open: float
    high: float
    low: float
    close: float


@dataclass(slots=True)
class TradeBar:
    """A trade bar; `time` is the bar start, `end_time` the moment it is known."""

    symbol: Symbol
    time: datetime
    end_time: datetime
    open: float
    high: float
    low: float
    close: float
    volume: float
    is_fill_forward: bool = False

    @property
    def period(self) -> timedelta:
        """Return the span the bar covers."""
        return self.end_time - self.time

    @property
    def value(self) -> float:
        """Return the close, as LEAN's `BaseData.Value`."""
        return self.close

    @property
    def price(self) -> float:
        """Return the close, as LEAN's `BaseData.Price`."""
        return self.close


@dataclass(slots=True)
class QuoteBar:
    """A quote bar: bid and ask bars (either may be missing) with their last sizes."""

    symbol: Symbol
    time: datetime
    end_time: datetime
    bid: Bar | None
    ask: Bar | None
    last_bid_size: float = 0.0
    last_ask_size: float = 0.0
    is_fill_forward: bool = False

    @property
    def period(self) -> timedelta:
        """Return the span the bar covers."""
        return self.end_time - self.time

    def _mid(self, side: str) -> float:
        bid = getattr(self.bid, side) if self.bid is not None else None
        ask = getattr(self.ask, side) if self.ask is not None else None
        if bid is not None and ask is not None:
            return float((bid + ask) / 2)
        return float(bid if bid is not None else (ask if ask is not None else 0.0))

    @property
    def open(self) -> float:
        """Return the mid open (or the one side present)."""
        return self._mid("open")

    @property
    def high(self) -> float:
        """Return the mid high (or the one side present)."""
        return self._mid("high")

    @property
    def low(self) -> float:
        """Return the mid low (or the one side present)."""
        return self._mid("low")

    @property
    def close(self) -> float:
        """Return the mid close (or the one side present)."""
        return self._mid("close")

    @property
    def value(self) -> float:
        """Return the mid close, as LEAN's `BaseData.Value`."""
        return self.close

    @property
    def price(self) -> float:
        """Return the mid close."""
        return self.close


@dataclass(slots=True)
class Tick:
    """A trade, quote or open-interest tick."""

    symbol: Symbol
    time: datetime
    tick_type: TickType
    value: float = 0.0
    quantity: float = 0.0
    bid_price: float = 0.0
    bid_size: float = 0.0
    ask_price: float = 0.0
    ask_size: float = 0.0
    exchange: str = ""
    sale_condition: str = ""
    suspicious: bool = False

    @property
    def end_time(self) -> datetime:
        """Return the tick time: a tick spans no time."""
        return self.time

    @property
    def price(self) -> float:
        """Return the trade price, or the mid price for a quote."""
        return self.value

    @property
    def last_price(self) -> float:
        """Return the last traded price, as LEAN's `Tick.LastPrice`."""
        return self.value


# --------------------------------------------------------------------------------------------
# Columnar frames
# --------------------------------------------------------------------------------------------
def _take(array: npt.NDArray[Any], index: slice | npt.NDArray[np.intp] | npt.NDArray[np.bool_]) -> Any:
    return array[index]


@dataclass(frozen=True, slots=True)
class TradeBarFrame:
    """Trade bars of one symbol as arrays; times are UTC nanoseconds."""

    symbol: Symbol
    time: Int64Array
    end_time: Int64Array
    open: FloatArray
    high: FloatArray
    low: FloatArray
    close: FloatArray
    volume: FloatArray
    is_fill_forward: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=np.bool_))

    def __post_init__(self) -> None:
        if len(self.is_fill_forward) != len(self.time):
            object.__setattr__(self, "is_fill_forward", np.zeros(len(self.time), dtype=np.bool_))

    def __len__(self) -> int:
        return len(self.time)

    def bar(self, index: int, time_zone: ZoneInfo) -> TradeBar:
        """Return row `index` as a `TradeBar` with times in `time_zone`."""
        time, end_time = (ns_to_local(int(ns[index]), time_zone) for ns in (self.time, self.end_time))
        return trade_bar_at(self.symbol, time, end_time, self.value_columns(), index)

    def value_columns(self) -> tuple[npt.NDArray[Any], ...]:
        """Return the columns after the two times, in `TRADE_COLUMNS` order."""
        return (self.open, self.high, self.low, self.close, self.volume, self.is_fill_forward)

    def select(self, index: slice | npt.NDArray[np.intp] | npt.NDArray[np.bool_]) -> TradeBarFrame:
        """Return the rows picked by a slice, an index array or a mask."""
        return TradeBarFrame(
            self.symbol,
            *(_take(getattr(self, name), index) for name in TRADE_COLUMNS),
        )

    @classmethod
    def empty(cls, symbol: Symbol) -> TradeBarFrame:
        """Return a frame with no rows."""
        return cls(symbol, *_empty_columns(TRADE_COLUMNS))

    @classmethod
    def concat(cls, symbol: Symbol, frames: list[TradeBarFrame]) -> TradeBarFrame:
        """Join frames end to end (they must already be in time order)."""
        if not frames:
            return cls.empty(symbol)
        return cls(symbol, *(np.concatenate([getattr(f, name) for f in frames]) for name in TRADE_COLUMNS))


@dataclass(frozen=True, slots=True)
class QuoteBarFrame:
    """Quote bars of one symbol as arrays; a missing side is NaN in its price columns."""

    symbol: Symbol
    time: Int64Array
    end_time: Int64Array
    bid_open: FloatArray
    bid_high: FloatArray
    bid_low: FloatArray
    bid_close: FloatArray
    bid_size: FloatArray
    ask_open: FloatArray
    ask_high: FloatArray
    ask_low: FloatArray
    ask_close: FloatArray
    ask_size: FloatArray
    is_fill_forward: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=np.bool_))

    def __post_init__(self) -> None:
        if len(self.is_fill_forward) != len(self.time):
            object.__setattr__(self, "is_fill_forward", np.zeros(len(self.time), dtype=np.bool_))

    def __len__(self) -> int:
        return len(self.time)

    def bar(self, index: int, time_zone: ZoneInfo) -> QuoteBar:
        """Return row `index` as a `QuoteBar` with times in `time_zone`."""
        time, end_time = (ns_to_local(int(ns[index]), time_zone) for ns in (self.time, self.end_time))
        return quote_bar_at(self.symbol, time, end_time, self.value_columns(), index)

    def value_columns(self) -> tuple[npt.NDArray[Any], ...]:
        """Return the columns after the two times, in `QUOTE_COLUMNS` order."""
        return (
            self.bid_open, self.bid_high, self.bid_low, self.bid_close, self.bid_size,
            self.ask_open, self.ask_high, self.ask_low, self.ask_close, self.ask_size, self.is_fill_forward,
        )  # fmt: skip

    def select(self, index: slice | npt.NDArray[np.intp] | npt.NDArray[np.bool_]) -> QuoteBarFrame:
        """Return the rows picked by a slice, an index array or a mask."""
        return QuoteBarFrame(self.symbol, *(_take(getattr(self, name), index) for name in QUOTE_COLUMNS))

    @classmethod
    def empty(cls, symbol: Symbol) -> QuoteBarFrame:
        """Return a frame with no rows."""
        return cls(symbol, *_empty_columns(QUOTE_COLUMNS))

    @classmethod
    def concat(cls, symbol: Symbol, frames: list[QuoteBarFrame]) -> QuoteBarFrame:
        """Join frames end to end (they must already be in time order)."""
        if not frames:
            return cls.empty(symbol)
        return cls(symbol, *(np.concatenate([getattr(f, name) for f in frames]) for name in QUOTE_COLUMNS))


Columns = Sequence[Any]
"""A frame's value columns (`value_columns()`): numpy arrays, or the same values as Python lists."""


def trade_bar_at(symbol: Symbol, time: datetime, end_time: datetime, values: Columns, index: int) -> TradeBar:
    """Return row `index` of trade-bar value columns as a `TradeBar` spanning `time` to `end_time`."""
    open_, high, low, close, volume, is_fill_forward = values
    return TradeBar(
        symbol,
        time,
        end_time,
        float(open_[index]),
        float(high[index]),
        float(low[index]),
        float(close[index]),
        float(volume[index]),
        bool(is_fill_forward[index]),
    )


def quote_bar_at(symbol: Symbol, time: datetime, end_time: datetime, values: Columns, index: int) -> QuoteBar:
    """Return row `index` of quote-bar value columns as a `QuoteBar` spanning `time` to `end_time`."""
    (bid_open, bid_high, bid_low, bid_close, bid_size,
     ask_open, ask_high, ask_low, ask_close, ask_size, filled) = values  # fmt: skip
    return QuoteBar(
        symbol,
        time,
        end_time,
        _side(bid_open, bid_high, bid_low, bid_close, index),
        _side(ask_open, ask_high, ask_low, ask_close, index),
        float(bid_size[index]),
        float(ask_size[index]),
        bool(filled[index]),
    )


def local_datetimes(times_ns: Int64Array, time_zone: ZoneInfo) -> list[datetime]:
    """Return UTC nanoseconds as naive local datetimes, as `ns_to_local` gives them one by one."""
    local_us = (times_ns + utc_offsets_ns(times_ns, time_zone)) // 1000
    return local_us.astype("datetime64[us]").tolist()  # type: ignore[no-any-return]


def _side(
    open_: Sequence[Any], high: Sequence[Any], low: Sequence[Any], close: Sequence[Any], index: int
) -> Bar | None:
    last = close[index]
    if math.isnan(last):  # the side is missing
        return None
    return Bar(float(open_[index]), float(high[index]), float(low[index]), float(last))


@dataclass(frozen=True, slots=True)
class TickFrame:
    """Ticks of one symbol and one tick type as arrays."""

    symbol: Symbol
    tick_type: TickType
    time: Int64Array
    value: FloatArray
    quantity: FloatArray
    bid_price: FloatArray
    bid_size: FloatArray
    ask_price: FloatArray
    ask_size: FloatArray
    exchange: npt.NDArray[np.str_]
    sale_condition: npt.NDArray[np.str_]
    suspicious: BoolArray

    def __len__(self) -> int:
        return len(self.time)

    @property
    def end_time(self) -> Int64Array:
        """Return the tick times: a tick spans no time."""
        return self.time

    def tick(self, index: int, time_zone: ZoneInfo) -> Tick:
        """Return row `index` as a `Tick` with its time in `time_zone`."""
        return Tick(
            self.symbol,
            ns_to_local(int(self.time[index]), time_zone),
            self.tick_type,
            float(self.value[index]),
            float(self.quantity[index]),
            float(self.bid_price[index]),
            float(self.bid_size[index]),
            float(self.ask_price[index]),
            float(self.ask_size[index]),
            str(self.exchange[index]),
            str(self.sale_condition[index]),
            bool(self.suspicious[index]),
        )

    def select(self, index: slice | npt.NDArray[np.intp] | npt.NDArray[np.bool_]) -> TickFrame:
        """Return the rows picked by a slice, an index array or a mask."""
        return TickFrame(
            self.symbol, self.tick_type, *(_take(getattr(self, name), index) for name in TICK_COLUMNS)
        )

    @classmethod
    def empty(cls, symbol: Symbol, tick_type: TickType) -> TickFrame:
        """Return a frame with no rows."""
        return cls.from_columns(symbol, tick_type, time=np.zeros(0, dtype=np.int64))

    @classmethod
    def concat(cls, symbol: Symbol, tick_type: TickType, frames: list[TickFrame]) -> TickFrame:
        """Join frames end to end (they must already be in time order)."""
        if not frames:
            return cls.empty(symbol, tick_type)
        return cls(
            symbol, tick_type, *(np.concatenate([getattr(f, name) for f in frames]) for name in TICK_COLUMNS)
        )

    @classmethod
    def from_columns(
        cls, symbol: Symbol, tick_type: TickType, *, time: Int64Array, **columns: Any
    ) -> TickFrame:
        """Build a frame from the columns a file holds; the others are zero or empty."""
        size = len(time)
        filled: dict[str, Any] = {}
        for name in TICK_COLUMNS[1:]:
            if name in columns:
                filled[name] = columns.pop(name)
            elif name in ("exchange", "sale_condition"):
                filled[name] = np.full(size, "", dtype=np.str_)
            elif name == "suspicious":
                filled[name] = np.zeros(size, dtype=np.bool_)
            else:
                filled[name] = np.zeros(size, dtype=np.float64)
        if columns:
            raise TypeError(f"unknown tick columns: {', '.join(columns)}")
        return cls(symbol, tick_type, time, **filled)


@dataclass(frozen=True, slots=True)
class OpenInterestFrame:
    """Open interest of one contract as arrays."""

    symbol: Symbol
    time: Int64Array
    value: FloatArray

    def __len__(self) -> int:
        return len(self.time)


TRADE_COLUMNS = ("time", "end_time", "open", "high", "low", "close", "volume", "is_fill_forward")
QUOTE_COLUMNS = (
    "time",
    "end_time",
    "bid_open",
    "bid_high",
    "bid_low",
    "bid_close",
    "bid_size",
    "ask_open",
    "ask_high",
    "ask_low",
    "ask_close",
    "ask_size",
    "is_fill_forward",
)
TICK_COLUMNS = (
    "time",
    "value",
    "quantity",
    "bid_price",
    "bid_size",
    "ask_price",
    "ask_size",
    "exchange",
    "sale_condition",
    "suspicious",
)

Frame = TradeBarFrame | QuoteBarFrame | TickFrame | OpenInterestFrame


def _empty_columns(names: tuple[str, ...]) -> list[Any]:
    columns: list[Any] = []
    for name in names:
        if name in ("time", "end_time"):
            columns.append(np.zeros(0, dtype=np.int64))
        elif name == "is_fill_forward":
            columns.append(np.zeros(0, dtype=np.bool_))
        else:
            columns.append(np.zeros(0, dtype=np.float64))
    return columns
