from datetime import UTC, datetime
from decimal import Decimal

import pytest

from lean_core.enums import AccountType, OrderType
from lean_core.orders.fee_models import (
    BinanceFeeModel,
    CoinbaseFeeModel,
    ConstantFeeModel,
    InteractiveBrokersFeeModel,
)
from lean_core.orders.fill_models import EquityFillModel, FillModel
from lean_core.securities.brokerage_model import (
    BinanceBrokerageModel,
    BrokerageName,
    CoinbaseBrokerageModel,
    DefaultBrokerageModel,
    InteractiveBrokersBrokerageModel,
    brokerage_model_for,
    trading_days_per_year,
)
from lean_core.securities.buying_power import SecurityMarginModel
from lean_core.securities.cash_buying_power import CashBuyingPowerModel
from lean_core.securities.security import Security
from tests.unit.securities.builders import BTCUSD, SPY, cash_book, crypto, equity, forex, order

NOW = datetime(2020, 1, 6, 15, tzinfo=UTC)


def build(kind: str, account_type: AccountType = AccountType.MARGIN) -> Security:
    book = cash_book()
    builders = {"equity": equity, "forex": forex, "crypto": crypto}
    return builders[kind](book, account_type=account_type)


class TestDefaultBrokerageModel:
    @pytest.mark.parametrize(
        ("kind", "fill_model", "fee_model", "leverage"),
        [
            ("equity", EquityFillModel, InteractiveBrokersFeeModel, Decimal(2)),
            ("forex", FillModel, ConstantFeeModel, Decimal(50)),
            ("crypto", FillModel, ConstantFeeModel, Decimal(1)),
        ],
    )
    def test_margin_account_models(
        self, kind: str, fill_model: type, fee_model: type, leverage: Decimal
    ) -> None:
        security = build(kind)

        assert type(security.fill_model) is fill_model
        assert type(security.fee_model) is fee_model
        assert isinstance(security.buying_power_model, SecurityMarginModel)
        assert security.exact_leverage == leverage

    @pytest.mark.parametrize(
        ("kind", "model"), [("forex", CashBuyingPowerModel), ("crypto", CashBuyingPowerModel)]
    )
    def test_cash_account_trades_currency_pairs_with_cash(self, kind: str, model: type) -> None:
        security = build(kind, AccountType.CASH)

        assert isinstance(security.buying_power_model, model)
        assert security.exact_leverage == 1

    def test_cash_account_equity_has_no_leverage(self) -> None:
        assert build("equity", AccountType.CASH).exact_leverage == 1

    def test_market_on_open_orders_are_refused_for_futures_only(self) -> None:
        model = DefaultBrokerageModel()
        security = build("equity")

        assert model.can_submit_order(security, order(SPY, 1, OrderType.MARKET_ON_OPEN, NOW)) == (True, "")


class TestNamedModels:
    @pytest.mark.parametrize(
        ("name", "model_type", "account_type"),
        [
            ("Default", DefaultBrokerageModel, AccountType.MARGIN),
            ("QuantConnectBrokerage", DefaultBrokerageModel, AccountType.MARGIN),
            ("InteractiveBrokersBrokerage", InteractiveBrokersBrokerageModel, AccountType.MARGIN),
            (BrokerageName.COINBASE, CoinbaseBrokerageModel, AccountType.CASH),
            ("GDAX", CoinbaseBrokerageModel, AccountType.CASH),
            ("BINANCE", BinanceBrokerageModel, AccountType.CASH),
        ],
    )
    def test_factory_builds_leans_model(
        self, name: BrokerageName | str, model_type: type, account_type: AccountType
    ) -> None:
        model = brokerage_model_for(name)

        assert type(model) is model_type
        assert model.account_type == account_type

    def test_coinbase_refuses_a_margin_account(self) -> None:
        with pytest.raises(ValueError, match="does not currently support Margin trading"):
            brokerage_model_for(BrokerageName.COINBASE, AccountType.MARGIN)

    def test_unmodelled_brokerages_say_so(self) -> None:
        with pytest.raises(NotImplementedError, match="KRAKEN"):
            brokerage_model_for("Kraken")

    def test_unknown_names_are_refused(self) -> None:
        with pytest.raises(ValueError, match="unknown brokerage 'Nope'"):
            brokerage_model_for("Nope")

    @pytest.mark.parametrize(
        ("name", "days"),
        [(BrokerageName.DEFAULT, 252), (BrokerageName.COINBASE, 365), (BrokerageName.KRAKEN, 365),
         (BrokerageName.INTERACTIVE_BROKERS_BROKERAGE, 252), (BrokerageName.BINANCE_US, 365)],
    )  # fmt: skip
    def test_trading_days_per_year(self, name: BrokerageName, days: int) -> None:
        assert trading_days_per_year(name) == days

    def test_model_name_is_leans(self) -> None:
        assert brokerage_model_for("binanceus").name == "BinanceUS"
        assert brokerage_model_for("Coinbase").trading_days_per_year == 365

    def test_crypto_brokerages_use_their_fee_models(self) -> None:
        security = build("crypto", AccountType.CASH)

        assert isinstance(CoinbaseBrokerageModel().get_fee_model(security), CoinbaseFeeModel)
        assert isinstance(BinanceBrokerageModel().get_fee_model(security), BinanceFeeModel)


class TestCanSubmitOrder:
    def test_coinbase_refuses_equities(self) -> None:
        accepted, message = CoinbaseBrokerageModel().can_submit_order(
            build("equity"), order(SPY, 1, OrderType.MARKET, NOW)
        )

        assert not accepted
        assert message == "The CoinbaseBrokerageModel does not support Equity security type."

    def test_coinbase_refuses_market_on_open(self) -> None:
        accepted, message = CoinbaseBrokerageModel().can_submit_order(
            build("crypto", AccountType.CASH), order(BTCUSD, 1, OrderType.MARKET_ON_OPEN, NOW)
        )

        assert not accepted
        assert message == (
            "The CoinbaseBrokerageModel does not support MarketOnOpen order type. "
            "Only supports [Limit,Market,StopLimit,StopMarket]"
        )

    def test_coinbase_no_longer_takes_stop_market_orders(self) -> None:
        accepted, message = CoinbaseBrokerageModel().can_submit_order(
            build("crypto", AccountType.CASH),
            order(BTCUSD, 1, OrderType.STOP_MARKET, NOW, stop_price=Decimal(1)),
        )

        assert not accepted
        assert message.startswith("Stop Market orders are no longer supported since")

    def test_binance_market_order_needs_data(self) -> None:
        accepted, message = BinanceBrokerageModel().can_submit_order(
            build("crypto", AccountType.CASH), order(BTCUSD, 1, OrderType.MARKET, NOW)
        )

        assert not accepted
        assert message.startswith("There is no data for this symbol yet")

    def test_interactive_brokers_refuses_crypto(self) -> None:
        accepted, message = InteractiveBrokersBrokerageModel().can_submit_order(
            build("crypto"), order(BTCUSD, 1, OrderType.MARKET, NOW)
        )

        assert not accepted
        assert message == "The InteractiveBrokersBrokerageModel does not support Crypto security type."
