"""Conversion between `Order` and its wire form `OrderRecord`."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from lean_core.bus.messages import OrderRecord
from lean_core.data.bars import local_to_ns, ns_to_local
from lean_core.orders.orders import Order, OrderSubmissionData
from lean_core.symbols import Symbol
from lean_core.time.time_zones import TimeZones

_UTC = TimeZones.UTC


def _ns(moment: datetime | None) -> int | None:
    return None if moment is None else local_to_ns(moment.replace(tzinfo=None), _UTC)


def _time(ns: int | None) -> datetime | None:
    return None if ns is None else ns_to_local(ns, _UTC)


def _underlying_fields(symbol: Symbol) -> tuple[str, str]:
    """Return the underlying the identifier string would lose: a custom data symbol's."""
    underlying = symbol.underlying
    if underlying is None or symbol.id.underlying is not None:
        return "", ""
    return str(underlying.id), underlying.value


def _record_symbol(record: OrderRecord) -> Symbol:
    symbol = Symbol.parse(record.symbol_id, record.symbol_value)
    if not record.underlying_id:
        return symbol
    return Symbol(symbol.id, symbol.value, Symbol.parse(record.underlying_id, record.underlying_value))


def order_to_record(order: Order) -> OrderRecord:
    """Return the wire form of an order."""
    data = order.submission_data
    underlying_id, underlying_value = _underlying_fields(order.symbol)
    return OrderRecord(
        id=order.id,
        symbol_id=str(order.symbol.id),
        symbol_value=order.symbol.value,
        underlying_id=underlying_id,
        underlying_value=underlying_value,
        order_type=order.type,
        quantity=order.quantity,
        time_ns=_ns(order.time) or 0,
        status=order.status,
        tag=order.tag,
        price=order.price,
        price_currency=order.price_currency,
        time_in_force=order.time_in_force,
        limit_price=order.limit_price,
        stop_price=order.stop_price,
        trigger_price=order.trigger_price,
        trailing_amount=order.trailing_amount,
        trailing_as_percentage=order.trailing_as_percentage,
        stop_triggered=order.stop_triggered,
        trigger_touched=order.trigger_touched,
        contingent_id=order.contingent_id,
        broker_id=list(order.broker_id),
        created_time_ns=_ns(order.created_time) or 0,
        last_fill_time_ns=_ns(order.last_fill_time),
        last_update_time_ns=_ns(order.last_update_time),
        canceled_time_ns=_ns(order.canceled_time),
        submission_bid=data.bid_price if data else None,
        submission_ask=data.ask_price if data else None,
        submission_last=data.last_price if data else None,
        price_adjustment_mode=order.price_adjustment_mode,
    )


def order_from_record(record: OrderRecord) -> Order:
    """Rebuild an order from its wire form."""
    data = None
    if record.submission_bid is not None and record.submission_ask is not None:
        data = OrderSubmissionData(
            record.submission_bid, record.submission_ask, record.submission_last or Decimal(0)
        )
    time = _time(record.time_ns)
    assert time is not None
    return Order(
        id=record.id,
        symbol=_record_symbol(record),
        quantity=record.quantity,
        type=record.order_type,
        time=time,
        tag=record.tag,
        status=record.status,
        price=record.price,
        price_currency=record.price_currency,
        time_in_force=record.time_in_force,
        limit_price=record.limit_price,
        stop_price=record.stop_price,
        trigger_price=record.trigger_price,
        trailing_amount=record.trailing_amount,
        trailing_as_percentage=record.trailing_as_percentage,
        stop_triggered=record.stop_triggered,
        trigger_touched=record.trigger_touched,
        contingent_id=record.contingent_id,
        broker_id=list(record.broker_id),
        created_time=_time(record.created_time_ns),
        last_fill_time=_time(record.last_fill_time_ns),
        last_update_time=_time(record.last_update_time_ns),
        canceled_time=_time(record.canceled_time_ns),
        submission_data=data,
        price_adjustment_mode=record.price_adjustment_mode,
    )
