from datetime import UTC, datetime
from decimal import Decimal

from lean_core.enums import OrderType
from lean_core.orders.slippage_models import ConstantSlippageModel, NullSlippageModel
from tests.unit.securities.builders import SPY, cash_book, equity, new_york, order, trade_bar

NOW = datetime(2013, 10, 7, 13, 31, tzinfo=UTC)


class TestSlippageModels:
    def test_null_model_has_no_slippage(self) -> None:
        security = equity(cash_book())

        assert (
            NullSlippageModel().get_slippage_approximation(security, order(SPY, 1, OrderType.MARKET, NOW))
            == 0
        )

    def test_constant_model_takes_a_fraction_of_the_last_value(self) -> None:
        security = equity(cash_book())
        security.update_trade_bar(trade_bar(SPY, new_york(2013, 10, 7, 9, 31), 100, 100, 100, 150.5))

        slippage = ConstantSlippageModel(0.002).get_slippage_approximation(
            security, order(SPY, 1, OrderType.MARKET, NOW)
        )

        assert slippage == Decimal("0.3010000")

    def test_constant_model_before_any_data_is_zero(self) -> None:
        security = equity(cash_book())

        assert (
            ConstantSlippageModel(0.002).get_slippage_approximation(
                security, order(SPY, 1, OrderType.MARKET, NOW)
            )
            == 0
        )
