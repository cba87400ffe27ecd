"""Placing orders: the order methods, `set_holdings`, `liquidate` and LEAN's pre-order checks.

A pre-order check that fails reports `error()` and returns an invalid ticket without an order
id, as LEAN does: no order exists, so nothing is counted or hashed. Everything else goes to
the transaction handler, which owns the order from then on.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from lean_core.algorithm.core import AlgorithmCore
from lean_core.algorithm.order_ticket import OrderResponse, OrderTicket
from lean_core.algorithm.pre_order_checks import (
    MISSING_SECURITY,
    WARMING_UP,
    OrderCheckInput,
    security_problem,
    within_market_on_close_buffer,
)
from lean_core.algorithm.transactions import to_decimal
from lean_core.bus import messages as m
from lean_core.enums import OrderDirection, OrderStatus, OrderType, Resolution, SecurityType
from lean_core.orders.fill_models import trailing_stop_from_market
from lean_core.orders.order_rules import OrderErrorCode
from lean_core.scheduling.rule_support import default_symbol_lookup
from lean_core.securities.buying_power import calculate_order_quantity
from lean_core.securities.security import Security
from lean_core.symbols import Symbol

_CONVERSION_WARNINGS = {
    OrderType.MARKET_ON_OPEN: (
        "Warning: market orders submitted while the market is closed are automatically converted "
        "into MarketOnOpen orders to fill at the next market open."
    ),
    OrderType.MARKET_ON_CLOSE: (
        "Warning: market orders on daily resolution data sent during market hours are automatically "
        "converted into MarketOnClose orders (or MarketOnOpen near the close) to avoid filling at the stale "
        "previous close. Note: in live trading this conversion is not applied, as the order fills at the "
        "current market price."
    ),
}


class TradingMixin(AlgorithmCore):
    """The part of `QCAlgorithm` that places orders."""

    # -- order methods ------------------------------------------------------------------------
    def market_order(
        self,
        symbol: Any,
        quantity: float | Decimal,
        asynchronous: bool = False,
        tag: str = "",
        order_properties: Any = None,
    ) -> OrderTicket:
        """Buy (positive) or sell (negative) at the market; converted to market-on-open while closed."""
        security = self._security_for_order(symbol)
        converted = self._converted_market_order(security) if security is not None else None
        if converted is not None and security is not None:
            ticket = self._submit(converted, security.symbol, quantity, tag)
            if ticket.status != OrderStatus.INVALID and converted not in self._conversion_warnings:
                self._conversion_warnings.add(converted)
                self.debug(_CONVERSION_WARNINGS[converted])
            return ticket
        return self._submit(OrderType.MARKET, symbol, quantity, tag)

    order = market_order

    def buy(self, symbol: Any, quantity: float) -> OrderTicket:
        """Buy `abs(quantity)` at the market (LEAN's `Buy`)."""
        return self.market_order(symbol, abs(quantity))

    def sell(self, symbol: Any, quantity: float) -> OrderTicket:
        """Sell `abs(quantity)` at the market (LEAN's `Sell`)."""
        return self.market_order(symbol, -abs(quantity))

    def _converted_market_order(self, security: Security) -> OrderType | None:
        """Return the type a market order becomes: on-open while closed; on-close for daily-only data."""
        if security.type in (SecurityType.FUTURE, SecurityType.FUTURE_OPTION):
            return None
        if not security.is_market_open(self.utc_time):
            return OrderType.MARKET_ON_OPEN
        if security.exchange_hours.is_always_open or not self._is_daily_resolution_only(security):
            return None
        if within_market_on_close_buffer(security, self.utc_time):
            return OrderType.MARKET_ON_OPEN
        return OrderType.MARKET_ON_CLOSE

    def market_on_open_order(
        self,
        symbol: Any,
        quantity: float | Decimal,
        asynchronous: bool = False,
        tag: str = "",
        order_properties: Any = None,
    ) -> OrderTicket:
        """Fill at the next market open."""
        return self._submit(OrderType.MARKET_ON_OPEN, symbol, quantity, tag)

    def market_on_close_order(
        self,
        symbol: Any,
        quantity: float | Decimal,
        asynchronous: bool = False,
        tag: str = "",
        order_properties: Any = None,
    ) -> OrderTicket:
        """Fill at today's market close."""
        return self._submit(OrderType.MARKET_ON_CLOSE, symbol, quantity, tag)

    def limit_order(
        self,
        symbol: Any,
        quantity: float | Decimal,
        limit_price: float,
        asynchronous: bool = False,
        tag: str = "",
        order_properties: Any = None,
    ) -> OrderTicket:
        """Fill at the limit price or better."""
        return self._submit(OrderType.LIMIT, symbol, quantity, tag, limit_price=limit_price)

    def stop_market_order(
        self,
        symbol: Any,
        quantity: float | Decimal,
        stop_price: float,
        asynchronous: bool = False,
        tag: str = "",
        order_properties: Any = None,
    ) -> OrderTicket:
        """Send a market order once the stop price trades."""
        return self._submit(OrderType.STOP_MARKET, symbol, quantity, tag, stop_price=stop_price)

    def stop_limit_order(
        self,
        symbol: Any,
        quantity: float | Decimal,
        stop_price: float,
        limit_price: float,
        asynchronous: bool = False,
        tag: str = "",
        order_properties: Any = None,
    ) -> OrderTicket:
        """Place a limit order once the stop price trades."""
        return self._submit(
            OrderType.STOP_LIMIT, symbol, quantity, tag, stop_price=stop_price, limit_price=limit_price
        )

    def limit_if_touched_order(
        self,
        symbol: Any,
        quantity: float | Decimal,
        trigger_price: float,
        limit_price: float,
        asynchronous: bool = False,
        tag: str = "",
        order_properties: Any = None,
    ) -> OrderTicket:
        """Place a limit order once the trigger price is touched."""
        return self._submit(
            OrderType.LIMIT_IF_TOUCHED,
            symbol,
            quantity,
            tag,
            trigger_price=trigger_price,
            limit_price=limit_price,
        )

    def trailing_stop_order(
        self, symbol: Any, quantity: float | Decimal, *args: Any, **kwargs: Any
    ) -> OrderTicket:
        """Place a stop that trails the market by an amount or a percentage.

        LEAN's two overloads: `(symbol, quantity, trailing_amount, trailing_as_percentage, ...)`
        starts the stop from the current price; `(symbol, quantity, stop_price, trailing_amount,
        trailing_as_percentage, ...)` gives the initial stop.
        """
        call = TrailingStopArguments.parse(args, kwargs)
        stop_price = call.stop_price
        if stop_price is None:
            security = self._security_for_order(symbol)
            if security is not None:
                direction = OrderDirection.BUY if (to_decimal(quantity) or 0) > 0 else OrderDirection.SELL
                amount = to_decimal(call.trailing_amount) or Decimal(0)
                stop_price = trailing_stop_from_market(
                    security.exact_price, amount, call.as_percentage, direction
                )
        return self._submit(
            OrderType.TRAILING_STOP,
            symbol,
            quantity,
            call.tag,
            stop_price=stop_price,
            trailing_amount=call.trailing_amount,
            trailing_as_percentage=call.as_percentage,
        )

    # -- portfolio targets --------------------------------------------------------------------
    def set_holdings(
        self,
        symbol: Any,
        percentage: float = 1.0,
        liquidate_existing_holdings: bool = False,
        tag: str = "",
        order_properties: Any = None,
    ) -> list[OrderTicket]:
        """Order what it takes to hold `percentage` of the portfolio value in a security."""
        if isinstance(symbol, list):
            tickets: list[OrderTicket] = []
            for target in symbol:
                tickets.extend(
                    self.set_holdings(target.symbol, target.quantity, liquidate_existing_holdings, tag)
                )
            return tickets
        security = self._security_for_order(symbol)
        if security is None:
            self.error(f"{symbol} not found in portfolio. Request this data when initializing the algorithm.")
            return []
        tickets = []
        if liquidate_existing_holdings:
            for other in list(self.portfolio.values()):
                if other.invested and other.symbol != security.symbol:
                    tickets.extend(self.liquidate(other.symbol))
        quantity = self._quantity_for_target(security, to_decimal(float(percentage)) or Decimal(0))
        if quantity != 0:
            tickets.append(self.market_order(security.symbol, quantity, tag=tag))
        return tickets

    def calculate_order_quantity(self, symbol: Any, target: float) -> float:
        """Return the quantity to order so that `symbol` makes up `target` of the portfolio."""
        security = self._security_for_order(symbol)
        if security is None:
            return 0.0
        return float(self._quantity_for_target(security, to_decimal(float(target)) or Decimal(0)))

    def _quantity_for_target(self, security: Security, target: Decimal) -> Decimal:
        quantity = calculate_order_quantity(self.portfolio, security, target, self.settings)
        for order in self.transactions.exact_open_orders(security.symbol):
            if order.type in (OrderType.MARKET, OrderType.MARKET_ON_OPEN):
                quantity -= order.quantity
        return quantity

    def liquidate(
        self,
        symbol: Any = None,
        asynchronous: bool = False,
        tag: str = "Liquidated",
        order_properties: Any = None,
    ) -> list[OrderTicket]:
        """Cancel open orders and close the position of one security, or of all."""
        if symbol is None:
            targets = [holding.symbol for holding in self.portfolio.values()]
        else:
            security = self._security_for_order(symbol)
            targets = [security.symbol] if security is not None else []
        tickets: list[OrderTicket] = []
        for target in targets:
            self.transactions.cancel_open_orders(target)
            quantity = self.portfolio[target].exact_quantity
            if quantity != 0:
                tickets.append(self.market_order(target, -quantity, tag=tag))
        return tickets

    def remove_security(self, symbol: Any) -> bool:
        """Liquidate and stop trading a security (its data keeps flowing for now)."""
        security = self._security_for_order(symbol)
        if security is None:
            return False
        self.liquidate(security.symbol)
        security.is_tradable = False
        return True

    # -- submission ---------------------------------------------------------------------------
    def _security_for_order(self, symbol: Any) -> Security | None:
        if isinstance(symbol, Security):
            return symbol
        return self.securities.get(symbol)

    def _submit(
        self, order_type: OrderType, symbol: Any, quantity: Any, tag: str, **prices: Any
    ) -> OrderTicket:
        security = self._security_for_order(symbol)
        exact_quantity = to_decimal(quantity) or Decimal(0)
        resolved = security.symbol if security is not None else _as_symbol(symbol)
        ticket = OrderTicket(0, resolved, exact_quantity, order_type, self.utc_time, tag)
        code, problem = self._pre_order_problem(order_type, security, exact_quantity)
        if problem:
            self.error(problem)
            ticket.status = OrderStatus.INVALID
            ticket.submit_response = OrderResponse(0, int(code), problem)
            return ticket
        assert security is not None
        request = m.SubmitOrderRequest(
            run_id=self._require_runtime().run_id,
            utc_ns=self._utc_ns,
            symbol_id=str(security.symbol.id),
            symbol_value=security.symbol.value,
            order_type=order_type,
            quantity=exact_quantity,
            tag=tag,
            limit_price=to_decimal(prices.get("limit_price")),
            stop_price=to_decimal(prices.get("stop_price")),
            trigger_price=to_decimal(prices.get("trigger_price")),
            trailing_amount=to_decimal(prices.get("trailing_amount")),
            trailing_as_percentage=bool(prices.get("trailing_as_percentage", False)),
        )
        ticket = self.transactions.submit(request, ticket)
        if ticket.submit_response is not None and ticket.submit_response.is_error:
            self.error(ticket.submit_response.error_message)
        return ticket

    def _pre_order_problem(
        self, order_type: OrderType, security: Security | None, quantity: Decimal
    ) -> tuple[OrderErrorCode, str]:
        if self.is_warming_up:
            return OrderErrorCode.ALGORITHM_WARMING_UP, WARMING_UP
        if security is None:
            return OrderErrorCode.MISSING_SECURITY, MISSING_SECURITY
        check = OrderCheckInput(
            order_type,
            security,
            quantity,
            self.utc_time,
            self.transactions.orders_count,
            self._is_daily_resolution_only(security),
        )
        return security_problem(check)

    def _is_daily_resolution_only(self, security: Security) -> bool:
        resolutions = {s.resolution for s in self._subscriptions if s.security is security}
        return bool(resolutions) and resolutions <= {Resolution.DAILY}


def _as_symbol(symbol: Any) -> Symbol:
    return symbol if isinstance(symbol, Symbol) else default_symbol_lookup(str(symbol))


@dataclass(frozen=True, slots=True)
class TrailingStopArguments:
    """The arguments of either `trailing_stop_order` overload."""

    stop_price: Any
    trailing_amount: Any
    as_percentage: bool
    tag: str

    @classmethod
    def parse(cls, args: tuple[Any, ...], kwargs: dict[str, Any]) -> TrailingStopArguments:
        with_stop = "stop_price" in kwargs or (len(args) >= 2 and not isinstance(args[1], bool))
        names = ["stop_price"] if with_stop else []
        names += ["trailing_amount", "trailing_as_percentage", "asynchronous", "tag", "order_properties"]
        if len(args) > len(names):
            raise TypeError(f"trailing_stop_order() takes at most {len(names) + 2} positional arguments")
        values = dict(zip(names, args, strict=False)) | kwargs
        unknown = set(values) - set(names)
        if unknown:
            raise TypeError(f"trailing_stop_order() got unexpected keyword argument(s): {sorted(unknown)}")
        if "trailing_amount" not in values or "trailing_as_percentage" not in values:
            raise TypeError("trailing_stop_order() needs trailing_amount and trailing_as_percentage")
        return cls(
            values.get("stop_price"),
            values["trailing_amount"],
            bool(values["trailing_as_percentage"]),
            str(values.get("tag", "")),
        )
