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
from lean_core.bus.codec import unpack_frame, unpack_rows, unpack_times
from lean_core.bus.subjects import Stream
from lean_core.data.bars import ns_to_local
from lean_core.engine.frame_rows import FrameRows
from lean_core.engine.ports import INITIAL_BATCH_CREDIT, Outbox
from lean_core.engine.security_updates import exact_factors
from lean_core.engine.step_data import BatchSteps
from lean_core.enums import OrderStatus, OrderType, pascal_name
from lean_core.errors import LeanError
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
_UPDATABLE = ("quantity", "limit_price", "stop_price", "trigger_price", "trailing_amount")
"""The order fields an update may change besides the tag."""


class ScanMismatchError(LeanError):
    """A scan the algorithm did not wait for did something else than the algorithm foresaw.

    The algorithm applied the triggers and trails it previewed; had the scan filled an order or
    moved another, the two order books would differ, so the run stops here rather than go on wrong.
    """

    def __init__(
        self, request: m.ScanOrdersRequest, records: list[m.OrderRecord], events: list[OrderEvent]
    ) -> None:
        expected = {record.id for record in request.expected_updates or []}
        fills = sorted({event.order_id for event in events})
        super().__init__(
            f"the scan at {ns_to_local(request.utc_ns, _UTC):%Y-%m-%d %H:%M:%S} UTC changed orders "
            f"{[record.id for record in records]} and filled {fills}; the algorithm foresaw only "
            f"triggers or trails of {sorted(expected)}"
        )


@dataclass(slots=True)
class _OrderProgress:
    """What the handler counts for an order besides its state: events sent and fills so far."""

    events: int = 0
    filled: Decimal = Decimal(0)
    filled_value: Decimal = Decimal(0)


@dataclass(slots=True)
class _Batch:
    times: npt.NDArray[np.int64]
    steps: BatchSteps


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
        self._progress: dict[int, _OrderProgress] = {}
        # The open orders by id, kept as statuses change, so a scan never walks the closed ones.
        self._open: dict[int, Order] = {}
        self._subscriptions: dict[int, Security] = {}
        self._batches: list[_Batch] = []
        self._batches_received = 0
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
            frame = unpack_frame(packed, security.symbol)
            factors = exact_factors(packed.price_factors)
            frames.append(FrameRows(security, frame, unpack_rows(packed), factors, is_internal=False))
        times = unpack_times(batch)
        self._batches_received = batch.index + 1
        self._batches.append(_Batch(times, BatchSteps(frames, len(times))))
        if len(self._batches) == 1:
            self._batches[0].steps.attach()
        # Batches arrive on the algorithm's credit: holding more than the credit means it has
        # finished the oldest, which no request can reach any more (without orders, nothing else
        # would ever release it).
        while len(self._batches) > INITIAL_BATCH_CREDIT:
            self._retire_oldest_batch()
        return []

    def _retire_oldest_batch(self) -> None:
        """Apply the rest of the oldest batch to the replica and read prices from the next one."""
        finished = self._batches.pop(0)
        finished.steps.advance(len(finished.times) - 1)
        finished.steps.detach()
        self._batches[0].steps.attach()

    def _advance(self, utc_ns: int) -> None:
        """Bring every security's prices and clock up to `utc_ns`; settle cash that is due."""
        self._time_ns = utc_ns
        if utc_ns <= self._applied_until_ns:
            return
        now = ns_to_local(utc_ns, _UTC)
        self.securities.set_utc_time(now)
        self.portfolio.scan(now)
        while len(self._batches) > 1 and self._batches[1].times[0] <= utc_ns:
            self._retire_oldest_batch()
        if self._batches:
            current = self._batches[0]
            current.steps.advance(int(np.searchsorted(current.times, utc_ns, side="right")) - 1)
        self._applied_until_ns = utc_ns

    def _take_rates(self, rates: dict[str, Decimal]) -> None:
        """Use the algorithm's conversion rates: it prices the conversion pairs, this replica does not."""
        book = self.cash_book
        for currency, rate in rates.items():
            if currency in book and currency != book.account_currency:
                book[currency].set_conversion_rate(rate)

    # -- requests -----------------------------------------------------------------------------
    def ready_for(self, request: m.Message) -> bool:
        """Tell whether the batch an order request belongs to is here (over NATS it may not be yet)."""
        return getattr(request, "batch_index", -1) < self._batches_received

    def on_submit(self, request: m.SubmitOrderRequest) -> m.OrderReply:
        """Create an order, validate it and, for a market order, fill it at once."""
        self._advance(request.utc_ns)
        self._take_rates(request.conversion_rates)
        symbol = Symbol.parse(request.symbol_id, request.symbol_value)
        security = self.securities.get(symbol)
        order = self._new_order(request, symbol, security)
        warnings = self._round_prices(order, security)
        code, problem = self._submit_problem(order, security)
        if problem:
            self._set_status(order, OrderStatus.INVALID)
            return m.OrderReply(
                run_id=self.run_id,
                order_id=order.id,
                error_code=int(code),
                error_message=problem,
                events=[self._invalid_event(order, problem)],
                order=order_to_record(order),
                warnings=warnings,
            )
        self._set_status(order, OrderStatus.SUBMITTED)
        order.broker_id.append(str(order.id))
        events = [self._event(order, OrderStatus.SUBMITTED)]
        if order.type == OrderType.MARKET and security is not None:
            # Filled at once, in the state `_submit_problem` just checked: the same buying power.
            events.extend(self._try_fill(order, security, buying_power_checked=True))
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
            # The security's symbol: a custom data symbol's underlying is not in its identifier.
            symbol=security.symbol if security is not None else symbol,
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
        self._progress[order_id] = _OrderProgress()
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
        self._take_rates(request.conversion_rates)
        order = self.orders.get(request.order_id)
        if order is None:
            return self._request_refused(request.order_id, order)
        if order.status.is_closed:
            if any(getattr(request, name) is not None for name in _UPDATABLE):
                return self._request_refused(order.id, order)
            if request.tag is not None:
                order.tag = request.tag
            return m.OrderReply(run_id=self.run_id, order_id=order.id, order=order_to_record(order))
        if request.quantity is not None and request.quantity == 0:
            text = f"Unable to update order with id {order.id} that has zero quantity."
            return self._error(order.id, OrderErrorCode.ORDER_QUANTITY_ZERO, text)
        for name in (*_UPDATABLE, "tag"):
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
        self._take_rates(request.conversion_rates)
        order = self.orders.get(request.order_id)
        if order is None or order.status.is_closed:
            return self._request_refused(request.order_id, order)
        self._set_status(order, OrderStatus.CANCELED)
        order.canceled_time = ns_to_local(request.utc_ns, _UTC)
        if request.tag is not None:
            order.tag = request.tag
        event = self._event(order, OrderStatus.CANCELED, message="")
        return m.OrderReply(
            run_id=self.run_id, order_id=order.id, events=[event], order=order_to_record(order)
        )

    def _request_refused(self, order_id: int, order: Order | None) -> m.OrderReply:
        """Answer an update or cancel of an unknown or closed order, with LEAN's code and message.

        LEAN also refuses an order still New (awaiting the broker's confirmation); here a submit
        is confirmed or refused within its own request, so no later request finds one New.
        """
        if order is None:
            code, text = OrderErrorCode.UNABLE_TO_FIND_ORDER, f"Unable to locate order with id {order_id}."
        else:
            code = OrderErrorCode.INVALID_ORDER_STATUS
            status = pascal_name(order.status)
            text = f"Unable to update order with id {order_id} because it already has {status} status."
        return self._error(order_id, code, text)

    def on_scan(self, request: m.ScanOrdersRequest) -> m.OrderReply:
        """Let resting orders fill on the data known at the request's time."""
        self._advance(request.utc_ns)
        self._take_rates(request.conversion_rates)
        events: list[OrderEvent] = []
        changed: list[Order] = []
        now = ns_to_local(request.utc_ns, _UTC)
        for order in list(self._open.values()):  # a fill closes its order: iterate a copy
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
        records = [order_to_record(order) for order in changed]
        if request.expected_updates is not None and (events or records != request.expected_updates):
            raise ScanMismatchError(request, records, events)
        return m.OrderReply(run_id=self.run_id, events=events, orders=records)

    def _error(self, order_id: int, code: OrderErrorCode, text: str) -> m.OrderReply:
        return m.OrderReply(run_id=self.run_id, order_id=order_id, error_code=int(code), error_message=text)

    # -- fills --------------------------------------------------------------------------------
    def _try_fill(
        self,
        order: Order,
        security: Security,
        on_order_updated: Callable[[Order], None] | None = None,
        *,
        buying_power_checked: bool = False,
    ) -> list[OrderEvent]:
        """Fill what the fill model allows; it reports trailed stops and triggers to `on_order_updated`.

        The buying power is checked again before a fill, as LEAN's brokerage does, unless
        `buying_power_checked` says nothing changed since the submission's check.
        """
        utc_time = ns_to_local(self._time_ns, _UTC)
        try:
            fill = security.fill_model.fill(security, order, utc_time, on_order_updated=on_order_updated)
        except ValueError:
            logger.exception("transaction model failed to fill order %d (%s)", order.id, order.symbol.value)
            return []
        if fill is None or fill.status not in (OrderStatus.FILLED, OrderStatus.PARTIALLY_FILLED):
            return []
        if not buying_power_checked:
            result = security.buying_power_model.has_sufficient_buying_power_for_order(
                self.portfolio, security, order
            )
            if not result.is_sufficient:
                self._set_status(order, OrderStatus.INVALID)
                message = insufficient_buying_power_message([(order, security)], result)
                return [self._invalid_event(order, message)]
        fee = security.fee_model.get_order_fee(security, order)
        self._set_status(order, fill.status)
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

    def _set_status(self, order: Order, status: OrderStatus) -> None:
        order.status = status
        if status.is_closed:
            self._open.pop(order.id, None)
        else:
            self._open[order.id] = order

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
        progress = self._progress[order.id]
        progress.events += 1
        return OrderEvent(
            order_id=order.id,
            id=progress.events,
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
        return list(self._open.values())

    def _record_fill(self, order: Order, quantity: Decimal, price: Decimal) -> None:
        """Add a fill; the order's price is its average fill price, as on LEAN's tickets (0 unfilled)."""
        progress = self._progress[order.id]
        progress.filled = dotnet.add(progress.filled, quantity)
        progress.filled_value = dotnet.add(progress.filled_value, dotnet.multiply(abs(quantity), price))
        order.price = dotnet.divide(progress.filled_value, abs(progress.filled))

    def get_quantity_filled(self, order_id: int) -> Decimal:
        """Return the signed quantity filled so far of an order."""
        progress = self._progress.get(order_id)
        return progress.filled if progress is not None else Decimal(0)

    # -- end ----------------------------------------------------------------------------------
    def on_algorithm_finished(self, message: m.AlgorithmFinished) -> Outbox:
        """Publish the final order book for the result handler."""
        records = [order_to_record(order) for order in self.orders.values()]  # ids ascend
        events = sum(progress.events for progress in self._progress.values())
        return [(Stream.RESULTS, m.OrdersFinished(run_id=self.run_id, orders=records, order_events=events))]


def _submission_data(security: Security) -> OrderSubmissionData:
    # LEAN keeps the bid, the ask and the close (not the price: a crypto's is its trade close).
    price = security.exact_price
    bid = security.exact_bid_price or price
    ask = security.exact_ask_price or price
    return OrderSubmissionData(bid, ask, security.exact_close or price)
