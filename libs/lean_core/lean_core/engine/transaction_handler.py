"""The transaction handler: the single writer of order state, and the simulated brokerage.

It keeps its own replica of the securities (prices from the same slice batches the algorithm
gets) and of the portfolio (for buying-power checks), validates and fills orders with the
security's models, and answers each request with the order events it caused, as LEAN's
backtesting transaction handler and brokerage do inside `QCAlgorithm.MarketOrder`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from lean_core.algorithm.custom_securities import register_custom_securities
from lean_core.algorithm.security_factory import SecurityFactory
from lean_core.bus import messages as m
from lean_core.bus.codec import AnyFrame, unpack_frame, unpack_rows, unpack_times
from lean_core.bus.subjects import Stream
from lean_core.data.bars import ns_to_local
from lean_core.engine.ports import Outbox
from lean_core.engine.security_updates import apply_row
from lean_core.enums import OrderStatus, OrderType, pascal_name
from lean_core.orders.events import OrderEvent
from lean_core.orders.order_rules import OrderErrorCode, check_submit, round_order_prices
from lean_core.orders.orders import Order, OrderSubmissionData
from lean_core.orders.records import order_to_record
from lean_core.securities.brokerage_model import BrokerageModel, brokerage_model_for
from lean_core.securities.buying_power import insufficient_buying_power_message
from lean_core.securities.cash_book import Cash, CashBook, currency_symbol
from lean_core.securities.portfolio import SecurityPortfolioManager
from lean_core.securities.security import Security, SecurityManager
from lean_core.statistics import dotnet
from lean_core.symbols import Symbol
from lean_core.time.time_zones import TimeZones

logger = logging.getLogger(__name__)

_UTC = TimeZones.UTC


@dataclass(slots=True)
class _BatchData:
    times: npt.NDArray[np.int64]
    frames: list[tuple[int, AnyFrame, npt.NDArray[np.int64], list[tuple[int, str]]]]


class TransactionHandler:
    """Process order requests for one run."""

    def __init__(self, factory: SecurityFactory, run_id: str) -> None:
        self.factory = factory
        self.run_id = run_id
        self.securities = SecurityManager()
        self.cash_book = CashBook()
        self.portfolio = SecurityPortfolioManager(self.securities, self.cash_book)
        self.brokerage: BrokerageModel | None = None
        self.orders: dict[int, Order] = {}
        self._next_event_id: dict[int, int] = {}
        self._filled: dict[int, Decimal] = {}
        self._filled_value: dict[int, Decimal] = {}
        self._subscriptions: dict[int, Security] = {}
        self._batches: list[_BatchData] = []
        self._applied_until_ns = -1
        self._time_ns = 0
        self._price_rounding_reported = False

    # -- set-up -------------------------------------------------------------------------------
    def on_initialized(self, message: m.AlgorithmInitialized) -> Outbox:
        """Build the securities and the portfolio the algorithm set up."""
        self.brokerage = brokerage_model_for(message.brokerage, message.account_type)
        self.cash_book = CashBook(message.account_currency)
        for currency, amount in message.cash_book.items():
            self.cash_book.add(
                Cash(currency, amount, Decimal(1) if currency == message.account_currency else Decimal(0))
            )
        self.securities = SecurityManager()
        self.portfolio = SecurityPortfolioManager(self.securities, self.cash_book, message.account_type)
        register_custom_securities(self.factory, message.securities)
        for spec in message.securities:
            symbol = Symbol.parse(spec.symbol_id, spec.symbol_value)
            security = self.factory.create_security(
                symbol,
                self.cash_book,
                self.brokerage,
                resolution=spec.resolution,
                leverage=spec.leverage,
                data_normalization_mode=spec.data_normalization_mode,
                is_internal=spec.is_internal,
            )
            if not spec.is_internal:
                self.securities.add(security)
        self.portfolio.order_provider = self
        for sub in message.subscriptions:
            symbol = Symbol.parse(sub.symbol_id, sub.symbol_value)
            if symbol in self.securities and not sub.is_internal:
                self._subscriptions[sub.index] = self.securities[symbol]
        return []

    # -- data ---------------------------------------------------------------------------------
    def on_batch(self, batch: m.DataBatch) -> Outbox:
        """Keep a batch's frames until the algorithm has moved past them."""
        frames = []
        for packed in batch.frames:
            security = self._subscriptions.get(packed.subscription)
            if security is None:
                continue
            frames.append(
                (
                    packed.subscription,
                    unpack_frame(packed, security.symbol),
                    unpack_rows(packed),
                    packed.price_factors,
                )
            )
        self._batches.append(_BatchData(unpack_times(batch), frames))
        return []

    def _advance(self, utc_ns: int) -> None:
        """Bring every security's cache and clock up to `utc_ns`; settle cash that is due."""
        self._time_ns = utc_ns
        if utc_ns <= self._applied_until_ns:
            return
        now = ns_to_local(utc_ns, _UTC)
        self.securities.set_utc_time(now)
        self.portfolio.scan(now)
        while len(self._batches) > 1 and self._batches[1].times[0] <= utc_ns:
            self._apply(self._batches[0], utc_ns)
            self._batches.pop(0)
        if self._batches:
            self._apply(self._batches[0], utc_ns)
        self._applied_until_ns = utc_ns

    def _apply(self, batch: _BatchData, utc_ns: int) -> None:
        low = int(np.searchsorted(batch.times, self._applied_until_ns, side="right"))
        high = int(np.searchsorted(batch.times, utc_ns, side="right"))
        if high <= low:
            return
        for index, frame, rows, factors in batch.frames:
            security = self._subscriptions[index]
            apply_row(security, frame, rows, low, high, factors)

    # -- requests -----------------------------------------------------------------------------
    def on_submit(self, request: m.SubmitOrderRequest) -> m.OrderReply:
        """Create an order, validate it and, for a market order, fill it at once."""
        self._advance(request.utc_ns)
        symbol = Symbol.parse(request.symbol_id, request.symbol_value)
        security = self.securities.get(symbol)
        order = self._new_order(request, symbol, security)
        warnings = self._round_prices(order, security)
        code, problem = self._submit_problem(order, security)
        if problem:
            order.status = OrderStatus.INVALID
            return m.OrderReply(
                run_id=self.run_id,
                order_id=order.id,
                error_code=int(code),
                error_message=problem,
                events=[self._invalid_event(order, problem)],
                order=order_to_record(order),
                warnings=warnings,
            )
        order.status = OrderStatus.SUBMITTED
        order.broker_id.append(str(order.id))
        events = [self._event(order, OrderStatus.SUBMITTED)]
        if order.type == OrderType.MARKET and security is not None:
            events.extend(self._try_fill(order, security))
        return m.OrderReply(
            run_id=self.run_id,
            order_id=order.id,
            events=events,
            order=order_to_record(order),
            warnings=warnings,
        )

    def _round_prices(self, order: Order, security: Security | None) -> list[str]:
        """Round the order's prices to the security's tick; LEAN reports the first rounding only."""
        if security is None:
            return []
        changes = round_order_prices(order, security.minimum_price_variation)
        if not changes or self._price_rounding_reported:
            return []
        self._price_rounding_reported = True
        return changes[:1]

    def _new_order(self, request: m.SubmitOrderRequest, symbol: Symbol, security: Security | None) -> Order:
        order_id = len(self.orders) + 1
        time = ns_to_local(request.utc_ns, _UTC)
        order = Order(
            id=order_id,
            symbol=symbol,
            quantity=request.quantity,
            type=request.order_type,
            time=time,
            tag=request.tag,
            limit_price=request.limit_price,
            stop_price=request.stop_price,
            trigger_price=request.trigger_price,
            trailing_amount=request.trailing_amount,
            trailing_as_percentage=request.trailing_as_percentage,
            time_in_force=request.time_in_force,
        )
        self.orders[order_id] = order
        if security is not None:
            order.price_currency = security.quote_currency.symbol
            order.tag = order.tag or order.default_tag(currency_symbol(order.price_currency))
            order.price_adjustment_mode = security.data_normalization_mode
            order.submission_data = _submission_data(security)
        return order

    def _submit_problem(self, order: Order, security: Security | None) -> tuple[OrderErrorCode, str]:
        if security is None:
            return OrderErrorCode.MISSING_SECURITY, f"The security {order.symbol.value} was not found."
        assert self.brokerage is not None
        code, problem = check_submit(order, security, self.brokerage)
        if problem:
            return code, problem
        result = security.buying_power_model.has_sufficient_buying_power_for_order(
            self.portfolio, security, order
        )
        if not result.is_sufficient:
            return OrderErrorCode.INSUFFICIENT_BUYING_POWER, insufficient_buying_power_message(
                [(order, security)], result
            )
        return OrderErrorCode.NONE, ""

    def on_update(self, request: m.UpdateOrderRequest) -> m.OrderReply:
        """Change an open order, or only the tag of a closed one (LEAN sends no event for that)."""
        self._advance(request.utc_ns)
        order = self.orders.get(request.order_id)
        if order is None or order.status == OrderStatus.NEW:
            return self._request_refused(request.order_id, order)
        if order.status.is_closed:
            if not _only_tag(request):
                return self._request_refused(order.id, order)
            if request.tag is not None:
                order.tag = request.tag
            return m.OrderReply(run_id=self.run_id, order_id=order.id, order=order_to_record(order))
        if request.quantity is not None and request.quantity == 0:
            text = f"Unable to update order with id {order.id} that has zero quantity."
            return self._error(order.id, OrderErrorCode.ORDER_QUANTITY_ZERO, text)
        for name in ("quantity", "limit_price", "stop_price", "trigger_price", "trailing_amount", "tag"):
            value = getattr(request, name)
            if value is not None:
                setattr(order, name, value)
        warnings = self._round_prices(order, self.securities.get(order.symbol))
        order.last_update_time = ns_to_local(request.utc_ns, _UTC)
        event = self._event(order, OrderStatus.UPDATE_SUBMITTED)
        return m.OrderReply(
            run_id=self.run_id,
            order_id=order.id,
            events=[event],
            order=order_to_record(order),
            warnings=warnings,
        )

    def on_cancel(self, request: m.CancelOrderRequest) -> m.OrderReply:
        """Cancel an open order."""
        self._advance(request.utc_ns)
        order = self.orders.get(request.order_id)
        if order is None or order.status == OrderStatus.NEW or order.status.is_closed:
            return self._request_refused(request.order_id, order)
        order.status = OrderStatus.CANCELED
        order.canceled_time = ns_to_local(request.utc_ns, _UTC)
        if request.tag is not None:
            order.tag = request.tag
        event = self._event(order, OrderStatus.CANCELED, message="")
        return m.OrderReply(
            run_id=self.run_id, order_id=order.id, events=[event], order=order_to_record(order)
        )

    def _request_refused(self, order_id: int, order: Order | None) -> m.OrderReply:
        """Answer an update or cancel that cannot apply, with LEAN's code and message."""
        if order is None:
            code, text = OrderErrorCode.UNABLE_TO_FIND_ORDER, f"Unable to locate order with id {order_id}."
        elif order.status == OrderStatus.NEW:
            code = OrderErrorCode.INVALID_NEW_ORDER_STATUS
            text = (
                f"Unable to update or cancel order with id {order_id} and status New because the "
                "submit confirmation has not been received yet."
            )
        else:
            code = OrderErrorCode.INVALID_ORDER_STATUS
            status = pascal_name(order.status)
            text = f"Unable to update order with id {order_id} because it already has {status} status."
        return self._error(order_id, code, text)

    def on_scan(self, request: m.ScanOrdersRequest) -> m.OrderReply:
        """Let resting orders fill on the data known at the request's time."""
        self._advance(request.utc_ns)
        events: list[OrderEvent] = []
        changed: list[Order] = []
        now = ns_to_local(request.utc_ns, _UTC)
        for order in list(self.orders.values()):
            if not order.is_open or order.status == OrderStatus.NEW:
                continue
            if order.time == now and order.type != OrderType.MARKET:
                continue  # LEAN never fills a resting order in the step it was submitted
            security = self.securities.get(order.symbol)
            if security is None:
                continue
            updates: list[Order] = []
            fills = self._try_fill(order, security, on_order_updated=updates.append)
            if fills or updates:
                changed.append(order)
            events.extend(fills)
        return m.OrderReply(
            run_id=self.run_id, events=events, orders=[order_to_record(order) for order in changed]
        )

    def _error(self, order_id: int, code: OrderErrorCode, text: str) -> m.OrderReply:
        return m.OrderReply(run_id=self.run_id, order_id=order_id, error_code=int(code), error_message=text)

    # -- fills --------------------------------------------------------------------------------
    def _try_fill(
        self, order: Order, security: Security, on_order_updated: Callable[[Order], None] | None = None
    ) -> list[OrderEvent]:
        """Fill what the fill model allows; it reports trailed stops and triggers to `on_order_updated`."""
        utc_time = ns_to_local(self._time_ns, _UTC)
        try:
            fill = security.fill_model.fill(security, order, utc_time, on_order_updated=on_order_updated)
        except ValueError:
            logger.exception("transaction model failed to fill order %d (%s)", order.id, order.symbol.value)
            return []
        if fill is None or fill.status not in (OrderStatus.FILLED, OrderStatus.PARTIALLY_FILLED):
            return []
        result = security.buying_power_model.has_sufficient_buying_power_for_order(
            self.portfolio, security, order
        )
        if not result.is_sufficient:
            order.status = OrderStatus.INVALID
            return [
                self._invalid_event(order, insufficient_buying_power_message([(order, security)], result))
            ]
        fee = security.fee_model.get_order_fee(security, order)
        order.status = fill.status
        order.last_fill_time = utc_time
        event = self._event(
            order,
            fill.status,
            fill_price=fill.fill_price,
            fill_quantity=fill.fill_quantity,
            fee=(fee.amount, fee.currency),
            message=fill.message,
        )
        self._record_fill(order, fill.fill_quantity, fill.fill_price)
        self.portfolio.process_fill(event)
        return [event]

    def _event(
        self,
        order: Order,
        status: OrderStatus,
        *,
        fill_price: Decimal = Decimal(0),
        fill_quantity: Decimal = Decimal(0),
        fee: tuple[Decimal, str] | None = None,
        message: str = "",
    ) -> OrderEvent:
        event_id = self._next_event_id.get(order.id, 0) + 1
        self._next_event_id[order.id] = event_id
        return OrderEvent(
            order_id=order.id,
            id=event_id,
            symbol_id=str(order.symbol.id),
            symbol_value=order.symbol.value,
            utc_time_ns=self._time_ns,
            status=status,
            direction=order.direction,
            quantity=order.quantity,
            fill_price=fill_price,
            fill_price_currency=order.price_currency,
            fill_quantity=fill_quantity,
            order_fee_amount=fee[0] if fee else Decimal(0),
            order_fee_currency=fee[1] if fee else "USD",
            message=message,
            limit_price=order.limit_price,
            stop_price=order.stop_price,
            trigger_price=order.trigger_price,
            trailing_amount=order.trailing_amount,
        )

    def _invalid_event(self, order: Order, message: str) -> OrderEvent:
        return self._event(order, OrderStatus.INVALID, message=message)

    # -- the portfolio's order provider --------------------------------------------------------
    def get_open_orders(self) -> list[Order]:
        """Return the orders that can still fill (for buying-power reservations)."""
        return [order for order in self.orders.values() if order.is_open]

    def _record_fill(self, order: Order, quantity: Decimal, price: Decimal) -> None:
        """Add a fill; the order's price is its average fill price, as on LEAN's tickets (0 unfilled)."""
        filled = dotnet.add(self._filled.get(order.id, Decimal(0)), quantity)
        weighted = dotnet.multiply(abs(quantity), price)
        value = dotnet.add(self._filled_value.get(order.id, Decimal(0)), weighted)
        self._filled[order.id], self._filled_value[order.id] = filled, value
        order.price = dotnet.divide(value, abs(filled))

    def get_quantity_filled(self, order_id: int) -> Decimal:
        """Return the signed quantity filled so far of an order."""
        return self._filled.get(order_id, Decimal(0))

    # -- end ----------------------------------------------------------------------------------
    def on_algorithm_finished(self, message: m.AlgorithmFinished) -> Outbox:
        """Publish the final order book for the result handler."""
        records = [order_to_record(order) for order in sorted(self.orders.values(), key=lambda o: o.id)]
        return [(Stream.RESULTS, m.OrdersFinished(run_id=self.run_id, orders=records))]


def _submission_data(security: Security) -> OrderSubmissionData:
    price = security.exact_price
    bid = security.exact_bid_price or price
    ask = security.exact_ask_price or price
    return OrderSubmissionData(bid, ask, price)


def _only_tag(request: m.UpdateOrderRequest) -> bool:
    """Tell whether an update changes nothing but the tag: all LEAN allows on a closed order."""
    changes = (request.quantity, request.limit_price, request.stop_price, request.trigger_price)
    return all(value is None for value in (*changes, request.trailing_amount))
