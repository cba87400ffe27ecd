"""Slices: everything known at one moment, merged across subscriptions in time order.

A `SliceBatch` is the columnar form the feed produces: the sorted step times and, for each
subscription frame, which row (if any) arrives at each step. `Slice` objects, LEAN's
per-moment view (`slice.bars[symbol]`, `slice["SPY"]`), are made only when asked for.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from lean_core.data.bars import (
    Int64Array,
    QuoteBar,
    QuoteBarFrame,
    Tick,
    TickFrame,
    TradeBar,
    TradeBarFrame,
    ns_to_local,
)
from lean_core.data.custom_frame import CustomDataFrame
from lean_core.data.time_union import union_of_times
from lean_core.enums import SecurityType, TickType
from lean_core.symbols import Symbol

T = TypeVar("T")
BarFrame = TradeBarFrame | QuoteBarFrame | TickFrame | CustomDataFrame


class DataDictionary(Mapping[Symbol, T], Generic[T]):
    """A symbol-keyed mapping that also accepts a ticker string, as LEAN's Python API does."""

    def __init__(self, items: dict[Symbol, T] | None = None) -> None:
        self._items: dict[Symbol, T] = items if items is not None else {}

    def _resolve(self, key: Symbol | str) -> Symbol | None:
        if isinstance(key, Symbol):
            return key
        wanted = key.upper()
        for symbol in self._items:
            if symbol.value == wanted or str(symbol.id) == key:
                return symbol
        return None

    def __getitem__(self, key: Symbol | str) -> T:
        symbol = self._resolve(key)
        if symbol is None or symbol not in self._items:
            raise KeyError(f"{key} is not in this slice; check contains_key() first")
        return self._items[symbol]

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, Symbol | str):
            return False
        symbol = self._resolve(key)
        return symbol is not None and symbol in self._items

    def __iter__(self) -> Iterator[Symbol]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def contains_key(self, key: Symbol | str) -> bool:
        """Tell whether the symbol (or ticker) has data here."""
        return key in self

    def get(self, key: Symbol | str, default: T | None = None) -> T | None:  # type: ignore[override]
        """Return the value for a symbol or ticker, or `default`."""
        symbol = self._resolve(key)
        return self._items.get(symbol, default) if symbol is not None else default


class TradeBars(DataDictionary[TradeBar]):
    """The trade bars of a slice."""


class QuoteBars(DataDictionary[QuoteBar]):
    """The quote bars of a slice."""


class Ticks(DataDictionary[list[Tick]]):
    """The ticks of a slice, a list per symbol."""


class CustomData(DataDictionary[Any]):
    """The custom data points of a slice (instances of the users' `PythonData` types)."""

    def of_type(self, data_type: type) -> DataDictionary[Any]:
        """Return the points that are instances of `data_type`."""
        return DataDictionary({s: v for s, v in self._items.items() if isinstance(v, data_type)})


class SliceContents(Protocol):
    """Where a lazily built slice gets its data points from, the first time user code asks."""

    @property
    def has_data(self) -> bool:
        """Tell whether any data point arrived at this moment."""

    def fill(self, bars: TradeBars, quotes: QuoteBars, ticks: Ticks, custom: CustomData) -> None:
        """Put this moment's data points into the four collections."""

    def points_of(self, symbol: Symbol, *, quotes: bool = True, others: bool = True) -> SymbolPoints | None:
        """Return one symbol's points as `fill` would file them, or None if only `fill` can tell.

        `quotes=False` may leave the quote bar out, `others=False` the trade bar and custom point.
        """

    def contains(self, symbol: Symbol) -> bool | None:
        """Tell whether `slice[symbol]` shows a point, building none; None if only `fill` can tell."""


@dataclass(slots=True)
class SymbolPoints:
    """One symbol's trade bar, quote bar and custom point at a moment (ticks are not covered)."""

    bar: TradeBar | None = None
    quote: QuoteBar | None = None
    custom: Any = None


class Slice:
    """All data that arrived at one moment; `time` is in the algorithm's time zone.

    The engine builds its slices with `contents`: per-bar objects are made only when user
    code reads the slice, so a step nobody looks at costs no allocation.
    """

    __slots__ = ("_bars", "_contents", "_custom", "_quote_bars", "_ticks", "time", "utc_time")

    def __init__(
        self,
        time: datetime,
        utc_time: datetime,
        bars: TradeBars | None = None,
        quote_bars: QuoteBars | None = None,
        ticks: Ticks | None = None,
        custom: CustomData | None = None,
        *,
        contents: SliceContents | None = None,
    ) -> None:
        self.time = time
        self.utc_time = utc_time
        self._contents = contents
        self._bars = bars if bars is not None or contents is not None else TradeBars()
        self._quote_bars = quote_bars if quote_bars is not None or contents is not None else QuoteBars()
        self._ticks = ticks if ticks is not None or contents is not None else Ticks()
        self._custom = custom if custom is not None or contents is not None else CustomData()

    def _materialise(self) -> None:
        contents, self._contents = self._contents, None
        bars, quotes, ticks, custom = TradeBars(), QuoteBars(), Ticks(), CustomData()
        if contents is not None:
            contents.fill(bars, quotes, ticks, custom)
        self._bars, self._quote_bars, self._ticks, self._custom = bars, quotes, ticks, custom

    @property
    def bars(self) -> TradeBars:
        """Return the trade bars of this moment."""
        if self._contents is not None:
            self._materialise()
        return self._bars  # type: ignore[return-value]

    @property
    def quote_bars(self) -> QuoteBars:
        """Return the quote bars of this moment."""
        if self._contents is not None:
            self._materialise()
        return self._quote_bars  # type: ignore[return-value]

    @property
    def ticks(self) -> Ticks:
        """Return the ticks of this moment, a list per symbol."""
        if self._contents is not None:
            self._materialise()
        return self._ticks  # type: ignore[return-value]

    @property
    def custom(self) -> CustomData:
        """Return the custom data points of this moment."""
        if self._contents is not None:
            self._materialise()
        return self._custom  # type: ignore[return-value]

    def trade_bar_of(self, symbol: Symbol) -> TradeBar | None:
        """Return one symbol's trade bar, building no other (for engine code reading a few symbols)."""
        return self.points_of(symbol, quotes=False).bar

    def quote_bar_of(self, symbol: Symbol) -> QuoteBar | None:
        """Return one symbol's quote bar, building no other."""
        return self.points_of(symbol, others=False).quote

    def points_of(self, symbol: Symbol, *, quotes: bool = True, others: bool = True) -> SymbolPoints:
        """Return one symbol's trade bar, quote bar and custom point, building no other symbol's.

        `quotes=False` may leave the quote bar out and `others=False` the trade bar and custom
        point, when only the other kind is read.
        """
        if self._contents is not None:
            points = self._contents.points_of(symbol, quotes=quotes, others=others)
            if points is not None:
                return points
        return SymbolPoints(self.bars.get(symbol), self.quote_bars.get(symbol), self.custom.get(symbol))

    @property
    def has_data(self) -> bool:
        """Tell whether anything arrived at this moment."""
        if self._contents is not None:
            return self._contents.has_data
        return bool(self.bars or self.quote_bars or self.ticks or self.custom)

    def __getitem__(self, key: Symbol | str) -> Any:
        data = self._default_data(key)
        if data is None:
            raise KeyError(f"{key} has no data in this slice; check contains_key() first")
        return data

    def _default_data(self, key: Symbol | str) -> Any:
        """Return what LEAN's `slice[symbol]` gives: the last default-type point it added.

        LEAN adds trades before quotes, so a quote bar wins; but quotes are not an equity's
        default type, so an equity shows only its trade bar or trade ticks (and a minute with
        only quotes does not contain the equity at all). Custom data has its own symbols.
        """
        if self._contents is not None and isinstance(key, Symbol):
            # One symbol's lookup builds that symbol's points only, not the whole slice.
            points = self._contents.points_of(key)
            if points is not None:
                return _default_point(points.custom, points.quote, points.bar)
        custom = self.custom.get(key)
        quote = self.quote_bars.get(key)
        bar = self.bars.get(key)
        data = _default_point(custom, quote, bar)
        if data is not None:
            return data
        ticks = [tick for tick in self.ticks.get(key) or [] if _is_default_tick(tick)]
        return ticks or None

    def __contains__(self, key: object) -> bool:
        if self._contents is not None and isinstance(key, Symbol):
            found = self._contents.contains(key)  # no bar is built just to be looked for
            if found is not None:
                return found
        return isinstance(key, Symbol | str) and self._default_data(key) is not None

    def contains_key(self, key: Symbol | str) -> bool:
        """Tell whether the symbol (or ticker) has data of its default type in this slice."""
        return key in self

    def get(self, key: Symbol | str | type, symbol: Symbol | str | None = None) -> Any:
        """Return `slice[key]` or None; with a custom data type, that type's points (LEAN's `Get`).

        `get(MyData)` returns the type's points by symbol and `get(MyData, symbol)` one point or None.
        """
        if isinstance(key, type):
            points = self.custom.of_type(key)
            return points if symbol is None else points.get(symbol)
        return self._default_data(key)

    def keys(self) -> list[Symbol]:
        """Return the symbols with data in this slice."""
        return list(dict.fromkeys([*self.bars, *self.quote_bars, *self.ticks, *self.custom]))


@dataclass(frozen=True, slots=True)
class FeedFrame:
    """One subscription's frame with the time zone its per-bar objects are shown in."""

    frame: BarFrame
    exchange_time_zone: ZoneInfo


@dataclass(frozen=True, slots=True)
class SliceBatch:
    """Consecutive slices in columnar form: step times and, per frame, the rows at each step.

    For bar frames `rows[k][i]` is the row of frame k emitted at step i, or -1. For tick
    frames several rows can share a step: `tick_bounds[k]` holds, per step, the half-open
    row range [start, stop).
    """

    times: Int64Array
    frames: tuple[FeedFrame, ...]
    rows: tuple[npt.NDArray[np.int64], ...]

    def __len__(self) -> int:
        return len(self.times)

    @property
    def data_point_count(self) -> int:
        """Return how many data points (bars and ticks) the batch carries, as LEAN counts them."""
        return int(sum(len(feed.frame) for feed in self.frames))

    def slice(self, index: int, algorithm_time_zone: ZoneInfo) -> Slice:
        """Materialise step `index` as a `Slice`."""
        time_ns = int(self.times[index])
        bars, quotes, ticks, custom = TradeBars(), QuoteBars(), Ticks(), CustomData()
        for feed, rows in zip(self.frames, self.rows, strict=True):
            self._collect(feed, rows, index, bars, quotes, ticks, custom)
        return Slice(
            ns_to_local(time_ns, algorithm_time_zone),
            ns_to_local(time_ns, ZoneInfo("UTC")),
            bars,
            quotes,
            ticks,
            custom,
        )

    def _collect(
        self,
        feed: FeedFrame,
        rows: npt.NDArray[np.int64],
        index: int,
        bars: TradeBars,
        quotes: QuoteBars,
        ticks: Ticks,
        custom: CustomData,
    ) -> None:
        frame, zone = feed.frame, feed.exchange_time_zone
        if isinstance(frame, TickFrame):
            start, stop = int(rows[index]), int(rows[index + 1])
            if stop > start:
                ticks._items.setdefault(frame.symbol, []).extend(
                    frame.tick(i, zone) for i in range(start, stop)
                )
            return
        row = int(rows[index])
        if row < 0:
            return
        if isinstance(frame, TradeBarFrame):
            bars._items[frame.symbol] = frame.bar(row, zone)
        elif isinstance(frame, QuoteBarFrame):
            quotes._items[frame.symbol] = frame.bar(row, zone)
        else:
            custom._items[frame.symbol] = frame.point(row, zone)

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.times)))


def build_slice_batch(feeds: list[FeedFrame]) -> SliceBatch:
    """Merge subscription frames into time-ordered steps (a step per distinct end time)."""
    end_times = [feed.frame.end_time for feed in feeds if len(feed.frame)]
    times = union_of_times(end_times)
    rows: list[npt.NDArray[np.int64]] = []
    for feed in feeds:
        frame_ends = feed.frame.end_time
        if isinstance(feed.frame, TickFrame):
            # Tick rows sharing a step form a run; bounds[i]..bounds[i+1] are step i's rows.
            bounds = np.searchsorted(frame_ends, times, side="left").astype(np.int64)
            rows.append(np.append(bounds, np.int64(len(frame_ends))))
            continue
        step_rows = np.full(len(times), -1, dtype=np.int64)
        step_rows[np.searchsorted(times, frame_ends)] = np.arange(len(frame_ends), dtype=np.int64)
        rows.append(step_rows)
    return SliceBatch(times, tuple(feeds), tuple(rows))


def _default_point(custom: Any, quote: QuoteBar | None, bar: TradeBar | None) -> Any:
    """Return the point `slice[symbol]` shows among a symbol's custom point, quote and trade bar."""
    if custom is not None:
        return custom
    if quote is not None and quote.symbol.security_type != SecurityType.EQUITY:
        return quote
    return bar


def _is_default_tick(tick: Tick) -> bool:
    """Tell whether LEAN's `slice[symbol]` shows this tick: all but an equity's quote ticks."""
    return not (tick.symbol.security_type == SecurityType.EQUITY and tick.tick_type == TickType.QUOTE)
