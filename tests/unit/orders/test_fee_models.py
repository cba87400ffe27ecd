from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from lean_core.enums import AccountType, Market, OptionRight, OptionStyle, OrderType, SecurityType
from lean_core.orders.fee_models import (
    BinanceFeeModel,
    CoinbaseFeeModel,
    ConstantFeeModel,
    FeeModel,
    InteractiveBrokersFeeModel,
    OrderFee,
)
from lean_core.orders.orders import OrderSubmissionData
from lean_core.securities.brokerage_model import DefaultBrokerageModel
from lean_core.securities.security import Security
from lean_core.symbols import Symbol
from lean_core.symbols.symbol_properties import SymbolProperties
from tests.unit.securities.builders import (
    BTCUSD,
    EURUSD,
    SPY,
    always_open_hours,
    cash_book,
    crypto,
    equity,
    forex,
    new_york,
    order,
    quote_bar,
    trade_bar,
)

NOW = datetime(2020, 1, 6, 15, tzinfo=UTC)
IB = InteractiveBrokersFeeModel()


def priced_equity(price: float) -> Security:
    security = equity(cash_book())
    security.update_trade_bar(trade_bar(SPY, new_york(2020, 1, 6, 10), price, price, price, price))
    return security


class TestOrderFee:
    def test_amount_loses_trailing_zeros(self) -> None:
        assert str(OrderFee(Decimal("3.440"), "USD").amount) == "3.44"
        assert str(OrderFee(Decimal("2.00"), "USD")) == "2 USD"

    def test_base_model_charges_nothing(self) -> None:
        assert FeeModel().get_order_fee(priced_equity(10), order(SPY, 1, OrderType.MARKET, NOW)).amount == 0

    def test_constant_fee_is_unsigned(self) -> None:
        fee = ConstantFeeModel(-2.5, "EUR").get_order_fee(
            priced_equity(10), order(SPY, 1, OrderType.MARKET, NOW)
        )
        assert fee == OrderFee(Decimal("2.5"), "EUR")


class TestInteractiveBrokersEquity:
    @pytest.mark.parametrize(
        ("price", "quantity", "expected"),
        [
            (144.773077904, 688, "3.44"),  # $0.005 a share
            (144.773077904, -688, "3.44"),  # sells pay the same
            (100.0, 10, "1"),  # at least $1
            (0.5, 100_000, "250.0"),  # at most 0.5% of the value: 0.005 x 50000
        ],
    )
    def test_per_share_fee_with_minimum_and_maximum(self, price: float, quantity: int, expected: str) -> None:
        security = priced_equity(price)
        fee = IB.get_order_fee(security, order(SPY, quantity, OrderType.MARKET, NOW))

        assert fee == OrderFee(Decimal(expected), "USD")

    def test_the_cap_uses_the_security_price_not_a_limit_price(self) -> None:
        security = priced_equity(0.5)
        limit = order(SPY, 100_000, OrderType.LIMIT, NOW, limit_price=Decimal("0.4"))

        # A buy limit is valued at min(limit, price): 0.005 x 40000.
        assert IB.get_order_fee(security, limit).amount == Decimal(200)


class TestInteractiveBrokersOtherAssets:
    def test_forex_is_two_tenths_of_a_basis_point_with_a_two_dollar_minimum(self) -> None:
        book = cash_book()
        security = forex(book)
        security.update_quote_bar(quote_bar(EURUSD, datetime(2020, 1, 6, 15), 1.1, 1.1))

        small = IB.get_order_fee(security, order(EURUSD, 10_000, OrderType.MARKET, NOW))
        large = IB.get_order_fee(security, order(EURUSD, 20_000_000, OrderType.MARKET, NOW))

        assert small == OrderFee(Decimal(2), "USD")
        assert large.amount == Decimal("440.000")

    @pytest.mark.parametrize(
        ("premium", "contracts", "expected"),
        [(1.5, 10, "6.5"), (0.07, 10, "5.0"), (0.03, 10, "2.5"), (0.03, 2, "1")],
    )
    def test_us_options_by_premium(self, premium: float, contracts: int, expected: str) -> None:
        option = _option(premium)
        limit = order(option.symbol, contracts, OrderType.LIMIT, NOW, limit_price=Decimal(str(premium)))

        assert IB.get_order_fee(option, limit).amount == Decimal(expected)

    @pytest.mark.parametrize(("root", "expected"), [("ES", "2.15"), ("MES", "0.57"), ("ZC", "2.47")])
    def test_us_futures_per_contract(self, root: str, expected: str) -> None:
        future = _future(root)
        fee = IB.get_order_fee(future, order(future.symbol, 1, OrderType.MARKET, NOW))

        assert fee == OrderFee(Decimal(expected), "USD")


def _option(premium: float) -> Security:
    contract = Symbol.create_option(
        SPY, Market.USA, OptionStyle.AMERICAN, OptionRight.CALL, 150, date(2020, 2, 21)
    )
    properties = SymbolProperties("", "USD", Decimal(100), Decimal("0.01"), Decimal(1))
    security = Security(contract, always_open_hours(), properties, cash_book()["USD"])
    security.update_quote_bar(quote_bar(contract, datetime(2020, 1, 6, 15), premium, premium))
    return security


def _future(root: str) -> Security:
    contract = Symbol.create_future(root, Market.CME, date(2020, 3, 20))
    properties = SymbolProperties("", "USD", Decimal(50), Decimal("0.25"), Decimal(1))
    return Security(contract, always_open_hours(), properties, cash_book()["USD"])


class TestCryptoExchanges:
    def _btc(self) -> Security:
        security = crypto(cash_book(), account_type=AccountType.CASH)
        security.update_quote_bar(quote_bar(BTCUSD, datetime(2020, 1, 6, 15), 9990.0, 10010.0))
        return security

    @pytest.mark.parametrize(
        ("order_type", "quantity", "expected"),
        [(OrderType.MARKET, 1, "80.08"), (OrderType.LIMIT, 1, "60.06"), (OrderType.MARKET, -1, "79.92")],
    )
    def test_coinbase_charges_taker_or_maker_on_the_quote(
        self, order_type: OrderType, quantity: int, expected: str
    ) -> None:
        security = self._btc()
        placed = order(BTCUSD, quantity, order_type, NOW, limit_price=Decimal(10_000))

        assert CoinbaseFeeModel().get_order_fee(security, placed) == OrderFee(Decimal(expected), "USD")

    @pytest.mark.parametrize(("quantity", "limit", "expected"), [(1, 10_010, "80.08"), (-1, 9_990, "79.92")])
    def test_coinbase_limits_through_the_submission_quote_pay_the_taker_fee(
        self, quantity: int, limit: int, expected: str
    ) -> None:
        security = self._btc()
        placed = order(BTCUSD, quantity, OrderType.LIMIT, NOW, limit_price=Decimal(limit))
        placed.submission_data = OrderSubmissionData(Decimal(9990), Decimal(10010), Decimal(10000))

        assert placed.is_marketable
        assert CoinbaseFeeModel().get_order_fee(security, placed) == OrderFee(Decimal(expected), "USD")

    def test_coinbase_used_other_tiers_before_2019(self) -> None:
        security = self._btc()
        placed = order(BTCUSD, 1, OrderType.MARKET, datetime(2018, 1, 1, tzinfo=UTC))

        assert CoinbaseFeeModel().get_order_fee(security, placed).amount == Decimal("30.03")

    def test_binance_takes_buy_fees_in_the_base_currency(self) -> None:
        security = self._btc()

        buy = BinanceFeeModel().get_order_fee(security, order(BTCUSD, 2, OrderType.MARKET, NOW))
        sell = BinanceFeeModel().get_order_fee(security, order(BTCUSD, -2, OrderType.MARKET, NOW))

        assert buy == OrderFee(Decimal("0.002"), "BTC")
        assert sell == OrderFee(Decimal("19.98"), "USD")


def test_default_brokerage_gives_equities_ib_fees() -> None:
    security = equity(cash_book())
    DefaultBrokerageModel().initialize_security(security)

    assert isinstance(security.fee_model, InteractiveBrokersFeeModel)
    assert security.type == SecurityType.EQUITY
