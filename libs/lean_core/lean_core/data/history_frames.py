"""History as pandas DataFrames laid out as LEAN's Python `History()` returns them.

LEAN's layout (its `PandasConverter`), re-derived:

- Rows are indexed by a MultiIndex named ("symbol", "time"): the `Symbol` object and the bar's
  end time, a naive datetime64[ns] in the exchange time zone (the data's own times).
- Trade bars give `open high low close volume`. Quote bars give `askopen askhigh asklow askclose
  asksize bidopen bidhigh bidlow bidclose bidsize` and `open high low close` as mid prices (the
  one side present when the other is missing). When a symbol has both, the two join on time and
  the trade bar's OHLC wins where it exists. Ticks give `askprice asksize bidprice bidsize
  exchange lastprice quantity suspicious`, one row per tick.
- A column whose values are all missing or zero for a symbol is dropped from that symbol's
  rows (forex quote sizes, for instance); columns are sorted by name across symbols.
- No data at all is an empty `pd.DataFrame()`.

`df.loc["SPY"]` works as in LEAN: a lookup that fails with a ticker (or identifier string) is
retried with the `Symbol` of that ticker found in the index; see `install_ticker_lookup`.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pandas as pd

from lean_core.data.bars import QuoteBarFrame, TickFrame, TradeBarFrame
from lean_core.data.normalization import adjusted_price_decimal
from lean_core.data.time_union import union_of_times
from lean_core.enums import TickType
from lean_core.symbols import Symbol

__all__ = [
    "HistoryPart",
    "exact_equity_prices",
    "history_data_frame",
    "install_ticker_lookup",
    "mid_prices",
]

BarFrame = TradeBarFrame | QuoteBarFrame | TickFrame
FloatArray = npt.NDArray[np.float64]
_F = TypeVar("_F", bound=Callable[..., Any])

_INDEX_NAMES = ["symbol", "time"]
_OHLC = ("open", "high", "low", "close")
_PRICE_COLUMNS = {
    "trade": ("open", "high", "low", "close"),
    "quote": tuple(f"{side}_{field}" for side in ("bid", "ask") for field in _OHLC),
}
_QUOTE_ONLY_TICK_COLUMNS = ("askprice", "asksize", "bidprice", "bidsize")
_MARKER = "_lean_ticker_lookup"


@dataclass(frozen=True, slots=True)
class HistoryPart:
    """One subscription's history: its symbol, its frame and the exchange time zone of its times."""

    symbol: Symbol
    frame: BarFrame
    time_zone: ZoneInfo


# --------------------------------------------------------------------------------------------
# Building the frame
# --------------------------------------------------------------------------------------------
def history_data_frame(parts: Sequence[HistoryPart]) -> pd.DataFrame:
    """Return LEAN's DataFrame of the parts: one block of rows per symbol, columns sorted."""
    install_ticker_lookup()
    blocks = [
        block for block in (_symbol_block(symbol, group) for symbol, group in _by_symbol(parts)) if len(block)
    ]
    if not blocks:
        return pd.DataFrame()
    # LEAN concatenates with sort=True (column names sorted) and drops columns empty everywhere.
    joined = pd.concat(blocks, sort=True)
    return joined.dropna(axis=1, how="all")


def _by_symbol(parts: Sequence[HistoryPart]) -> list[tuple[Symbol, list[HistoryPart]]]:
    """Group parts by symbol, symbols in the order their first row arrives (LEAN's slice order)."""
    groups: dict[Symbol, list[HistoryPart]] = {}
    for part in parts:
        groups.setdefault(part.symbol, []).append(part)

    def first_time(item: tuple[int, tuple[Symbol, list[HistoryPart]]]) -> tuple[int, int]:
        position, (_, group) = item
        starts = [int(part.frame.end_time[0]) for part in group if len(part.frame)]
        return (min(starts) if starts else np.iinfo(np.int64).max, position)

    ordered = sorted(enumerate(groups.items()), key=first_time)
    return [entry for _, entry in ordered]


def _symbol_block(symbol: Symbol, parts: list[HistoryPart]) -> pd.DataFrame:
    ticks = [part.frame for part in parts if isinstance(part.frame, TickFrame) and len(part.frame)]
    zone = parts[0].time_zone
    if ticks:
        times, columns = _tick_columns(ticks)
    else:
        trade = next((p.frame for p in parts if isinstance(p.frame, TradeBarFrame) and len(p.frame)), None)
        quote = next((p.frame for p in parts if isinstance(p.frame, QuoteBarFrame) and len(p.frame)), None)
        times, columns = _bar_columns(trade, quote)
    kept = {name: values for name, values in columns.items() if _has_values(values)}
    if not len(times):
        return pd.DataFrame()
    index = pd.MultiIndex.from_arrays(
        [np.full(len(times), symbol, dtype=object), _local_times(times, zone)], names=_INDEX_NAMES
    )
    return pd.DataFrame(kept, index=index)


def _local_times(utc_ns: npt.NDArray[np.int64], zone: ZoneInfo) -> pd.DatetimeIndex:
    """Return UTC nanoseconds as naive datetime64[ns] wall times in `zone`."""
    utc = pd.DatetimeIndex(np.asarray(utc_ns, dtype="datetime64[ns]"), tz="UTC")
    return utc.tz_convert(zone).tz_localize(None)


def _has_values(values: npt.NDArray[Any]) -> bool:
    """Tell whether a column has one value that is not missing, zero, blank or False (LEAN keeps those)."""
    if values.dtype == np.bool_:
        return bool(values.any())
    if values.dtype.kind == "f":
        return bool(np.any(~np.isnan(values) & (values != 0)))
    return any(_meaningful(value) for value in values)


def _meaningful(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, float):
        return not (np.isnan(value) or value == 0)
    return bool(value)


# -- bars -------------------------------------------------------------------------------------
def _bar_columns(
    trade: TradeBarFrame | None, quote: QuoteBarFrame | None
) -> tuple[npt.NDArray[np.int64], dict[str, npt.NDArray[Any]]]:
    ends = [frame.end_time for frame in (trade, quote) if frame is not None]
    if not ends:
        return np.zeros(0, dtype=np.int64), {}
    times = union_of_times(ends)
    columns: dict[str, npt.NDArray[Any]] = {}
    if quote is not None:
        columns.update(_quote_columns(quote, np.searchsorted(times, quote.end_time), len(times)))
    if trade is not None:
        # The trade bar is added after the quote bar and overwrites its mid OHLC at the same time.
        at = np.searchsorted(times, trade.end_time)
        for name in (*_OHLC, "volume"):
            column = columns.setdefault(name, np.full(len(times), np.nan))
            column[at] = getattr(trade, name)
    return times, columns


def _quote_columns(quote: QuoteBarFrame, at: npt.NDArray[np.intp], size: int) -> dict[str, FloatArray]:
    columns: dict[str, FloatArray] = {}
    for side in ("ask", "bid"):
        for name in _OHLC:
            columns[f"{side}{name}"] = _placed(getattr(quote, f"{side}_{name}"), at, size)
        columns[f"{side}size"] = _placed(getattr(quote, f"{side}_size"), at, size)
    for name in _OHLC:
        mid = mid_prices(getattr(quote, f"bid_{name}"), getattr(quote, f"ask_{name}"))
        columns[name] = _placed(mid, at, size)
    return columns


def _placed(values: FloatArray, at: npt.NDArray[np.intp], size: int) -> FloatArray:
    column = np.full(size, np.nan)
    column[at] = values
    return column


def mid_prices(bid: FloatArray, ask: FloatArray) -> FloatArray:
    """Return LEAN's quote mid: (bid + ask) / 2 in decimal, else the side present, else 0."""
    mid = np.where(np.isnan(bid), ask, np.where(np.isnan(ask), bid, np.nan))
    both = np.flatnonzero(~np.isnan(bid) & ~np.isnan(ask))
    # The mid of two decimals, rounded once to a double as LEAN's decimal arithmetic does; float
    # arithmetic on the two doubles can land one unit in the last place away.
    mid[both] = [
        float((Decimal(repr(float(b))) + Decimal(repr(float(a)))) / 2)
        for b, a in zip(bid[both], ask[both], strict=True)
    ]
    return np.where(np.isnan(mid), 0.0, mid)


# -- ticks ------------------------------------------------------------------------------------
def _tick_columns(frames: list[TickFrame]) -> tuple[npt.NDArray[np.int64], dict[str, npt.NDArray[Any]]]:
    """Return one row per tick in time order (trades before quotes at the same time)."""
    times = np.concatenate([frame.time for frame in frames])
    order = np.argsort(times, kind="stable")
    columns: dict[str, npt.NDArray[Any]] = {}
    for name, pieces in _tick_pieces(frames).items():
        columns[name] = np.concatenate(pieces)[order]
    return times[order], columns


def _tick_pieces(frames: list[TickFrame]) -> dict[str, list[npt.NDArray[Any]]]:
    pieces: dict[str, list[npt.NDArray[Any]]] = {}
    for frame in frames:
        is_quote = frame.tick_type == TickType.QUOTE
        size = len(frame)
        values: dict[str, npt.NDArray[Any]] = {
            "askprice": frame.ask_price,
            "asksize": frame.ask_size,
            "bidprice": frame.bid_price,
            "bidsize": frame.bid_size,
            "exchange": np.asarray(frame.exchange, dtype=object),
            "lastprice": frame.value,
            "quantity": frame.quantity,
            "suspicious": frame.suspicious,
        }
        if not is_quote:
            # LEAN leaves the quote fields empty on trade ticks.
            for name in _QUOTE_ONLY_TICK_COLUMNS:
                values[name] = np.full(size, np.nan)
        for name, column in values.items():
            pieces.setdefault(name, []).append(column)
    return pieces


# --------------------------------------------------------------------------------------------
# Exact equity prices
# --------------------------------------------------------------------------------------------
def exact_equity_prices(frame: BarFrame, factors: list[tuple[int, str]]) -> BarFrame:
    """Return a normalised equity bar frame with each price as the double of LEAN's exact decimal.

    The feed scales prices in floating point; LEAN multiplies the file's deci-cents by the
    factor in decimal. `factors` are the feed's (first row, factor) runs. Ticks and frames
    without factors are returned unchanged.
    """
    if not factors or isinstance(frame, TickFrame) or not len(frame):
        return frame
    kind = "trade" if isinstance(frame, TradeBarFrame) else "quote"
    exact: dict[str, Any] = {
        name: _exact_column(getattr(frame, name), factors) for name in _PRICE_COLUMNS[kind]
    }
    return replace(frame, **exact)


def _exact_column(values: FloatArray, factors: list[tuple[int, str]]) -> FloatArray:
    result = values.copy()
    bounds = [start for start, _ in factors[1:]] + [len(values)]
    for (start, text), stop in zip(factors, bounds, strict=True):
        factor = Decimal(text)
        part = values[start:stop]
        present = ~np.isnan(part)
        raw = np.rint(part[present] / float(factor) * 10000).astype(np.int64)
        lookup = {int(r): float(adjusted_price_decimal(int(r), factor)) for r in np.unique(raw)}
        exact = np.array([lookup[int(r)] for r in raw], dtype=np.float64)
        segment = result[start:stop]
        segment[present] = exact
    return result


# --------------------------------------------------------------------------------------------
# Ticker lookups on Symbol-indexed frames
# --------------------------------------------------------------------------------------------
def install_ticker_lookup() -> None:
    """Let pandas lookups take a ticker (or identifier string) where the index holds `Symbol`s.

    LEAN patches pandas the same way (its `PandasMapper`). Ours only acts when a lookup has
    already failed: the key's strings that name a Symbol present in the object's index or
    columns are replaced by that Symbol and the lookup is tried once more; otherwise the
    original error stands. Lookups that work today are untouched.
    """
    if getattr(pd.Index.__contains__, _MARKER, False):
        return
    indexing = importlib.import_module("pandas.core.indexing")
    lookups: list[tuple[type, str, Callable[[Any], list[Symbol]]]] = [
        (indexing._LocationIndexer, "__getitem__", _indexer_symbols),
        (indexing._ScalarAccessIndexer, "__getitem__", _indexer_symbols),
        (pd.DataFrame, "__getitem__", _frame_symbols),
        (pd.Index, "get_loc", _index_symbols),
        (pd.MultiIndex, "get_loc", _index_symbols),
    ]
    for owner, name, symbols_of in lookups:
        setattr(owner, name, _retry_with_symbols(getattr(owner, name), symbols_of))
    # Installed last: its marker tells that every wrapper is in place.
    contains = "__contains__"
    setattr(pd.Index, contains, _contains_with_symbols(getattr(pd.Index, contains)))


def _retry_with_symbols(function: _F, symbols_of: Callable[[Any], list[Symbol]]) -> _F:
    @functools.wraps(function)
    def lookup(owner: Any, key: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return function(owner, key, *args, **kwargs)
        except KeyError as error:
            mapped = _map_key(key, symbols_of(owner))
            if mapped is None:
                raise
            original = error
        try:
            return function(owner, mapped, *args, **kwargs)
        except KeyError:
            raise original from None

    return lookup  # type: ignore[return-value]


def _contains_with_symbols(function: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    @functools.wraps(function)
    def contains(index: Any, key: Any) -> bool:
        if function(index, key):
            return True
        mapped = _map_key(key, _index_symbols(index)) if isinstance(key, str) else None
        return mapped is not None and function(index, mapped)

    setattr(contains, _MARKER, True)
    return contains


def _map_key(key: Any, symbols: list[Symbol]) -> Any:
    """Return the key with ticker strings replaced by their Symbol, or None if nothing maps."""
    if not symbols:
        return None
    table: dict[str, Symbol] = {}
    for symbol in symbols:
        table.setdefault(str(symbol.id), symbol)
        table.setdefault(symbol.value, symbol)
    changed = False

    def convert(item: Any) -> Any:
        nonlocal changed
        if isinstance(item, str) and not isinstance(item, Symbol):
            found = table.get(item) or table.get(item.upper())
            if found is not None:
                changed = True
                return found
            return item
        if isinstance(item, tuple):
            return tuple(convert(part) for part in item)
        if isinstance(item, list):
            return [convert(part) for part in item]
        return item

    mapped = convert(key)
    return mapped if changed else None


def _index_symbols(index: Any) -> list[Symbol]:
    if isinstance(index, pd.MultiIndex):
        return [symbol for level in index.levels for symbol in _index_symbols(level)]
    if not isinstance(index, pd.Index) or index.dtype != object:
        return []
    return [value for value in index if isinstance(value, Symbol)]


def _frame_symbols(frame: Any) -> list[Symbol]:
    return [*_index_symbols(frame.columns), *_index_symbols(frame.index)]


def _indexer_symbols(indexer: Any) -> list[Symbol]:
    owner = getattr(indexer, "obj", None)
    if isinstance(owner, pd.DataFrame):
        return _frame_symbols(owner)
    if isinstance(owner, pd.Series):
        return _index_symbols(owner.index)
    return []
