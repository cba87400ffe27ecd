"""Orders on the wire (`OrderRecord`) and what LEAN calls a marketable order."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from lean_core.enums import Market, OptionRight, OptionStyle, OrderType, SecurityType
from lean_core.orders.orders import Order, OrderSubmissionData
from lean_core.orders.records import order_from_record, order_to_record
from lean_core.statistics.order_list_hash import order_to_json_dict
from lean_core.symbols import Symbol
from lean_core.symbols.security_identifier import SecurityIdentifier

NOW = datetime(2022, 12, 13, 5, tzinfo=UTC)
BTCUSDT = Symbol.create("BTCUSDT", SecurityType.CRYPTO, Market.BYBIT)
# add_data(CustomCryptoData, BTCUSDT): the identifier names the type, not the underlying.
CUSTOM = Symbol(SecurityIdentifier.parse("BTCUSDT.CustomCryptoData 2US"), "BTCUSDT", BTCUSDT)


def test_a_custom_data_symbol_keeps_its_underlying_through_the_wire() -> None:
    record = order_to_record(Order(1, CUSTOM, Decimal(1), OrderType.MARKET, NOW))

    rebuilt = order_from_record(record)

    assert (record.underlying_id, record.underlying_value) == (str(BTCUSDT.id), "BTCUSDT")
    assert rebuilt.symbol == CUSTOM and rebuilt.symbol.underlying == BTCUSDT
    # LEAN's order JSON (and so the OrderListHash) names the underlying.
    symbol_json = order_to_json_dict(rebuilt)["symbol"]
    assert isinstance(symbol_json, dict)
    assert symbol_json["underlying"] == {"value": "BTCUSDT", "id": str(BTCUSDT.id), "permtick": "BTCUSDT"}


def test_an_option_s_underlying_comes_from_its_identifier_alone() -> None:
    spy = Symbol.create("SPY", SecurityType.EQUITY, Market.USA)
    option = Symbol.create_option(
        spy, Market.USA, OptionStyle.AMERICAN, OptionRight.CALL, 150, date(2014, 6, 21)
    )

    record = order_to_record(Order(1, option, Decimal(1), OrderType.MARKET, NOW))

    assert record.underlying_id == ""
    assert order_from_record(record).symbol.underlying == option.underlying


@pytest.mark.parametrize(
    ("quantity", "limit", "marketable"),
    [(1, "101", True), (1, "100.99", False), (-1, "100", True), (-1, "100.01", False)],
)
def test_a_limit_is_marketable_through_the_submission_quote(
    quantity: int, limit: str, marketable: bool
) -> None:
    placed = Order(1, BTCUSDT, Decimal(quantity), OrderType.LIMIT, NOW, limit_price=Decimal(limit))
    placed.submission_data = OrderSubmissionData(Decimal(100), Decimal(101), Decimal("100.5"))

    assert placed.is_marketable is marketable


def test_a_limit_without_submission_data_is_not_marketable_but_a_market_order_is() -> None:
    limit = Order(1, BTCUSDT, Decimal(1), OrderType.LIMIT, NOW, limit_price=Decimal(10**6))

    assert not limit.is_marketable
    assert Order(2, BTCUSDT, Decimal(1), OrderType.MARKET, NOW).is_marketable
