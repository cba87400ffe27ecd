"""The last known prices of a security (LEAN's `SecurityCache`).

Rules kept from LEAN's `SecurityCache.ProcessDataPoint`:

- fill-forward data never reaches the cache (LEAN keeps regression figures this way);
- trade bars set open/high/low/close, price and volume;
- quote bars set bid/ask and their sizes; they set OHLC and price only for a default data type,
  which an equity quote is not (`SubscriptionManager.IsDefaultDataType`), and a quote bar wins over a
  trade bar with the same end time (crypto, options);
- zero values never overwrite known ones.

Each data point is kept twice: the object user code sees, and an exact view whose prices are the
decimals LEAN would hold (see `PriceConverter`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Generic, Protocol, TypeVar, overload

from lean_core.data.bars import Bar, QuoteBar, Tick, TradeBar
from lean_core.enums import TickType
from lean_core.securities.decimals import ZERO, to_decimal
from lean_core.securities.exact_data import (
    ExactBar,
    ExactCustomData,
    ExactData,
    ExactQuoteBar,
    ExactTick,
    ExactTradeBar,
)

__all__ = [
    "MarketData",
    "PendingData",
    "PriceConverter",
    "SecurityCache",
    "default_price_converter",
]

#: Turns a float price into LEAN's decimal; the flag tells a tick price from a bar price.
PriceConverter = Callable[[float, bool], Decimal]
MarketData = TradeBar | QuoteBar | Tick


def default_price_converter(value: float, is_tick: bool) -> Decimal:
    """Return the float's shortest decimal: LEAN's value for prices stored as plain decimals."""
    return to_decimal(value)


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

    exact: _Synced[dict[str, Decimal]] = _Synced()
    last_data: _Synced[MarketData | None] = _Synced()
    exact_last_data: _Synced[ExactData | None] = _Synced()
    last_trade_bar: _Synced[TradeBar | None] = _Synced()
    exact_trade_bar: _Synced[ExactTradeBar | None] = _Synced()
    last_quote_bar: _Synced[QuoteBar | None] = _Synced()
    exact_quote_bar: _Synced[ExactQuoteBar | None] = _Synced()
    trade_ticks: _Synced[list[ExactTick]] = _Synced()
    quote_ticks: _Synced[list[ExactTick]] = _Synced()
    last_tick: _Synced[Tick | None] = _Synced()
    last_custom_data: _Synced[object | None] = _Synced()

    def __init__(
        self, *, is_equity: bool = False, converter: PriceConverter = default_price_converter
    ) -> None:
        self.is_equity = is_equity
        self.converter = converter
        self._pending: PendingData | None = None
        self.reset()

    def attach(self, pending: PendingData | None) -> None:
        """Take data from `pending` when read (None: only what is pushed through the update methods)."""
        self._pending = pending

    def reset(self) -> None:
        """Forget every price and data point."""
        self._exact: dict[str, Decimal] = dict.fromkeys(_FIELDS, ZERO)
        self._last_data: MarketData | None = None
        self._exact_last_data: ExactData | None = None
        self._last_trade_bar: TradeBar | None = None
        self._exact_trade_bar: ExactTradeBar | None = None
        self._last_quote_bar: QuoteBar | None = None
        self._exact_quote_bar: ExactQuoteBar | None = None
        self._trade_ticks: list[ExactTick] = []
        self._quote_ticks: list[ExactTick] = []
        self._last_tick: Tick | None = None
        self._last_custom_data: object | None = None
        self._last_quote_bar_update: datetime | None = None
        self._last_ohlc_update: datetime | None = None

    # -- float view (user code) ---------------------------------------------------------------------------
    @property
    def price(self) -> float:
        """Return the last price (float)."""
        return float(self.exact["price"])

    @property
    def open(self) -> float:
        """Return the last open (float)."""
        return float(self.exact["open"])

    @property
    def high(self) -> float:
        """Return the last high (float)."""
        return float(self.exact["high"])

    @property
    def low(self) -> float:
        """Return the last low (float)."""
        return float(self.exact["low"])

    @property
    def close(self) -> float:
        """Return the last close (float)."""
        return float(self.exact["close"])

    @property
    def volume(self) -> float:
        """Return the last volume (float)."""
        return float(self.exact["volume"])

    @property
    def bid_price(self) -> float:
        """Return the last bid (float)."""
        return float(self.exact["bid_price"])

    @property
    def ask_price(self) -> float:
        """Return the last ask (float)."""
        return float(self.exact["ask_price"])

    @property
    def bid_size(self) -> float:
        """Return the last bid size (float)."""
        return float(self.exact["bid_size"])

    @property
    def ask_size(self) -> float:
        """Return the last ask size (float)."""
        return float(self.exact["ask_size"])

    # -- updates -----------------------------------------------------------------------------------------
    def update_trade_bar(self, bar: TradeBar) -> None:
        """Take a trade bar (fill-forward bars are ignored)."""
        if bar.is_fill_forward:
            return
        exact = self._to_exact_trade_bar(bar)
        self._last_trade_bar, self._exact_trade_bar = bar, exact
        self._set_last_data(bar, exact, is_default=True)
        self._set_ohlc(exact.end_time, exact.open, exact.high, exact.low, exact.close)
        self._set_if_nonzero("volume", exact.volume)

    def update_quote_bar(self, bar: QuoteBar) -> None:
        """Take a quote bar (fill-forward bars are ignored)."""
        if bar.is_fill_forward:
            return
        exact = self._to_exact_quote_bar(bar)
        is_default = not self.is_equity
        self._last_quote_bar, self._exact_quote_bar = bar, exact
        self._set_last_data(bar, exact, is_default=is_default)
        if is_default:  # an equity quote sets no OHLC: skip computing its mids
            self._set_ohlc(exact.end_time, exact.open, exact.high, exact.low, exact.close)
        self._last_quote_bar_update = exact.end_time
        if exact.ask is not None:
            self._set_if_nonzero("ask_price", exact.ask.close)
        if exact.bid is not None:
            self._set_if_nonzero("bid_price", exact.bid.close)
        self._set_if_nonzero("bid_size", exact.last_bid_size)
        self._set_if_nonzero("ask_size", exact.last_ask_size)

    def update_ticks(self, ticks: Sequence[Tick]) -> None:
        """Take the ticks of one time step, all of one tick type (LEAN keeps the step's list per type)."""
        if not ticks:
            return
        exact_ticks = [self._to_exact_tick(tick) for tick in ticks]
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
        self._last_custom_data, self._exact_last_data = data, exact
        self._set_if_nonzero("price", exact.value)

    def _process_tick(self, tick: Tick, exact: ExactTick) -> None:
        if tick.tick_type == TickType.OPEN_INTEREST:
            return
        self._last_tick = tick
        is_default = not (self.is_equity and tick.tick_type == TickType.QUOTE)
        self._set_last_data(tick, exact, is_default=is_default)
        self._set_if_nonzero("price", exact.price)
        if tick.tick_type == TickType.TRADE:
            self._set_if_nonzero("volume", exact.quantity)
            return
        for name in ("bid_price", "bid_size", "ask_price", "ask_size"):
            self._set_if_nonzero(name, getattr(exact, name))

    def _set_last_data(self, data: MarketData, exact: ExactData, *, is_default: bool) -> None:
        # A trade bar ending with the last quote bar does not replace it: fills prefer quotes.
        if not is_default:
            return
        if (
            self._last_data is None
            or self._last_quote_bar_update != exact.end_time
            or not isinstance(data, TradeBar)
        ):
            self._last_data, self._exact_last_data = data, exact

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
    def _to_exact_trade_bar(self, bar: TradeBar) -> ExactTradeBar:
        convert = self.converter
        return ExactTradeBar(
            bar.time,
            bar.end_time,
            convert(bar.open, False),
            convert(bar.high, False),
            convert(bar.low, False),
            convert(bar.close, False),
            to_decimal(bar.volume),
        )

    def _exact_side(self, side: Bar | None) -> ExactBar | None:
        if side is None:
            return None
        convert = self.converter
        return ExactBar(
            convert(side.open, False),
            convert(side.high, False),
            convert(side.low, False),
            convert(side.close, False),
        )

    def _to_exact_quote_bar(self, bar: QuoteBar) -> ExactQuoteBar:
        return ExactQuoteBar(
            bar.time,
            bar.end_time,
            self._exact_side(bar.bid),
            self._exact_side(bar.ask),
            to_decimal(bar.last_bid_size),
            to_decimal(bar.last_ask_size),
        )

    def _to_exact_tick(self, tick: Tick) -> ExactTick:
        convert = self.converter
        bid = convert(tick.bid_price, True) if tick.bid_price else ZERO
        ask = convert(tick.ask_price, True) if tick.ask_price else ZERO
        if tick.tick_type == TickType.QUOTE and bid != 0 and ask != 0:
            price = (bid + ask) / 2
        elif tick.tick_type == TickType.QUOTE:
            price = bid if bid != 0 else ask
        else:
            price = convert(tick.value, True) if tick.value else ZERO
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
        return self.last_data is not None or self.last_custom_data is not None

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
