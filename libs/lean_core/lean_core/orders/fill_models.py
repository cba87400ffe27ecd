"""Fill models: whether an order fills on the current data, at what price (LEAN's `FillModel`,
`EquityFillModel`).

`FillModel` is LEAN's `ImmediateFillModel`: market orders fill at the latest subscribed price (ask
to buy, bid to sell), resting orders on data newer than the order. `EquityFillModel` buys at the
quote-bar ask close and sells at the bid close, falling back on trade data with a warning, and fills
limit and stop orders on the trade bar, at the open when the bar gaps through the price.

`fill` returns None while the order cannot fill. It may change the order: a stop-limit order's
`stop_triggered`, a limit-if-touched order's `trigger_touched` and a trailing stop's `stop_price`
(reported through `on_order_updated` for the first and last, as LEAN's brokerage does).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from lean_core.enums import OrderDirection, OrderStatus, OrderType
from lean_core.orders.orders import Order
from lean_core.securities import market_prices as mp
from lean_core.securities.decimals import ONE, ZERO, as_utc, format_decimal
from lean_core.securities.official_prints import official_close, official_open

if TYPE_CHECKING:
    from lean_core.securities.exact_data import ExactTradeBar
    from lean_core.securities.security import Security

__all__ = [
    "DEFAULT_STALE_PRICE_SPAN",
    "EquityFillModel",
    "Fill",
    "FillModel",
    "ImmediateFillModel",
    "trailing_stop_from_market",
    "trailing_stop_price",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: LEAN's `Settings.StalePriceTimeSpan`.
DEFAULT_STALE_PRICE_SPAN = timedelta(hours=1)
OrderUpdated = Callable[[Order], None]


@dataclass(frozen=True, slots=True)
class Fill:
    """A fill of the whole order at `fill_price` (LEAN fills completely or not at all)."""

    status: OrderStatus
    fill_price: Decimal
    fill_quantity: Decimal
    message: str = ""


@dataclass(frozen=True, slots=True)
class FillParameters:
    """What a fill call knows besides the security and the order."""

    utc_time: datetime
    stale_price_span: timedelta
    on_order_updated: OrderUpdated


def _ignore(order: Order) -> None:
    """Discard an order update."""


def trailing_stop_price(
    market_price: Decimal,
    stop_price: Decimal,
    amount: Decimal,
    as_percentage: bool,
    direction: OrderDirection,
) -> Decimal | None:
    """Return the trailed stop price when the market moved further than the trailing amount, else None."""
    distance = market_price - stop_price if direction == OrderDirection.SELL else stop_price - market_price
    reference = market_price * amount if as_percentage else amount
    if distance <= reference:
        return None
    return trailing_stop_from_market(market_price, amount, as_percentage, direction)


def trailing_stop_from_market(
    market_price: Decimal, amount: Decimal, as_percentage: bool, direction: OrderDirection
) -> Decimal:
    """Return the stop price that trails `market_price` by the amount (or fraction) on the order's side."""
    if as_percentage:
        factor = ONE + amount if direction == OrderDirection.BUY else ONE - amount
        return market_price * factor
    return market_price + amount if direction == OrderDirection.BUY else market_price - amount


def _filled(order: Order, price: Decimal, message: str = "") -> Fill:
    return Fill(OrderStatus.FILLED, price, order.quantity, message)


def _slipped(price: Decimal, slip: Decimal, direction: OrderDirection) -> Decimal:
    return price + slip if direction == OrderDirection.BUY else price - slip


class FillModel:
    """LEAN's base (immediate) fill model, used for every security but equities."""

    def __init__(self) -> None:
        self.parameters = FillParameters(_EPOCH, DEFAULT_STALE_PRICE_SPAN, _ignore)

    def fill(
        self,
        security: Security,
        order: Order,
        utc_time: datetime,
        *,
        stale_price_span: timedelta = DEFAULT_STALE_PRICE_SPAN,
        on_order_updated: OrderUpdated | None = None,
    ) -> Fill | None:
        """Return the fill of `order` at `utc_time`, or None when it does not fill now."""
        security.set_utc_time(utc_time)
        self.parameters = FillParameters(as_utc(utc_time), stale_price_span, on_order_updated or _ignore)
        if order.status == OrderStatus.CANCELED:
            return None
        handlers: dict[OrderType, Callable[[Security, Order], Fill | None]] = {
            OrderType.MARKET: self.market_fill,
            OrderType.LIMIT: self.limit_fill,
            OrderType.LIMIT_IF_TOUCHED: self.limit_if_touched_fill,
            OrderType.STOP_MARKET: self.stop_market_fill,
            OrderType.TRAILING_STOP: self.trailing_stop_fill,
            OrderType.STOP_LIMIT: self.stop_limit_fill,
            OrderType.MARKET_ON_OPEN: self.market_on_open_fill,
            OrderType.MARKET_ON_CLOSE: self.market_on_close_fill,
        }
        handler = handlers.get(order.type)
        if handler is None:
            raise ValueError(f"{order.type.name} orders have no fill model yet")
        return handler(security, order)

    # -- helpers ---------------------------------------------------------------------------------------------
    def get_prices(self, security: Security, direction: OrderDirection) -> mp.Prices:
        """Return the prices this model fills from."""
        return mp.get_prices(security, direction, include_internal=True)

    def _fresh_prices(self, security: Security, order: Order, extended: bool | None) -> mp.Prices | None:
        """Return the prices while the exchange is open and they end after the order, else None."""
        if not mp.is_exchange_open(security, extended):
            return None
        prices = self.get_prices(security, order.direction)
        return prices if mp.to_utc(security, prices.end_time) > as_utc(order.time) else None

    def _stop_fill(
        self, security: Security, order: Order, prices: mp.Prices, *, touching: bool
    ) -> Fill | None:
        """Fill once the price crosses the stop (or reaches it, `touching`): a sell at min(stop, price -
        slippage), a buy at max(stop, price + slippage)."""
        stop = order.stop_price or ZERO
        slip = self._slip(security, order)
        if order.direction == OrderDirection.SELL:
            crossed = prices.low <= stop if touching else prices.low < stop
            return _filled(order, min(stop, prices.current - slip)) if crossed else None
        if order.direction == OrderDirection.BUY:
            crossed = prices.high >= stop if touching else prices.high > stop
            return _filled(order, max(stop, prices.current + slip)) if crossed else None
        return None

    @staticmethod
    def _slip(security: Security, order: Order) -> Decimal:
        return security.slippage_model.get_slippage_approximation(security, order)

    # -- order types -----------------------------------------------------------------------------------------
    def market_fill(self, security: Security, order: Order) -> Fill | None:
        """Fill at the latest price; a stale price fills with a warning unless it is more than a bar old."""
        if not mp.is_exchange_open(security, False):
            return None
        prices = self.get_prices(security, order.direction)
        end_utc = mp.to_utc(security, prices.end_time)
        message = ""
        if end_utc + self.parameters.stale_price_span < as_utc(order.time):
            if mp.should_wait_for_fresh_data_on_stale(security, end_utc, order.time):
                return None
            zone = security.exchange_hours.time_zone.key
            message = f"Warning: fill at stale price ({mp.format_local_time(prices.end_time)} {zone})"
        price = prices.current
        # With only hour/daily data, an order resting before the bar began fills at its open.
        resting = as_utc(order.time) <= mp.to_utc(security, prices.time)
        if prices.open != 0 and mp.should_wait_for_fresh_data(security) and resting:
            price = prices.open
        return _filled(order, _slipped(price, self._slip(security, order), order.direction), message)

    def stop_market_fill(self, security: Security, order: Order) -> Fill | None:
        """Sell when the low crosses below the stop, at min(stop, price - slippage); buys mirror."""
        prices = self._fresh_prices(security, order, False)
        return None if prices is None else self._stop_fill(security, order, prices, touching=False)

    def trailing_stop_fill(self, security: Security, order: Order) -> Fill | None:
        """Fill like a stop (touching counts); else trail the stop behind the high (sell) or low (buy)."""
        prices = self._fresh_prices(security, order, False)
        if prices is None:
            return None
        filled = self._stop_fill(security, order, prices, touching=True)
        if filled is not None:
            return filled
        market = prices.high if order.direction == OrderDirection.SELL else prices.low
        stop, amount = order.stop_price or ZERO, order.trailing_amount or ZERO
        updated = trailing_stop_price(market, stop, amount, order.trailing_as_percentage, order.direction)
        if updated is not None:
            order.stop_price = updated
            self.parameters.on_order_updated(order)
        return None

    def stop_limit_fill(self, security: Security, order: Order) -> Fill | None:
        """Trigger on the stop, then fill when the price beats the limit, at the bar's worst price."""
        prices = self._fresh_prices(security, order, None)
        return None if prices is None else self._stop_limit(order, prices)

    def _stop_limit(self, order: Order, prices: mp.Prices) -> Fill | None:
        stop, limit = order.stop_price or ZERO, order.limit_price or ZERO
        buy = order.direction == OrderDirection.BUY
        crossed = prices.high > stop if buy else prices.low < stop
        if not (crossed or order.stop_triggered):
            return None
        if not order.stop_triggered:
            order.stop_triggered = True
            self.parameters.on_order_updated(order)
        if buy and prices.current < limit:
            return _filled(order, min(prices.high, limit))
        if not buy and prices.current > limit:
            return _filled(order, max(prices.low, limit))
        return None

    def limit_if_touched_fill(self, security: Security, order: Order) -> Fill | None:
        """Once the trade price touches the trigger, fill at the limit when the quote allows it."""
        if not mp.is_exchange_open(security):
            return None
        high = low = ZERO
        end = datetime.min
        types = mp.subscribed_types(security, include_internal=True)
        if mp.TICK in types:
            prices = self.get_prices(security, order.direction)
            high = low = prices.current
            end = prices.end_time
        elif mp.TRADE_BAR in types and security.cache.exact_trade_bar is not None:
            bar = security.cache.exact_trade_bar
            high, low, end = bar.high, bar.low, bar.end_time
        if mp.to_utc(security, end) <= as_utc(order.time):
            return None
        trigger, limit = order.trigger_price or ZERO, order.limit_price or ZERO
        if order.direction == OrderDirection.SELL and (high >= trigger or order.trigger_touched):
            order.trigger_touched = True
            if mp.quote_or_trade_price(security, "ask")[0] >= limit:
                return _filled(order, limit)
        elif order.direction == OrderDirection.BUY and (low <= trigger or order.trigger_touched):
            order.trigger_touched = True
            if mp.quote_or_trade_price(security, "bid")[0] <= limit:
                return _filled(order, limit)
        return None

    def limit_fill(self, security: Security, order: Order) -> Fill | None:
        """Buy when the low crosses below the limit, at min(high, limit); sells mirror."""
        prices = self._fresh_prices(security, order, None)
        if prices is None:
            return None
        limit = order.limit_price or ZERO
        if order.direction == OrderDirection.BUY and prices.low < limit:
            return _filled(order, min(prices.high, limit))
        if order.direction == OrderDirection.SELL and prices.high > limit:
            return _filled(order, max(prices.low, limit))
        return None

    def market_on_open_fill(self, security: Security, order: Order) -> Fill | None:
        """Fill at the open of the first bar after the order once the market opened (not the same day)."""
        _refuse_always_open(security, order)
        current = security.cache.exact_last_data
        local_order = mp.to_local(security, order.time)
        if current is None or local_order >= current.end_time:
            return None
        local = security.local_time
        hours = security.exchange_hours
        if hours.is_open(local_order, False) and local is not None and local_order.date() == local.date():
            return None
        if not mp.is_exchange_open(security, False):
            return None
        price = self.get_prices(security, order.direction).open
        return _filled(order, _slipped(price, self._slip(security, order), order.direction))

    def market_on_close_fill(self, security: Security, order: Order) -> Fill | None:
        """Fill at the close once the market has closed after the order."""
        _refuse_always_open(security, order)
        if not self._close_reached(security, order):
            return None
        price = self.get_prices(security, order.direction).close
        return _filled(order, _slipped(price, self._slip(security, order), order.direction))

    @staticmethod
    def _close_reached(security: Security, order: Order) -> bool:
        local_order = mp.to_local(security, order.time)
        next_close = security.exchange_hours.get_next_market_close(local_order, False)
        local = security.local_time
        return local is not None and local >= next_close


#: LEAN's name for the base model.
ImmediateFillModel = FillModel


def _refuse_always_open(security: Security, order: Order) -> None:
    if security.exchange_hours.is_always_open:
        kind = "MarketOnOpen" if order.type == OrderType.MARKET_ON_OPEN else "MarketOnClose"
        raise ValueError(
            f"Market never closes for this symbol {security.symbol.value}, can no submit a {kind} order."
        )


def _quote_data_message(security: Security) -> str:
    local = security.local_time or datetime.min
    return (
        f"Warning: No trade information available at {mp.format_local_time(local)} "
        f"{security.exchange_hours.time_zone.key}, order filled using Quote data"
    )


def _gap_message(security: Security, bar: ExactTradeBar, favorable: bool) -> str:
    kind = "a favorable" if favorable else "an unfavorable"
    return (
        f"Due to {kind} gap at {mp.format_local_time(bar.end_time)} {security.exchange_hours.time_zone.key}, "
        f"order filled using the open price ({format_decimal(bar.open)})"
    )


class EquityFillModel(FillModel):
    """LEAN's equity fill model: quotes for market orders, trade bars for resting orders."""

    def get_prices(self, security: Security, direction: OrderDirection) -> mp.Prices:
        """Return prices from the non-internal subscriptions only."""
        return mp.get_prices(security, direction, include_internal=False)

    def _best_effort(self, security: Security, order: Order, side: mp.Side) -> mp.BestEffortPrice:
        return mp.best_effort_price(security, order.time, self.parameters.stale_price_span, side)

    def market_fill(self, security: Security, order: Order) -> Fill | None:
        """Buy at the ask, sell at the bid; wait when the freshest price is over a bar behind the order."""
        if not mp.is_exchange_open(security, False):
            return None
        slip = self._slip(security, order)
        best = self._best_effort(security, order, "ask" if order.direction == OrderDirection.BUY else "bid")
        price = _slipped(best.price, slip, order.direction)
        end = best.stale_end_utc
        if (
            best.stale
            and end is not None
            and mp.should_wait_for_fresh_data_on_stale(security, end, order.time)
        ):
            return None
        return _filled(order, price, best.message)

    def stop_market_fill(self, security: Security, order: Order) -> Fill | None:
        """Fill at the stop when the trade bar crosses it, or at the open when the bar gaps through it."""
        if not mp.is_exchange_open(security, False):
            return None
        bar = mp.best_effort_trade_bar(security, order.time)
        if bar is None:
            return None
        stop = order.stop_price or ZERO
        sell = order.direction == OrderDirection.SELL
        if (sell and bar.low > stop) or (not sell and bar.high < stop):
            return None
        slip = self._slip(security, order)
        if (sell and bar.open <= stop) or (not sell and bar.open >= stop):
            return _filled(
                order, _slipped(bar.open, slip, order.direction), _gap_message(security, bar, False)
            )
        return _filled(order, _slipped(stop, slip, order.direction))

    def stop_limit_fill(self, security: Security, order: Order) -> Fill | None:
        """As the base model, with the exchange hours of the non-internal subscriptions."""
        prices = self._fresh_prices(security, order, mp.extended_market_hours(security))
        return None if prices is None else self._stop_limit(order, prices)

    def limit_fill(self, security: Security, order: Order) -> Fill | None:
        """Fill at the limit when the trade bar crosses it, or at the open when the bar gaps through it."""
        if not mp.is_exchange_open(security, mp.extended_market_hours(security)):
            return None
        bar = mp.best_effort_trade_bar(security, order.time)
        if bar is None:
            return None
        limit = order.limit_price or ZERO
        buy = order.direction == OrderDirection.BUY
        if (buy and not bar.low < limit) or (not buy and not bar.high > limit):
            return None
        if (buy and bar.open < limit) or (not buy and bar.open > limit):
            return _filled(order, bar.open, _gap_message(security, bar, True))
        return _filled(order, limit)

    def limit_if_touched_fill(self, security: Security, order: Order) -> Fill | None:
        """Once the trade bar touches the trigger, fill when the ask (buy) or bid (sell) meets the limit."""
        if not mp.is_exchange_open(security, mp.extended_market_hours(security)):
            return None
        bar = mp.best_effort_trade_bar(security, order.time)
        if bar is None:
            return None
        trigger, limit = order.trigger_price or ZERO, order.limit_price or ZERO
        buy = order.direction == OrderDirection.BUY
        touched = bar.low <= trigger if buy else bar.high >= trigger
        if not (touched or order.trigger_touched):
            return None
        order.trigger_touched = True
        best = self._best_effort(security, order, "ask" if buy else "bid")
        if buy and best.price <= limit:
            return _filled(order, min(best.price, limit), best.message)
        if not buy and best.price >= limit:
            return _filled(order, max(best.price, limit), best.message)
        return None

    def market_on_open_fill(self, security: Security, order: Order) -> Fill | None:
        """Fill at the official open print (ticks) or the open of the first regular bar after the order."""
        local_order = mp.to_local(security, order.time)
        found = self._open_price(security, local_order)
        if found is None:
            return None
        end, price, message = found
        if local_order >= end:
            return None
        # An order sent during the session waits for the next day's open.
        if security.exchange_hours.is_open(local_order, False) and local_order.date() == end.date():
            return None
        if not mp.is_exchange_open(security, False):
            return None
        return self._price_or_quote(security, order, price, message)

    def _open_price(self, security: Security, local_order: datetime) -> tuple[datetime, Decimal, str] | None:
        """Return (data end time, open price, message) of the open the order can take, or None."""
        types = mp.subscribed_types(security, include_internal=False)
        if mp.TICK in types:
            return official_open(security)
        bar = security.cache.exact_trade_bar if mp.TRADE_BAR in types else None
        if bar is None or bar.time < local_order:
            return None
        # A minute (or finer) bar must come from the regular session.
        if bar.end_time - bar.time < timedelta(hours=1) and not security.exchange_hours.is_open(
            bar.time, False
        ):
            return None
        return bar.end_time, bar.open, ""

    def market_on_close_fill(self, security: Security, order: Order) -> Fill | None:
        """Fill at the official close print (ticks) or the trade bar's close once the market has closed."""
        if not self._close_reached(security, order):
            return None
        types = mp.subscribed_types(security, include_internal=False)
        price, message = ZERO, ""
        if mp.TICK in types:
            found = official_close(security, order.time)
            if found is None:
                return None
            price, message = found
        elif mp.TRADE_BAR in types:
            bar = security.cache.exact_trade_bar
            price = bar.close if bar is not None else ZERO
        else:
            message = _quote_data_message(security)
        return self._price_or_quote(security, order, price, message)

    def _price_or_quote(self, security: Security, order: Order, price: Decimal, message: str) -> Fill:
        # Without a trade price the order fills at the best-effort ask (buy) or bid (sell).
        if price == 0:
            best = self._best_effort(
                security, order, "ask" if order.direction == OrderDirection.BUY else "bid"
            )
            price, message = best.price, message + best.message
        return _filled(order, _slipped(price, self._slip(security, order), order.direction), message)
