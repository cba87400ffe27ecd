"""Orders serialised as Json.NET does for LEAN's OrderListHash, and the hash itself."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from lean_core.enums import OrderStatus, OrderType, SecurityType, TimeInForce
from lean_core.orders.orders import Order, OrderSubmissionData
from lean_core.statistics import order_list_hash, order_to_json, order_to_json_dict
from lean_core.symbols import Symbol

SPY = Symbol.create("SPY", SecurityType.EQUITY, "usa")
FILL_TIME = datetime(2013, 10, 7, 13, 31, tzinfo=UTC)

# LEAN_FACTS 1.4: BasicTemplateAlgorithm's only order, whose MD5 is the regression's expected hash.
REFERENCE_VECTOR = (
    '{"type":0,"id":1,"contingentId":0,"brokerId":["1"],'
    '"symbol":{"value":"SPY","id":"SPY R735QTJ8XC9X","permtick":"SPY"},'
    '"price":144.7817,"priceCurrency":"USD","time":"2013-10-07T13:31:00Z","createdTime":"2013-10-07T13:31:00Z",'
    '"lastFillTime":"2013-10-07T13:31:00Z","quantity":688.0,"status":3,"tag":"",'
    '"properties":{"timeInForce":{}},"securityType":1,"direction":0,"value":99609.8096,'
    '"orderSubmissionData":{"bidPrice":144.77307790400,"askPrice":144.78172417000,"lastPrice":144.77307790400},'
    '"isMarketable":true,"priceAdjustmentMode":1}'
)


def basic_template_order(**changes: object) -> Order:
    order = Order(
        1,
        SPY,
        Decimal("688"),
        OrderType.MARKET,
        FILL_TIME,
        status=OrderStatus.FILLED,
        price=Decimal("144.78172417"),
        broker_id=["1"],
        last_fill_time=FILL_TIME,
        submission_data=OrderSubmissionData(
            Decimal("144.77307790400"), Decimal("144.78172417000"), Decimal("144.77307790400")
        ),
    )
    for name, value in changes.items():
        setattr(order, name, value)
    return order


class TestReferenceVector:
    def test_basic_template_order_serialises_exactly_like_lean(self) -> None:
        assert order_to_json(basic_template_order()) == REFERENCE_VECTOR

    def test_basic_template_hash_is_leans_expected_hash(self) -> None:
        assert order_list_hash([basic_template_order()]) == "3da9fa60bf95b9ed148b95e02e0cfc9e"

    def test_no_orders_hash_the_empty_string(self) -> None:
        assert order_list_hash([]) == "d41d8cd98f00b204e9800998ecf8427e"


class TestFieldOrder:
    @pytest.mark.parametrize(
        ("order_type", "prices", "leading_keys"),
        [
            (OrderType.LIMIT, {"limit_price": Decimal("150")}, ["limitPrice", "type", "id"]),
            (OrderType.STOP_MARKET, {"stop_price": Decimal("140")}, ["stopPrice", "type", "id"]),
            (
                OrderType.STOP_LIMIT,
                {"stop_price": Decimal("140"), "limit_price": Decimal("139")},
                ["stopPrice", "stopTriggered", "limitPrice", "type", "id"],
            ),
            (
                OrderType.TRAILING_STOP,
                {"stop_price": Decimal("140"), "trailing_amount": Decimal("0.05")},
                ["trailingAmount", "trailingAsPercentage", "type", "stopPrice", "id"],
            ),
            (
                OrderType.LIMIT_IF_TOUCHED,
                {"trigger_price": Decimal("141"), "limit_price": Decimal("140")},
                ["type", "triggerPrice", "limitPrice", "triggerTouched", "id"],
            ),
            (OrderType.MARKET_ON_OPEN, {}, ["type", "id"]),
        ],
    )
    def test_subclass_fields_come_before_the_order_fields(
        self, order_type: OrderType, prices: dict[str, Decimal], leading_keys: list[str]
    ) -> None:
        order = basic_template_order(type=order_type, **prices)

        keys = list(order_to_json_dict(order))

        assert keys[: len(leading_keys)] == leading_keys
        assert keys[-2:] == ["isMarketable", "priceAdjustmentMode"]

    def test_unset_times_are_omitted_and_set_ones_follow_created_time(self) -> None:
        canceled = basic_template_order(
            last_fill_time=None, canceled_time=FILL_TIME, status=OrderStatus.CANCELED
        )

        keys = list(order_to_json_dict(canceled))

        assert keys[keys.index("createdTime") + 1 : keys.index("quantity")] == ["canceledTime"]


class TestValues:
    def test_hash_rounds_limit_prices_but_the_result_file_keeps_them(self) -> None:
        order = basic_template_order(type=OrderType.LIMIT, limit_price=Decimal("144.781724170"))

        hashed = json.loads(order_to_json(order))
        stored = order_to_json_dict(order)

        assert hashed["limitPrice"] == 144.7817
        assert stored["limitPrice"] == Decimal("144.781724170")
        assert stored["price"] == Decimal("144.78172417")

    @pytest.mark.parametrize(
        ("quantity", "limit", "marketable"),
        [("10", "144.79", True), ("10", "144.77", False), ("-10", "144.77", True), ("-10", "144.78", False)],
    )
    def test_limit_orders_are_marketable_when_they_cross_the_submitted_quote(
        self, quantity: str, limit: str, marketable: bool
    ) -> None:
        order = basic_template_order(
            type=OrderType.LIMIT, quantity=Decimal(quantity), limit_price=Decimal(limit)
        )

        assert order_to_json_dict(order)["isMarketable"] is marketable

    def test_quantity_loses_trailing_zeros_and_gains_a_decimal_point(self) -> None:
        text = order_to_json(basic_template_order(quantity=Decimal("688.000")))

        assert '"quantity":688.0,' in text

    def test_day_orders_name_their_time_in_force_type(self) -> None:
        text = order_to_json(basic_template_order(time_in_force=TimeInForce.DAY))

        assert (
            '"properties":{"timeInForce":{"$type":"QuantConnect.Orders.TimeInForces.DayTimeInForce"}}' in text
        )

    def test_missing_submission_data_is_written_as_null(self) -> None:
        text = order_to_json(
            basic_template_order(submission_data=None, status=OrderStatus.INVALID, tag="no data")
        )

        assert '"status":7,"tag":"no data",' in text
        assert '"orderSubmissionData":null,' in text

    def test_a_limit_order_without_a_limit_price_is_rejected(self) -> None:
        with pytest.raises(ValueError, match="limit price"):
            order_to_json(basic_template_order(type=OrderType.LIMIT))

    def test_orders_are_hashed_in_id_order(self) -> None:
        first = basic_template_order()
        second = basic_template_order(id=2, quantity=Decimal("-688"))

        assert order_list_hash([second, first]) == order_list_hash([first, second])
