"""The Bybit brokerage model: markets, leverage, fees, order rules and benchmark as LEAN's."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from lean_core.enums import AccountType, Market, OrderType, SecurityType
from lean_core.orders.fee_models import ConstantFeeModel
from lean_core.orders.orders import Order
from lean_core.securities.brokerage_model import BybitBrokerageModel, brokerage_model_for
from lean_core.securities.cash_book import Cash
from lean_core.securities.crypto_brokerage_models import BybitFeeModel
from lean_core.securities.security import Security
from lean_core.symbols import Symbol
from lean_core.symbols.symbol_properties import SymbolProperties
from lean_core.time.exchange_hours import SecurityExchangeHours
from lean_core.time.time_zones import TimeZones


def _security(symbol: Symbol) -> Security:
    properties = SymbolProperties("", "USDT", 1, 0.01, 0.000001, minimum_order_size=Decimal("0.000011"))
    hours = SecurityExchangeHours.always_open(TimeZones.UTC)
    return Security(symbol, hours, properties, Cash("USDT", Decimal(0), Decimal(1)))


BTCUSDT = Symbol.create("BTCUSDT", SecurityType.CRYPTO, Market.BYBIT)
CUSTOM = Symbol.create("BTC", SecurityType.BASE, Market.USA)


def test_bybit_is_built_by_name_with_a_cash_account_and_its_markets() -> None:
    model = brokerage_model_for("Bybit")

    assert isinstance(model, BybitBrokerageModel) and model.account_type == AccountType.CASH
    assert model.default_markets[SecurityType.CRYPTO] == Market.BYBIT
    assert model.default_benchmark == ("BTCUSDC", SecurityType.CRYPTO, Market.BYBIT)
    assert model.trading_days_per_year == 365


def test_leverage_is_ten_on_margin_but_one_for_custom_data_and_cash() -> None:
    margin = BybitBrokerageModel(AccountType.MARGIN)

    assert margin.get_leverage(_security(BTCUSDT)) == 10
    assert margin.get_leverage(_security(CUSTOM)) == 1
    assert BybitBrokerageModel().get_leverage(_security(BTCUSDT)) == 1


def test_crypto_pays_bybit_fees_and_custom_data_none() -> None:
    model = BybitBrokerageModel()

    assert isinstance(model.get_fee_model(_security(BTCUSDT)), BybitFeeModel)
    assert isinstance(model.get_fee_model(_security(CUSTOM)), ConstantFeeModel)


def test_orders_below_the_minimum_size_or_of_other_types_are_refused() -> None:
    model = BybitBrokerageModel()
    security = _security(BTCUSDT)

    def order(quantity: str, kind: OrderType = OrderType.MARKET) -> Order:
        return Order(1, BTCUSDT, Decimal(quantity), kind, datetime(2022, 12, 13))

    assert model.can_submit_order(security, order("0.001")) == (True, "")
    allowed, message = model.can_submit_order(security, order("0.00001"))
    assert not allowed and "minimum order size" in message
    allowed, message = model.can_submit_order(security, order("1", OrderType.MARKET_ON_OPEN))
    assert not allowed and "[StopMarket,StopLimit,Market,Limit]" in message
