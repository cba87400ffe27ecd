"""Crypto brokerage models: Coinbase, Binance, Binance.US and Bybit (cash accounts, their own fees)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from lean_core.enums import AccountType, Market, OrderType, SecurityType, pascal_name
from lean_core.orders.fee_models import BinanceFeeModel, CoinbaseFeeModel, FeeModel
from lean_core.orders.orders import Order
from lean_core.securities.brokerage_name import BrokerageName
from lean_core.securities.buying_power import BuyingPowerModel
from lean_core.securities.cash_buying_power import CashBuyingPowerModel
from lean_core.securities.decimals import ONE, as_utc
from lean_core.securities.default_brokerage_model import DEFAULT_MARKETS, DefaultBrokerageModel

if TYPE_CHECKING:
    from lean_core.securities.security import Security

__all__ = [
    "BinanceBrokerageModel",
    "BinanceUSBrokerageModel",
    "BybitBrokerageModel",
    "BybitFeeModel",
    "CoinbaseBrokerageModel",
]


_CRYPTO_ORDER_TYPES: Final = (OrderType.LIMIT, OrderType.MARKET, OrderType.STOP_LIMIT, OrderType.STOP_MARKET)
_COINBASE_STOP_MARKET_END = datetime(2019, 3, 23, 1, 0, tzinfo=UTC)


def _minimum_size_message(security: Security, quantity: Decimal) -> str:
    return (
        f"The minimum order size (in quote currency) for {security.symbol.value} is "
        f"{security.symbol_properties.minimum_order_size}. Order quantity was {quantity}."
    )


class CoinbaseBrokerageModel(DefaultBrokerageModel):
    """Coinbase: cash account only, crypto only, Coinbase fees."""

    brokerage_name = BrokerageName.COINBASE

    def __init__(self, account_type: AccountType = AccountType.CASH) -> None:
        if account_type == AccountType.MARGIN:
            raise ValueError("The Coinbase brokerage does not currently support Margin trading.")
        super().__init__(account_type)

    @property
    def default_markets(self) -> dict[SecurityType, str]:
        """Return the default markets with crypto on Coinbase."""
        return {**DEFAULT_MARKETS, SecurityType.CRYPTO: Market.COINBASE}

    @property
    def default_benchmark(self) -> tuple[str, SecurityType, str]:
        """Return BTCUSD on Coinbase."""
        return "BTCUSD", SecurityType.CRYPTO, Market.COINBASE

    def get_leverage(self, security: Security) -> Decimal:
        """Return 1: no margin trading."""
        return ONE

    def get_fee_model(self, security: Security) -> FeeModel:
        """Return Coinbase's fees."""
        return CoinbaseFeeModel()

    def get_buying_power_model(self, security: Security) -> BuyingPowerModel:
        """Return the cash model."""
        return CashBuyingPowerModel()

    def can_submit_order(self, security: Security, order: Order) -> tuple[bool, str]:
        """Apply Coinbase's rules: crypto only, four order types, no stop market since 2019, minimum size."""
        if order.broker_id:
            return False, "Brokerage does not support update. You must cancel and re-create instead."
        minimum = security.symbol_properties.minimum_order_size
        if minimum is not None and abs(order.quantity) < minimum:
            return False, _minimum_size_message(security, order.quantity)
        if security.type != SecurityType.CRYPTO:
            return self._unsupported_security(security)
        if order.type not in _CRYPTO_ORDER_TYPES:
            return self._unsupported_order_type(order, _CRYPTO_ORDER_TYPES)
        if order.type == OrderType.STOP_MARKET and as_utc(order.time) >= _COINBASE_STOP_MARKET_END:
            return False, "Stop Market orders are no longer supported since 03/23/2019 01:00:00."
        return super().can_submit_order(security, order)

    def can_update_order(self, security: Security, order: Order) -> tuple[bool, str]:
        """Only limit orders can be updated."""
        if order.type != OrderType.LIMIT:
            return False, f"Order with type {pascal_name(order.type)} can't be modified, only LIMIT."
        return True, ""


class BinanceBrokerageModel(DefaultBrokerageModel):
    """Binance: cash account by default, crypto only, Binance fees, leverage 3 on margin."""

    brokerage_name = BrokerageName.BINANCE
    market = Market.BINANCE

    def __init__(self, account_type: AccountType = AccountType.CASH) -> None:
        super().__init__(account_type)

    @property
    def default_markets(self) -> dict[SecurityType, str]:
        """Return the default markets with crypto on this exchange."""
        return {**DEFAULT_MARKETS, SecurityType.CRYPTO: self.market}

    @property
    def default_benchmark(self) -> tuple[str, SecurityType, str]:
        """Return BTCUSDC on this exchange."""
        return "BTCUSDC", SecurityType.CRYPTO, self.market

    def get_leverage(self, security: Security) -> Decimal:
        """Return 1 on a cash account, else 3 (25 for crypto futures)."""
        if (
            self.account_type == AccountType.CASH
            or security.is_internal
            or security.type == SecurityType.BASE
        ):
            return ONE
        return Decimal(25) if security.type == SecurityType.CRYPTO_FUTURE else Decimal(3)

    def get_fee_model(self, security: Security) -> FeeModel:
        """Return Binance's fees."""
        return BinanceFeeModel()

    def can_update_order(self, security: Security, order: Order) -> tuple[bool, str]:
        """Refuse every update."""
        return False, "Brokerage does not support update. You must cancel and re-create instead."

    def can_submit_order(self, security: Security, order: Order) -> tuple[bool, str]:
        """Apply Binance's rules: crypto only, limit/market/stop-limit, minimum notional (quote currency)."""
        checked = self._order_price(security, order)
        if isinstance(checked, tuple):
            return checked
        minimum = security.symbol_properties.minimum_order_size
        prices = [checked] if order.type != OrderType.STOP_LIMIT else [order.limit_price or ONE, checked]
        for price in prices:
            if minimum is not None and not order.absolute_quantity * price > minimum:
                return False, (
                    f"The minimum order size (in quote currency) for {security.symbol.value} is {minimum}. "
                    f"Order size was {order.quantity * price}."
                )
        if security.type not in (SecurityType.CRYPTO, SecurityType.CRYPTO_FUTURE):
            return self._unsupported_security(security)
        return super().can_submit_order(security, order)

    def _order_price(self, security: Security, order: Order) -> Decimal | tuple[bool, str]:
        """Return the price the minimum notional is checked at, or a refusal."""
        if order.type == OrderType.MARKET:
            if not security.has_data:
                return False, (
                    "There is no data for this symbol yet, please check the security.HasData flag to "
                    "ensure there is at least one data point."
                )
            return security.exact_ask_price if order.quantity > 0 else security.exact_bid_price
        if order.type == OrderType.LIMIT:
            return order.limit_price or Decimal(0)
        if order.type == OrderType.STOP_LIMIT or (
            order.type == OrderType.STOP_MARKET and security.type == SecurityType.CRYPTO_FUTURE
        ):
            return order.stop_price or Decimal(0)
        if order.type == OrderType.STOP_MARKET:
            return False, (
                "StopMarket orders are not supported for this symbol. Please check "
                "'https://api.binance.com/api/v3/exchangeInfo?symbol="
                f"{security.symbol_properties.market_ticker}' to see supported order types."
            )
        return self._unsupported_order_type(order, _CRYPTO_ORDER_TYPES)


class BinanceUSBrokerageModel(BinanceBrokerageModel):
    """Binance.US: Binance's rules on the binanceus market, cash account only."""

    brokerage_name = BrokerageName.BINANCE_US
    market = Market.BINANCEUS

    def __init__(self, account_type: AccountType = AccountType.CASH) -> None:
        if account_type == AccountType.MARGIN:
            raise ValueError("The Binance.US brokerage does not currently support Margin trading.")
        super().__init__(account_type)


class BybitFeeModel(BinanceFeeModel):
    """Bybit's non-VIP fee, 0.1% maker and taker, charged in the currency received as Binance's is."""

    def __init__(self, maker_fee: Decimal = Decimal("0.001"), taker_fee: Decimal = Decimal("0.001")) -> None:
        super().__init__(maker_fee, taker_fee)


class BybitFuturesFeeModel(BybitFeeModel):
    """Bybit's non-VIP futures fee: 0.02% maker, 0.055% taker."""

    def __init__(
        self, maker_fee: Decimal = Decimal("0.0002"), taker_fee: Decimal = Decimal("0.00055")
    ) -> None:
        super().__init__(maker_fee, taker_fee)


_BYBIT_SECURITY_TYPES: Final = (SecurityType.CRYPTO, SecurityType.CRYPTO_FUTURE, SecurityType.BASE)


class BybitBrokerageModel(DefaultBrokerageModel):
    """Bybit: cash account by default, crypto, crypto futures and custom data, leverage 10 on margin."""

    brokerage_name = BrokerageName.BYBIT

    def __init__(self, account_type: AccountType = AccountType.CASH) -> None:
        super().__init__(account_type)

    @property
    def default_markets(self) -> dict[SecurityType, str]:
        """Return the default markets with crypto and crypto futures on Bybit."""
        return {
            **DEFAULT_MARKETS,
            SecurityType.CRYPTO: Market.BYBIT,
            SecurityType.CRYPTO_FUTURE: Market.BYBIT,
        }

    @property
    def default_benchmark(self) -> tuple[str, SecurityType, str]:
        """Return BTCUSDC on Bybit."""
        return "BTCUSDC", SecurityType.CRYPTO, Market.BYBIT

    def get_leverage(self, security: Security) -> Decimal:
        """Return 1 on a cash account, for internal feeds and for custom data, else 10."""
        if (
            self.account_type == AccountType.CASH
            or security.is_internal
            or security.type == SecurityType.BASE
        ):
            return ONE
        return Decimal(10)

    def get_fee_model(self, security: Security) -> FeeModel:
        """Return Bybit's spot or futures fees; custom data pays none."""
        if security.type == SecurityType.CRYPTO:
            return BybitFeeModel()
        if security.type == SecurityType.CRYPTO_FUTURE:
            return BybitFuturesFeeModel()
        if security.type == SecurityType.BASE:
            return super().get_fee_model(security)
        raise ValueError(
            f"The {type(self).__name__} does not support {security.type.lean_name} security type."
        )

    def can_submit_order(self, security: Security, order: Order) -> tuple[bool, str]:
        """Apply Bybit's rules: crypto, crypto futures or custom data; four order types; minimum size."""
        if security.type not in _BYBIT_SECURITY_TYPES:
            return self._unsupported_security(security)
        if order.type not in _CRYPTO_ORDER_TYPES:
            return self._unsupported_order_type(order, _BYBIT_ORDER_TYPES)
        minimum = security.symbol_properties.minimum_order_size
        if minimum is not None and order.absolute_quantity < minimum:
            return False, _minimum_size_message(security, order.quantity)
        return super().can_submit_order(security, order)

    def can_update_order(self, security: Security, order: Order) -> tuple[bool, str]:
        """Only crypto futures orders can be updated, and only while open."""
        if security.type != SecurityType.CRYPTO_FUTURE:
            return False, "Brokerage does not support update. You must cancel and re-create instead."
        if not order.is_open:
            return False, f"Order with status {order.status.name.title()} can't be modified"
        return True, ""


# LEAN lists them in this order in Bybit's refusal message.
_BYBIT_ORDER_TYPES: Final = (OrderType.STOP_MARKET, OrderType.STOP_LIMIT, OrderType.MARKET, OrderType.LIMIT)
