"""LEAN's OrderListHash: every order as Json.NET writes it, joined by commas, MD5 in hex.

The order JSON follows the shape of LEAN's order classes: the properties a subclass declares
come first (a limit order starts with "limitPrice", then "type"), then `Order`'s own, in
declaration order. Before hashing LEAN smart-rounds the price and the limit, stop, trigger and
trailing prices; the result file's "orders" section is written before that, so
`order_to_json_dict` rounds only when asked.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from lean_core.enums import OrderDirection, OrderType, TimeInForce
from lean_core.orders.orders import Order
from lean_core.statistics import dotnet
from lean_core.statistics.formatting import smart_round
from lean_core.statistics.json_writer import JsonValue, to_json
from lean_core.symbols import Symbol

__all__ = ["order_list_hash", "order_to_json", "order_to_json_dict"]

_TIME_IN_FORCE_TYPES = {
    TimeInForce.DAY: "QuantConnect.Orders.TimeInForces.DayTimeInForce",
    TimeInForce.GOOD_TIL_DATE: "QuantConnect.Orders.TimeInForces.GoodTilDateTimeInForce",
}
_COMBO_TYPES = (OrderType.COMBO_MARKET, OrderType.COMBO_LIMIT, OrderType.COMBO_LEG_LIMIT)


def _required(value: Decimal | None, name: str, order: Order) -> Decimal:
    if value is None:
        raise ValueError(f"order {order.id} ({order.type.name}) has no {name}")
    return value


def _price(value: Decimal | None, name: str, order: Order, rounded: bool) -> Decimal:
    price = _required(value, name, order)
    return smart_round(price) if rounded else price


def _subclass_fields(order: Order, rounded: bool) -> dict[str, JsonValue]:
    """Return the fields LEAN's order subclass declares, in its declaration order (with "type")."""
    kind = order.type
    fields: dict[str, JsonValue] = {}
    match kind:
        case OrderType.LIMIT:
            fields["limitPrice"] = _price(order.limit_price, "limit price", order, rounded)
        case OrderType.STOP_MARKET:
            fields["stopPrice"] = _price(order.stop_price, "stop price", order, rounded)
        case OrderType.STOP_LIMIT:
            fields["stopPrice"] = _price(order.stop_price, "stop price", order, rounded)
            fields["stopTriggered"] = order.stop_triggered
            fields["limitPrice"] = _price(order.limit_price, "limit price", order, rounded)
        case OrderType.TRAILING_STOP:
            fields["trailingAmount"] = _price(order.trailing_amount, "trailing amount", order, rounded)
            fields["trailingAsPercentage"] = order.trailing_as_percentage
    fields["type"] = int(kind)
    match kind:
        case OrderType.TRAILING_STOP:
            # A trailing stop is a stop-market order: its parent's stop price follows "type".
            fields["stopPrice"] = _price(order.stop_price, "stop price", order, rounded)
        case OrderType.LIMIT_IF_TOUCHED:
            fields["triggerPrice"] = _price(order.trigger_price, "trigger price", order, rounded)
            fields["limitPrice"] = _price(order.limit_price, "limit price", order, rounded)
            fields["triggerTouched"] = order.trigger_touched
        case OrderType.COMBO_LEG_LIMIT:
            fields["limitPrice"] = _required(order.limit_price, "limit price", order)
    if kind in _COMBO_TYPES:
        # Combo orders override Quantity in their shared parent class, so it is listed here.
        fields["quantity"] = dotnet.normalize(order.quantity)
    return fields


def _symbol_json(symbol: Symbol) -> dict[str, JsonValue]:
    result: dict[str, JsonValue] = {"value": symbol.value, "id": str(symbol.id), "permtick": symbol.value}
    if symbol.underlying is not None:
        result["underlying"] = _symbol_json(symbol.underlying)
    return result


def _time_in_force_json(order: Order) -> dict[str, JsonValue]:
    kind = order.time_in_force
    if kind == TimeInForce.GOOD_TIL_CANCELED:
        return {}
    result: dict[str, JsonValue] = {"$type": _TIME_IN_FORCE_TYPES[kind]}
    if kind == TimeInForce.GOOD_TIL_DATE:
        expiry: Any = getattr(order, "good_til_date", None)
        if expiry is None:
            raise ValueError(f"order {order.id} is good-til-date but carries no expiry (good_til_date)")
        result["Expiry"] = expiry
    return result


def _is_marketable(order: Order, limit_price: JsonValue) -> bool:
    """Tell whether LEAN marks the order marketable: market orders, and limits through the quote."""
    if order.type != OrderType.LIMIT:
        return order.type in (OrderType.MARKET, OrderType.COMBO_MARKET)
    data = order.submission_data
    if data is None or not isinstance(limit_price, Decimal):
        return False
    if order.direction == OrderDirection.BUY:
        return limit_price >= data.ask_price
    return order.direction == OrderDirection.SELL and limit_price <= data.bid_price


def order_to_json_dict(order: Order, *, smart_round_prices: bool = False) -> dict[str, JsonValue]:
    """Return the order as LEAN serialises it: camelCase keys in Json.NET's order, Decimal values.

    Write the result with `json_writer.to_json` to get LEAN's text (decimals keep their scale).
    `smart_round_prices` applies the rounding LEAN does before hashing; the result file's
    "orders" section is written without it.
    """
    fields = _subclass_fields(order, smart_round_prices)
    price = dotnet.normalize(order.price)
    if smart_round_prices:
        price = smart_round(price)
    quantity = dotnet.normalize(order.quantity)
    fields |= {
        "id": order.id,
        "contingentId": order.contingent_id,
        "brokerId": list(order.broker_id),
        "symbol": _symbol_json(order.symbol),
        "price": price,
        "priceCurrency": order.price_currency,
        "time": order.time,
        "createdTime": order.time,
    }
    for key, stamp in (
        ("lastFillTime", order.last_fill_time),
        ("lastUpdateTime", order.last_update_time),
        ("canceledTime", order.canceled_time),
    ):
        if stamp is not None:
            fields[key] = stamp
    if order.type not in _COMBO_TYPES:
        fields["quantity"] = quantity
    fields |= _common_tail(order, quantity, price, fields.get("limitPrice"))
    return fields


def _common_tail(
    order: Order, quantity: Decimal, price: Decimal, limit_price: JsonValue
) -> dict[str, JsonValue]:
    data = order.submission_data
    return {
        "status": int(order.status),
        "tag": order.tag,
        "properties": {"timeInForce": _time_in_force_json(order)},
        "securityType": int(order.security_type),
        "direction": int(order.direction),
        "value": dotnet.multiply(quantity, price),
        "orderSubmissionData": None
        if data is None
        else {"bidPrice": data.bid_price, "askPrice": data.ask_price, "lastPrice": data.last_price},
        "isMarketable": _is_marketable(order, limit_price),
        "priceAdjustmentMode": int(order.price_adjustment_mode),
    }


def order_to_json(order: Order, *, smart_round_prices: bool = True) -> str:
    """Return one order as the compact JSON LEAN hashes."""
    return to_json(order_to_json_dict(order, smart_round_prices=smart_round_prices))


def order_list_hash(orders: Iterable[Order]) -> str:
    """Return LEAN's OrderListHash: MD5 (lowercase hex) of the orders' JSON sorted by id, comma-joined.

    Pass every order that got an id, invalid and canceled ones included; no orders hash the
    empty string.
    """
    joined = ",".join(order_to_json(order) for order in sorted(orders, key=lambda o: o.id))
    return hashlib.md5(joined.encode("utf-8"), usedforsecurity=False).hexdigest()
