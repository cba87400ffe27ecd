"""The last known prices of a security (LEAN's `SecurityCache`).

Rules kept from LEAN's `SecurityCache.ProcessDataPoint`:

- fill-forward data never reaches the cache (LEAN keeps regression figures this way);
- trade bars set open/high/low/close, price and volume;
- quote bars set bid/ask and their sizes; they set OHLC and price only for a default data type,
  which an equity quote is not (`SubscriptionManager.IsDefaultDataType`), and a quote bar wins over a
  trade bar with the same end time (crypto, options);
- zero values never overwrite known ones.

Each data point is kept twice: the object user code sees, and an exact view whose prices are the
decimals LEAN would hold (see `PriceConverter`). Both are built when first read, and volumes and
sizes are converted when read: the engine reads little more than the price at every step (see
`cache_entries`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Generic, Protocol, TypeVar, overload

from lean_core.data.bars import Bar, QuoteBar, Tick, TradeBar
from lean_core.enums import TickType
from lean_core.securities.cache_entries import (
    PlainPrices,
    PriceConverter,
    QuoteBarEntry,
    ReadyEntry,
    TradeBarEntry,
)
from lean_core.securities.decimals import ZERO, to_decimal
from lean_core.securities.exact_data import (
    ExactCustomData,
    ExactData,
    ExactQuoteBar,
    ExactTick,
    ExactTradeBar,
)

__all__ = ["MarketData", "PendingData", "SecurityCache"]

MarketData = TradeBar | QuoteBar | Tick
_LastData = TradeBarEntry | QuoteBarEntry | ReadyEntry[Tick, ExactTick]
_Field = Decimal | Callable[[], Decimal]
"""A field's decimal, or what converts it when first read (volumes and sizes)."""
_FIELDS = (
    "price",
    "open",
    "high",
    "low",
    "close",
    "volume",
    "bid_price",
    "ask_price",
    "bid_size",
    "ask_size",
)


class PendingData(Protocol):
    """Data that reached a security but is applied only when the cache is read (see `SecurityCache`)."""

    def catch_up(self) -> None:
        """Apply every data point due by now to the cache."""

    def peek_price(self) -> Decimal | None:
        """Return the price a catch-up would leave, when known without one (else None)."""


_T = TypeVar("_T")


class _Synced(Generic[_T]):
    """A cache field that first applies the pending data, so a read never sees a stale value."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.private = "_" + name

    @overload
    def __get__(self, cache: None, owner: type) -> _Synced[_T]: ...
    @overload
    def __get__(self, cache: SecurityCache, owner: type) -> _T: ...
    def __get__(self, cache: SecurityCache | None, owner: type) -> Any:
        if cache is None:
            return self
        pending = cache._pending
        if pending is not None:
            pending.catch_up()
        return getattr(cache, self.private)


class SecurityCache:
    """The security's last prices and last data of each kind.

    The engine may attach a `PendingData` instead of pushing every data point: prices of a
    security nobody reads then cost nothing, and every read of a field catches up first.
    """

    trade_ticks: _Synced[list[ExactTick]] = _Synced()
    quote_ticks: _Synced[list[ExactTick]] = _Synced()
    last_tick: _Synced[Tick | None] = _Synced()
    last_custom_data: _Synced[object | None] = _Synced()

    def __init__(self, *, is_equity: bool = False, converter: PriceConverter | None = None) -> None:
        self.is_equity = is_equity
        self.converter: PriceConverter = PlainPrices() if converter is None else converter
        self._pending: PendingData | None = None
        self.reset()

    def attach(self, pending: PendingData | None) -> None:
        """Take data from `pending` when read (None: only what is pushed through the update methods)."""
        self._pending = pending

    def _synced(self) -> SecurityCache:
        pending = self._pending
        if pending is not None:
            pending.catch_up()
        return self

    def reset(self) -> None:
        """Forget every price and data point."""
        self._exact: dict[str, _Field] = dict.fromkeys(_FIELDS, ZERO)
        self._last: _LastData | None = None
        self._exact_last: _LastData | ReadyEntry[object, ExactCustomData] | None = None
        self._trade: TradeBarEntry | None = None
        self._quote: QuoteBarEntry | None = None
        self._trade_ticks: list[ExactTick] = []
        self._quote_ticks: list[ExactTick] = []
        self._last_tick: Tick | None = None
        self._last_custom_data: object | None = None
        self._last_quote_bar_update: datetime | None = None
        self._last_ohlc_update: datetime | None = None

    # -- exact prices ---------------------------------------------------------------------------------------
    def exact_value(self, name: str) -> Decimal:
        """Return one last known value by name (`price`, `open`, ..., `ask_size`) as a decimal."""
        pending = self._pending
        if pending is not None and name == "price":
            # The portfolio value reads a held security's price every step: no catch-up for that.
            price = pending.peek_price()
            if price is not None:
                return price
        fields = self._synced()._exact
        value = fields[name]
        if not isinstance(value, Decimal):
            value = fields[name] = value()
        return value

    @property
    def exact(self) -> dict[str, Decimal]:
        """Return every last known value by name as decimals (a snapshot)."""
        return {name: self.exact_value(name) for name in _FIELDS}

    def settle(self) -> None:
        """Convert and build all that waits for a read, so that nothing holds on to a finished batch."""
        for name in _FIELDS:
            self.exact_value(name)
        for entry in (self._trade, self._quote, self._last, self._exact_last):
            if entry is not None:
                entry.settle()

    # -- data points --------------------------------------------------------------------------------------
    @property
    def last_data(self) -> MarketData | None:
        """Return the last data point of the default data type."""
        entry = self._synced()._last
        return None if entry is None else entry.point()

    @property
    def exact_last_data(self) -> ExactData | None:
        """Return the exact view of the last default-type point (or of the last custom data)."""
        entry = self._synced()._exact_last
        return None if entry is None else entry.exact()

    @property
    def exact_last_value(self) -> Decimal | None:
        """Return the value of `exact_last_data` without building the view (None without data)."""
        entry = self._synced()._exact_last
        return None if entry is None else entry.exact_value()

    @property
    def last_trade_bar(self) -> TradeBar | None:
        """Return the last real trade bar."""
        entry = self._synced()._trade
        return None if entry is None else entry.point()

    @property
    def exact_trade_bar(self) -> ExactTradeBar | None:
        """Return the last real trade bar's exact view."""
        entry = self._synced()._trade
        return None if entry is None else entry.exact()

    @property
    def exact_trade_close(self) -> Decimal | None:
        """Return the last real trade bar's close, without building its exact view."""
        entry = self._synced()._trade
        return None if entry is None else entry.close

    @property
    def last_quote_bar(self) -> QuoteBar | None:
        """Return the last real quote bar."""
        entry = self._synced()._quote
        return None if entry is None else entry.point()

    @property
    def exact_quote_bar(self) -> ExactQuoteBar | None:
        """Return the last real quote bar's exact view."""
        entry = self._synced()._quote
        return None if entry is None else entry.exact()

    # -- float view (user code) ---------------------------------------------------------------------------
    @property
    def price(self) -> float:
        """Return the last price (float)."""
        return float(self.exact_value("price"))

    @property
    def open(self) -> float:
        """Return the last open (float)."""
        return float(self.exact_value("open"))

    @property
    def high(self) -> float:
        """Return the last high (float)."""
        return float(self.exact_value("high"))

    @property
    def low(self) -> float:
        """Return the last low (float)."""
        return float(self.exact_value("low"))

    @property
    def close(self) -> float:
        """Return the last close (float)."""
        return float(self.exact_value("close"))

    @property
    def volume(self) -> float:
        """Return the last volume (float)."""
        return float(self.exact_value("volume"))

    @property
    def bid_price(self) -> float:
        """Return the last bid (float)."""
        return float(self.exact_value("bid_price"))

    @property
    def ask_price(self) -> float:
        """Return the last ask (float)."""
        return float(self.exact_value("ask_price"))

    @property
    def bid_size(self) -> float:
        """Return the last bid size (float)."""
        return float(self.exact_value("bid_size"))

    @property
    def ask_size(self) -> float:
        """Return the last ask size (float)."""
        return float(self.exact_value("ask_size"))

    # -- updates -----------------------------------------------------------------------------------------
    def update_trade_bar(self, bar: TradeBar) -> None:
        """Take a trade bar (fill-forward bars are ignored)."""
        if bar.is_fill_forward:
            return
        values = (bar.open, bar.high, bar.low, bar.close, bar.volume)
        converter = self.converter
        self.take_trade_bar(
            TradeBarEntry(bar.time, bar.end_time, values, converter, converter.price_factor, bar)
        )

    def update_quote_bar(self, bar: QuoteBar) -> None:
        """Take a quote bar (fill-forward bars are ignored)."""
        if bar.is_fill_forward:
            return
        sides = (_side_values(bar.bid), _side_values(bar.ask))
        sizes = (bar.last_bid_size, bar.last_ask_size)
        converter = self.converter
        self.take_quote_bar(
            QuoteBarEntry(bar.time, bar.end_time, sides, sizes, converter, converter.price_factor, bar)
        )

    def take_trade_bar(self, entry: TradeBarEntry) -> None:
        """Take a real (not filled-forward) trade bar."""
        self._trade = entry
        self._set_last_data(entry, is_default=True)
        self._set_ohlc(entry.end_time, entry.open, entry.high, entry.low, entry.close)
        if entry.volume != 0:  # a float and its shortest decimal are zero together: convert when read
            self._exact["volume"] = entry.exact_volume

    def take_quote_bar(self, entry: QuoteBarEntry) -> None:
        """Take a real (not filled-forward) quote bar."""
        is_default = not self.is_equity
        self._quote = entry
        self._set_last_data(entry, is_default=is_default)
        if is_default:  # an equity quote sets no OHLC: skip its exact view and mids
            exact = entry.exact()
            self._set_ohlc(entry.end_time, exact.open, exact.high, exact.low, exact.close)
        self._last_quote_bar_update = entry.end_time
        if entry.ask_close is not None:
            self._set_if_nonzero("ask_price", entry.ask_close)
        if entry.bid_close is not None:
            self._set_if_nonzero("bid_price", entry.bid_close)
        if entry.bid_size != 0:  # as the volume: converted when read
            self._exact["bid_size"] = entry.exact_bid_size
        if entry.ask_size != 0:
            self._exact["ask_size"] = entry.exact_ask_size

    def update_ticks(self, ticks: Sequence[Tick]) -> None:
        """Take the ticks of one time step, all of one tick type (LEAN keeps the step's list per type)."""
        if not ticks:
            return
        factor = self.converter.price_factor
        exact_ticks = [self._to_exact_tick(tick, factor) for tick in ticks]
        if ticks[-1].tick_type == TickType.TRADE:
            self._trade_ticks = exact_ticks
        elif ticks[-1].tick_type == TickType.QUOTE:
            self._quote_ticks = exact_ticks
        for tick, exact in zip(ticks, exact_ticks, strict=True):
            self._process_tick(tick, exact)

    def update_tick(self, tick: Tick) -> None:
        """Take a single tick."""
        self.update_ticks([tick])

    def update_custom_data(self, data: object, exact: ExactCustomData, *, is_fill_forward: bool) -> None:
        """Take a custom data point: its value sets the price unless zero (LEAN's base data rule)."""
        if is_fill_forward:
            return
        self._last_custom_data, self._exact_last = data, ReadyEntry(data, exact)
        self._set_if_nonzero("price", exact.value)

    def _process_tick(self, tick: Tick, exact: ExactTick) -> None:
        if tick.tick_type == TickType.OPEN_INTEREST:
            return
        self._last_tick = tick
        is_default = not (self.is_equity and tick.tick_type == TickType.QUOTE)
        if is_default:
            self._set_last_data(ReadyEntry(tick, exact), is_default=True)
        self._set_if_nonzero("price", exact.price)
        if tick.tick_type == TickType.TRADE:
            self._set_if_nonzero("volume", exact.quantity)
            return
        for name in ("bid_price", "bid_size", "ask_price", "ask_size"):
            self._set_if_nonzero(name, getattr(exact, name))

    def _set_last_data(self, entry: _LastData, *, is_default: bool) -> None:
        # A trade bar ending with the last quote bar does not replace it: fills prefer quotes.
        if not is_default:
            return
        if (
            self._last is None
            or self._last_quote_bar_update != entry.end_time
            or not isinstance(entry, TradeBarEntry)
        ):
            self._last = self._exact_last = entry

    def _set_ohlc(
        self, end_time: datetime, open_: Decimal, high: Decimal, low: Decimal, close: Decimal
    ) -> None:
        if self._last_quote_bar_update == end_time and self._last_ohlc_update == end_time:
            return
        self._last_ohlc_update = end_time
        self._set_if_nonzero("open", open_)
        self._set_if_nonzero("high", high)
        self._set_if_nonzero("low", low)
        if close != 0:
            self._exact["price"] = close
            self._exact["close"] = close

    def _set_if_nonzero(self, name: str, value: Decimal) -> None:
        if value != 0:
            self._exact[name] = value

    # -- exact views -------------------------------------------------------------------------------------
    def _to_exact_tick(self, tick: Tick, factor: Decimal) -> ExactTick:
        convert = self.converter.to_exact_at
        bid = convert(tick.bid_price, True, factor) if tick.bid_price else ZERO
        ask = convert(tick.ask_price, True, factor) if tick.ask_price else ZERO
        if tick.tick_type == TickType.QUOTE and bid != 0 and ask != 0:
            price = (bid + ask) / 2
        elif tick.tick_type == TickType.QUOTE:
            price = bid if bid != 0 else ask
        else:
            price = convert(tick.value, True, factor) if tick.value else ZERO
        return ExactTick(
            tick.time,
            tick.tick_type,
            price,
            to_decimal(tick.quantity),
            bid,
            to_decimal(tick.bid_size),
            ask,
            to_decimal(tick.ask_size),
            tick.exchange,
            tick.sale_condition,
        )

    # -- queries -----------------------------------------------------------------------------------------
    @property
    def has_data(self) -> bool:
        """Tell whether a data point of the default type arrived (LEAN's `HasData`)."""
        if self._last is None and self._last_custom_data is None:
            self._synced()  # data once arrived stays: only a cache without any needs a catch-up
        return self._last is not None or self._last_custom_data is not None

    @property
    def ticks(self) -> list[ExactTick]:
        """Return the last step's trade ticks followed by its quote ticks (LEAN's `GetAll<Tick>`)."""
        return [*self.trade_ticks, *self.quote_ticks]

    @property
    def last_exact_tick(self) -> ExactTick | None:
        """Return the latest tick LEAN's `GetData<Tick>` gives: the later of the last quote and trade."""
        quote = self.quote_ticks[-1] if self.quote_ticks and not self.is_equity else None
        trade = self.trade_ticks[-1] if self.trade_ticks else None
        if quote is not None and trade is not None:
            return quote if quote.end_time > trade.end_time else trade
        return quote or trade


def _side_values(side: Bar | None) -> tuple[float, float, float, float] | None:
    return None if side is None else (side.open, side.high, side.low, side.close)
