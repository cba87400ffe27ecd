"""The prices a fill model may use, read from a security's cache (LEAN's `FillModel.GetPrices` and
`EquityFillModel.GetBestEffort*`).

Only data types the security is subscribed to count. Times in the cache are exchange-local and
naive; orders carry UTC times, so every comparison converts through the exchange time zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Final, Literal

from lean_core.data.subscription import SubscriptionDataConfig
from lean_core.enums import OrderDirection, Resolution, TickType
from lean_core.securities.decimals import ZERO, as_utc
from lean_core.securities.exact_data import ExactData, ExactQuoteBar, ExactTick, ExactTradeBar

if TYPE_CHECKING:
    from lean_core.securities.security import Security

__all__ = [
    "QUOTE_BAR",
    "TICK",
    "TRADE_BAR",
    "BestEffortPrice",
    "Prices",
    "best_effort_price",
    "best_effort_trade_bar",
    "data_type_of",
    "extended_market_hours",
    "format_local_time",
    "get_prices",
    "is_exchange_open",
    "quote_or_trade_price",
    "should_wait_for_fresh_data",
    "should_wait_for_fresh_data_on_stale",
    "subscribed_types",
    "to_local",
    "to_utc",
]

TRADE_BAR: Final = "TradeBar"
QUOTE_BAR: Final = "QuoteBar"
TICK: Final = "Tick"
OPEN_INTEREST: Final = "OpenInterest"
_NO_TIME = datetime(1, 1, 1)
_NO_TIME_UTC = datetime(1, 1, 1, tzinfo=UTC)
_ONE_HOUR = timedelta(hours=1)
Side = Literal["ask", "bid"]


def to_utc(security: Security, local: datetime) -> datetime:
    """Convert an exchange-local naive time to aware UTC (LEAN's `DateTime.MinValue` stays minimal)."""
    if local - _NO_TIME < timedelta(days=2):
        return _NO_TIME_UTC
    return local.replace(tzinfo=security.exchange_hours.time_zone).astimezone(UTC)


def to_local(security: Security, utc: datetime) -> datetime:
    """Convert a UTC time (aware, or naive UTC) to exchange-local naive time."""
    return as_utc(utc).astimezone(security.exchange_hours.time_zone).replace(tzinfo=None)


def format_local_time(local: datetime) -> str:
    """Print a time as C#'s invariant culture does ("10/07/2013 09:31:00")."""
    return local.strftime("%m/%d/%Y %H:%M:%S")


@dataclass(frozen=True, slots=True)
class Prices:
    """A bar's times and prices; a zero price stands for the current price (LEAN's `Prices`)."""

    time: datetime
    end_time: datetime
    current: Decimal
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal

    @classmethod
    def of(
        cls,
        time: datetime,
        end_time: datetime,
        current: Decimal,
        open_: Decimal = ZERO,
        high: Decimal = ZERO,
        low: Decimal = ZERO,
        close: Decimal = ZERO,
    ) -> Prices:
        """Build prices, replacing zeros with the current price."""

        def fill(value: Decimal) -> Decimal:
            return current if value == 0 else value

        return cls(time, end_time, current, fill(open_), fill(high), fill(low), fill(close))


# -- subscriptions -------------------------------------------------------------------------------------------
def data_type_of(config: SubscriptionDataConfig) -> str:
    """Return LEAN's data type name a subscription delivers."""
    if config.tick_type == TickType.OPEN_INTEREST:
        return OPEN_INTEREST
    if config.resolution == Resolution.TICK:
        return TICK
    return TRADE_BAR if config.tick_type == TickType.TRADE else QUOTE_BAR


def _configs(security: Security, include_internal: bool) -> list[SubscriptionDataConfig]:
    return [c for c in security.subscriptions if include_internal or not c.is_internal]


def subscribed_types(security: Security, *, include_internal: bool) -> set[str]:
    """Return the subscribed data types; raise when there are none (LEAN cannot fill without data)."""
    types = {data_type_of(c) for c in _configs(security, include_internal)}
    if not types:
        raise ValueError(
            f"Cannot perform fill for {security.symbol.value} because no data subscription were found."
        )
    return types


def _subscribed_types_text(types: Iterable[str]) -> str:
    return f" SubscribedTypes: [{','.join(sorted(types))}]"


def extended_market_hours(security: Security) -> bool:
    """Tell whether a non-internal subscription includes extended hours."""
    return any(c.extended_market_hours for c in _configs(security, False))


# -- exchange hours ----------------------------------------------------------------------------------------
def is_exchange_open(security: Security, extended: bool | None = None) -> bool:
    """Tell whether the exchange is open now, or was during the current (hour or daily) bar.

    `extended=None` takes the flag from the subscriptions, non-internal ones first (LEAN's overload).
    """
    if extended is None:
        extended = _subscriptions_extended(security)
    local = security.local_time
    if local is None:
        return False
    hours = security.exchange_hours
    if hours.is_open(local, extended):
        return True
    bar = security.cache.exact_last_data
    if bar is None:
        return False
    # A large bar counts as open on its day; a small one while the time is inside it.
    on_bar = local.date() == bar.end_time.date() if _period(bar) > _ONE_HOUR else local <= bar.end_time
    return on_bar and hours.is_open_between(bar.time, bar.end_time, extended)


def _subscriptions_extended(security: Security) -> bool:
    configs = security.subscriptions
    if not configs:
        raise ValueError(
            f"Cannot perform fill for {security.symbol.value} because no data subscription were found."
        )
    non_internal = [c for c in configs if not c.is_internal]
    chosen = non_internal or configs
    return any(c.extended_market_hours for c in chosen)


def _period(data: ExactData) -> timedelta:
    return data.end_time - data.time


def should_wait_for_fresh_data(security: Security) -> bool:
    """Tell whether every non-internal subscription is hour or daily (orders then wait for the next bar)."""
    non_internal = _configs(security, False)
    return bool(non_internal) and all(
        c.resolution in (Resolution.HOUR, Resolution.DAILY) for c in non_internal
    )


def should_wait_for_fresh_data_on_stale(
    security: Security, data_end_utc: datetime, order_utc: datetime
) -> bool:
    """Tell whether a stale price is more than one bar of the finest subscription behind the order."""
    if should_wait_for_fresh_data(security):
        return True
    configs = security.subscriptions
    span = min((c.resolution for c in configs), default=Resolution.MINUTE).to_timedelta()
    if span == timedelta(0):
        return False
    return as_utc(order_utc) - data_end_utc > span


# -- prices ------------------------------------------------------------------------------------------------
def get_prices(security: Security, direction: OrderDirection, *, include_internal: bool) -> Prices:
    """Return the prices of the latest tick, quote side (ask to buy, bid to sell) or trade bar subscribed."""
    last = security.cache.exact_last_data
    start = last.time if last is not None else _NO_TIME
    end = last.end_time if last is not None else _NO_TIME
    current = security.exact_price
    fallback = Prices.of(
        start,
        end,
        current,
        security.exact_open,
        security.exact_high,
        security.exact_low,
        security.exact_close,
    )
    if direction == OrderDirection.HOLD:
        return fallback
    types = {data_type_of(c) for c in _configs(security, include_internal)}
    if include_internal and not types:
        subscribed_types(security, include_internal=True)
    sell = direction == OrderDirection.SELL
    tick = security.cache.last_exact_tick
    if tick is not None and TICK in types:
        price = tick.bid_price if sell else tick.ask_price
        if price == 0:
            price = tick.price
        if price != 0:
            return Prices.of(tick.time, tick.end_time, price)
    quote = security.cache.exact_quote_bar
    if quote is not None and QUOTE_BAR in types:
        side = quote.bid if sell else quote.ask
        if side is not None:
            return Prices.of(
                quote.time, quote.end_time, side.close, side.open, side.high, side.low, side.close
            )
    trade = security.cache.exact_trade_bar
    if trade is not None and TRADE_BAR in types:
        return Prices.of(
            trade.time, trade.end_time, trade.close, trade.open, trade.high, trade.low, trade.close
        )
    return fallback


def quote_or_trade_price(security: Security, side: Side) -> tuple[Decimal, datetime]:
    """Return the latest ask (or bid) of quote ticks, quote bars, trade ticks, trade bars, with its time."""
    types = subscribed_types(security, include_internal=True)
    cache = security.cache
    if TICK in types:
        quote = _last_quote_tick(cache.ticks, side)
        if quote is not None:
            return _tick_side(quote, side), quote.end_time
    if QUOTE_BAR in types and cache.exact_quote_bar is not None:
        bar = cache.exact_quote_bar
        return _quote_close(bar, side), bar.end_time
    if TICK in types:
        trade = next(
            (t for t in reversed(cache.ticks) if t.tick_type == TickType.TRADE and t.price > 0), None
        )
        if trade is not None:
            return trade.price, trade.end_time
    if TRADE_BAR in types and cache.exact_trade_bar is not None:
        return cache.exact_trade_bar.close, cache.exact_trade_bar.end_time
    raise ValueError(
        f"Cannot get {side} price to perform fill for {security.symbol.value} because no market data was "
        "found."
    )


def _tick_side(tick: ExactTick, side: Side) -> Decimal:
    return tick.ask_price if side == "ask" else tick.bid_price


def _last_quote_tick(ticks: list[ExactTick], side: Side) -> ExactTick | None:
    return next(
        (t for t in reversed(ticks) if t.tick_type == TickType.QUOTE and _tick_side(t, side) > 0), None
    )


def _quote_close(bar: ExactQuoteBar, side: Side) -> Decimal:
    chosen = bar.ask if side == "ask" else bar.bid
    return chosen.close if chosen is not None else bar.close


@dataclass(frozen=True, slots=True)
class BestEffortPrice:
    """The price an equity order fills at, the warning to attach, and whether the data was stale."""

    price: Decimal
    message: str
    stale: bool = False
    stale_end_utc: datetime | None = None


def _stale_text(security: Security, end_time: datetime) -> str:
    return f"{format_local_time(end_time)} {security.exchange_hours.time_zone.key}"


def best_effort_price(
    security: Security, order_utc: datetime, stale_span: timedelta, side: Side, types: set[str] | None = None
) -> BestEffortPrice:
    """Return the best ask (or bid): the freshest of quote ticks, quote bars, trade ticks and trade bars.

    Data ending before order time - `stale_span` is stale: the freshest such price is used with a warning.
    """
    types = types if types is not None else subscribed_types(security, include_internal=False)
    cutoff = to_local(security, order_utc) - stale_span
    cache = security.cache
    candidates: list[tuple[ExactData, Decimal, str]] = []
    if TICK in types:
        quote = _last_quote_tick(cache.ticks, side)
        if quote is not None:
            text = "Warning: fill at stale price ({stamp}), using Quote Tick data."
            candidates.append((quote, _tick_side(quote, side), text))
    if QUOTE_BAR in types and cache.exact_quote_bar is not None:
        bar = cache.exact_quote_bar
        text = "Warning: fill at stale price ({stamp}), using QuoteBar data."
        candidates.append((bar, _quote_close(bar, side), text))
    if TICK in types:
        trade = next((t for t in reversed(cache.ticks) if t.tick_type == TickType.TRADE), None)
        if trade is not None:
            text = "Warning: No quote information available at {stamp}, order filled using Trade Tick data"
            candidates.append((trade, trade.price, text))
    if TRADE_BAR in types and cache.exact_trade_bar is not None:
        bar_t = cache.exact_trade_bar
        text = "Warning: No quote information available at {stamp}, order filled using TradeBar data"
        candidates.append((bar_t, bar_t.close, text))
    return _pick_best_effort(security, side, types, cutoff, candidates)


def _pick_best_effort(
    security: Security,
    side: Side,
    types: set[str],
    cutoff: datetime,
    candidates: list[tuple[ExactData, Decimal, str]],
) -> BestEffortPrice:
    # Quotes are tried first; trade data only counts when newer than the best quote (LEAN's order).
    # Texts are templates filled only for the message returned: most fills need none of them.
    chosen: tuple[ExactData, Decimal, str] | None = None
    message: tuple[str, ExactData] | None = None
    for data, price, template in candidates:
        if chosen is not None and data.end_time <= chosen[0].end_time:
            continue
        is_trade = isinstance(data, ExactTradeBar) or (
            isinstance(data, ExactTick) and data.tick_type == TickType.TRADE
        )
        if is_trade:
            message = (template, data)
        if data.end_time >= cutoff:
            return BestEffortPrice(price, _message(security, message))
        chosen = (data, price, template)
        message = (template, data)
    if chosen is None:
        raise ValueError(
            f"Cannot get {side} price to perform fill for {security.symbol.value} because no market data "
            "was found." + _subscribed_types_text(types)
        )
    return BestEffortPrice(chosen[1], _message(security, message), True, to_utc(security, chosen[0].end_time))


def _message(security: Security, message: tuple[str, ExactData] | None) -> str:
    """Fill a best-effort template with the time its data ended, in the exchange's zone."""
    if message is None:
        return ""
    template, data = message
    return template.format(stamp=_stale_text(security, data.end_time))


def best_effort_trade_bar(security: Security, order_utc: datetime) -> ExactTradeBar | None:
    """Return the trade bar (built from the step's trade ticks when subscribed) ending after the order."""
    types = subscribed_types(security, include_internal=False)
    bar: ExactTradeBar | None = None
    if TICK in types:
        trades = [t for t in security.cache.ticks if t.tick_type == TickType.TRADE]
        if trades:
            prices = [t.price for t in trades]
            volume = sum((t.quantity for t in trades), ZERO)
            bar = ExactTradeBar(
                trades[0].time, trades[-1].end_time, prices[0], max(prices), min(prices), prices[-1], volume
            )
    elif TRADE_BAR in types:
        bar = security.cache.exact_trade_bar
    if bar is None or to_utc(security, bar.end_time) <= as_utc(order_utc):
        return None
    return bar
