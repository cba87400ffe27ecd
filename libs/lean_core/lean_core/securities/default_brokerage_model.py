"""LEAN's default and Interactive Brokers brokerage models.

`DefaultBrokerageModel` gives IB fees for equities, options and futures (free elsewhere), the equity
fill model for equities, leverage 2 (equity), 50 (forex, CFD), 1 (crypto) and 25 (crypto futures) on
a margin account, 1 on a cash account, and T+1 settlement of equity and option sales on a cash
account. Futures and option margin models, and the future fill model, are not built yet: they fall
back on the generic ones.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Final

from lean_core.enums import AccountType, Market, OrderType, SecurityType, pascal_name
from lean_core.orders.fee_models import ConstantFeeModel, FeeModel, InteractiveBrokersFeeModel
from lean_core.orders.fill_models import EquityFillModel, FillModel
from lean_core.orders.orders import Order
from lean_core.orders.slippage_models import NullSlippageModel, SlippageModel
from lean_core.securities.brokerage_name import BrokerageName, trading_days_per_year
from lean_core.securities.buying_power import BuyingPowerModel, SecurityMarginModel
from lean_core.securities.cash_buying_power import CashBuyingPowerModel
from lean_core.securities.decimals import ONE
from lean_core.securities.settlement import DelayedSettlementModel, ImmediateSettlementModel, SettlementModel

if TYPE_CHECKING:
    from lean_core.securities.security import Security

__all__ = ["DEFAULT_MARKETS", "DefaultBrokerageModel", "InteractiveBrokersBrokerageModel"]

DEFAULT_MARKETS: Final = {
    SecurityType.BASE: Market.USA, SecurityType.EQUITY: Market.USA, SecurityType.OPTION: Market.USA,
    SecurityType.FUTURE: Market.CME, SecurityType.FUTURE_OPTION: Market.CME, SecurityType.FOREX: Market.OANDA,
    SecurityType.CFD: Market.OANDA, SecurityType.CRYPTO: Market.COINBASE,
    SecurityType.CRYPTO_FUTURE: Market.BINANCE,
    SecurityType.INDEX: Market.USA, SecurityType.INDEX_OPTION: Market.USA,
}  # fmt: skip
_MARGIN_LEVERAGE: Final = {
    SecurityType.CRYPTO_FUTURE: Decimal(25), SecurityType.EQUITY: Decimal(2), SecurityType.FOREX: Decimal(50),
    SecurityType.CFD: Decimal(50),
}  # fmt: skip
_IB_FEE_TYPES: Final = (
    SecurityType.EQUITY,
    SecurityType.OPTION,
    SecurityType.FUTURE,
    SecurityType.FUTURE_OPTION,
)
_DELAYED_SETTLEMENT_TYPES: Final = (SecurityType.EQUITY, SecurityType.OPTION)


class DefaultBrokerageModel:
    """LEAN's default brokerage: what a backtest uses unless the algorithm picks another."""

    brokerage_name: BrokerageName = BrokerageName.DEFAULT
    required_free_buying_power_percent: Decimal = Decimal(0)

    def __init__(self, account_type: AccountType = AccountType.MARGIN) -> None:
        self.account_type = account_type

    @property
    def default_markets(self) -> dict[SecurityType, str]:
        """Return the market each security type trades on by default."""
        return dict(DEFAULT_MARKETS)

    @property
    def name(self) -> str:
        """Return LEAN's name of the brokerage ("Default")."""
        return self.brokerage_name.lean_name

    @property
    def default_benchmark(self) -> tuple[str, SecurityType, str]:
        """Return the benchmark (ticker, security type, market) an algorithm gets unless it sets one."""
        return "SPY", SecurityType.EQUITY, Market.USA

    @property
    def trading_days_per_year(self) -> int:
        """Return the trading days per year the statistics annualise with."""
        return trading_days_per_year(self.brokerage_name)

    # -- models ------------------------------------------------------------------------------------------
    def get_leverage(self, security: Security) -> Decimal:
        """Return the leverage a new security gets."""
        if self.account_type == AccountType.CASH:
            return ONE
        return _MARGIN_LEVERAGE.get(security.type, ONE)

    def get_fill_model(self, security: Security) -> FillModel:
        """Return the fill model (the future fill model is not built yet: futures use the generic one)."""
        return EquityFillModel() if security.type == SecurityType.EQUITY else FillModel()

    def get_fee_model(self, security: Security) -> FeeModel:
        """Return IB's fees for equities, options and futures; no fee otherwise."""
        return (
            InteractiveBrokersFeeModel() if security.type in _IB_FEE_TYPES else ConstantFeeModel(Decimal(0))
        )

    def get_slippage_model(self, security: Security) -> SlippageModel:
        """Return no slippage."""
        return NullSlippageModel()

    def get_settlement_model(self, security: Security) -> SettlementModel:
        """Return T+1 settlement for equity and option sales on a cash account, else immediate settlement."""
        if self.account_type == AccountType.CASH and security.type in _DELAYED_SETTLEMENT_TYPES:
            return DelayedSettlementModel()
        return ImmediateSettlementModel()

    def get_buying_power_model(self, security: Security) -> BuyingPowerModel:
        """Return the margin model (currency pairs on a cash account: the cash model)."""
        if (
            security.type in (SecurityType.CRYPTO, SecurityType.FOREX)
            and self.account_type == AccountType.CASH
        ):
            return CashBuyingPowerModel()
        return SecurityMarginModel(self.get_leverage(security), self.required_free_buying_power_percent)

    def apply_models(self, security: Security) -> None:
        """Give a security this brokerage's fill, fee, slippage, settlement and buying power models."""
        security.fill_model = self.get_fill_model(security)
        security.fee_model = self.get_fee_model(security)
        security.slippage_model = self.get_slippage_model(security)
        security.settlement_model = self.get_settlement_model(security)
        security.buying_power_model = self.get_buying_power_model(security)

    def initialize_security(self, security: Security) -> None:
        """Give a security this brokerage's models, then its leverage (LEAN's security initializer)."""
        self.apply_models(security)
        security.set_leverage(self.get_leverage(security))

    # -- order rules -------------------------------------------------------------------------------------
    def can_submit_order(self, security: Security, order: Order) -> tuple[bool, str]:
        """Tell whether the brokerage takes the order; the message explains a refusal."""
        if security.type in (SecurityType.FUTURE, SecurityType.FUTURE_OPTION) and (
            order.type == OrderType.MARKET_ON_OPEN
        ):
            return False, "MarketOnOpen orders are not supported for futures and future options."
        return True, ""

    def can_update_order(self, security: Security, order: Order) -> tuple[bool, str]:
        """Tell whether the brokerage accepts an update of the order."""
        return True, ""

    def can_execute_order(self, security: Security, order: Order) -> bool:
        """Tell whether the order can execute now."""
        return True

    def _unsupported_security(self, security: Security) -> tuple[bool, str]:
        return False, f"The {type(self).__name__} does not support {security.type.lean_name} security type."

    def _unsupported_order_type(self, order: Order, supported: tuple[OrderType, ...]) -> tuple[bool, str]:
        names = ",".join(pascal_name(t) for t in supported)
        return False, (
            f"The {type(self).__name__} does not support {pascal_name(order.type)} order type. "
            f"Only supports [{names}]"
        )


_IB_ORDER_TYPES: Final = (
    OrderType.MARKET, OrderType.MARKET_ON_OPEN, OrderType.MARKET_ON_CLOSE, OrderType.LIMIT,
    OrderType.STOP_MARKET,
    OrderType.STOP_LIMIT, OrderType.TRAILING_STOP, OrderType.LIMIT_IF_TOUCHED, OrderType.COMBO_MARKET,
    OrderType.COMBO_LIMIT, OrderType.COMBO_LEG_LIMIT, OrderType.OPTION_EXERCISE,
)  # fmt: skip
_IB_SECURITY_TYPES: Final = (
    SecurityType.EQUITY, SecurityType.FOREX, SecurityType.OPTION, SecurityType.FUTURE,
    SecurityType.FUTURE_OPTION,
    SecurityType.INDEX, SecurityType.INDEX_OPTION, SecurityType.CFD,
)  # fmt: skip
_IB_MOC_TYPES: Final = (SecurityType.FUTURE, SecurityType.EQUITY, SecurityType.CFD)


class InteractiveBrokersBrokerageModel(DefaultBrokerageModel):
    """Interactive Brokers: IB fees on everything, CFD leverage 10, IB's order type rules."""

    brokerage_name = BrokerageName.INTERACTIVE_BROKERS_BROKERAGE

    @property
    def default_markets(self) -> dict[SecurityType, str]:
        """Return IB's default markets (CFDs on interactivebrokers, no crypto)."""
        markets = dict(DEFAULT_MARKETS)
        markets[SecurityType.CFD] = Market.INTERACTIVE_BROKERS
        del markets[SecurityType.CRYPTO], markets[SecurityType.CRYPTO_FUTURE]
        return markets

    def get_fee_model(self, security: Security) -> FeeModel:
        """Return IB's fees."""
        return InteractiveBrokersFeeModel()

    def get_leverage(self, security: Security) -> Decimal:
        """Return 10 for CFDs on a margin account, else the default leverage."""
        if self.account_type == AccountType.MARGIN and security.type == SecurityType.CFD:
            return Decimal(10)
        return super().get_leverage(security)

    def can_submit_order(self, security: Security, order: Order) -> tuple[bool, str]:
        """Apply IB's order type and security type rules (market-on-open windows and forex sizes: TODO)."""
        if order.type not in _IB_ORDER_TYPES:
            return self._unsupported_order_type(order, _IB_ORDER_TYPES)
        if order.type == OrderType.MARKET_ON_CLOSE and security.type not in _IB_MOC_TYPES:
            return False, (
                "InteractiveBrokers does not support Market-on-Close orders for other security types "
                "different than Future and Equity."
            )
        if security.type not in _IB_SECURITY_TYPES:
            return self._unsupported_security(security)
        return True, ""
