"""Buying power of a cash account trading currency pairs (LEAN's `CashBuyingPowerModel`).

Buys spend the quote currency held, sells give up the base currency held: no leverage and no
shorting. Open limit and stop orders reserve what they would spend.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from lean_core.enums import OrderDirection, OrderType
from lean_core.orders.orders import Order
from lean_core.securities.buying_power import (
    BuyingPowerModel,
    GetMaximumOrderQuantityResult,
    HasSufficientBuyingPowerForOrderResult,
    zero_price_message,
)
from lean_core.securities.decimals import ONE, ZERO, format_normalized
from lean_core.securities.security import base_currency_of

if TYPE_CHECKING:
    from lean_core.orders.fee_models import FeeModel
    from lean_core.securities.cash_book import Cash
    from lean_core.securities.portfolio import SecurityPortfolioManager
    from lean_core.securities.security import Security

__all__ = ["CashBuyingPowerModel"]

_RESERVING_TYPES = (OrderType.LIMIT, OrderType.STOP_MARKET)


def _held_text(held: Decimal, reserved: Decimal, currency: str, order: Order, base: Cash) -> str:
    """Return the start of LEAN's refusal: what is held and reserved of the currency the order spends."""
    side = "Sell" if order.direction == OrderDirection.SELL else "Buy"
    return (
        f"Your portfolio holds {format_normalized(held)} {currency}, {format_normalized(reserved)} "
        f"{currency} of which are reserved for open orders, but your {side} order is for "
        f"{format_normalized(order.absolute_quantity)} {base.symbol}."
    )


def _order_price(security: Security, order: Order) -> Decimal:
    """Return the price a cash order is valued at (LEAN's `GetOrderPrice`)."""
    if order.type == OrderType.MARKET:
        return security.exact_price
    if order.type in (OrderType.LIMIT, OrderType.STOP_LIMIT, OrderType.LIMIT_IF_TOUCHED):
        return order.limit_price or ZERO
    if order.type in (OrderType.STOP_MARKET, OrderType.TRAILING_STOP):
        return order.stop_price or ZERO
    return ZERO


class CashBuyingPowerModel(BuyingPowerModel):
    """Cash-only trading of forex and crypto pairs."""

    def __init__(self) -> None:
        super().__init__(ONE, ZERO, ZERO)

    def get_leverage(self, security: Security | None) -> Decimal:
        """Return 1: cash accounts have no leverage."""
        return ONE

    def set_leverage(self, security: Security | None, leverage: Decimal) -> None:
        """Refuse any leverage but 1."""
        if leverage != 1:
            raise ValueError(
                "CashBuyingPowerModel does not allow setting leverage. Cash accounts have no leverage."
            )

    def get_reserved_buying_power_for_position(self, security: Security) -> Decimal:
        """Return 0: a currency bought outright uses no buying power."""
        return ZERO

    def has_sufficient_buying_power_for_order(
        self, portfolio: SecurityPortfolioManager, security: Security, order: Order
    ) -> HasSufficientBuyingPowerForOrderResult:
        """Tell whether the quote (buy) or base (sell) currency held covers the order and open orders."""
        base = base_currency_of(security)
        if base is None:
            return HasSufficientBuyingPowerForOrderResult(
                False,
                f"The '{security.symbol.value}' security is not supported by this cash model. "
                "Currently only Crypto and Forex are supported.",
            )
        reserved = _open_orders_reserved_quantity(portfolio, security, order, base)
        if order.direction == OrderDirection.SELL:
            held = base.exact_amount
            if order.absolute_quantity <= held - reserved:
                return HasSufficientBuyingPowerForOrderResult(True)
            return HasSufficientBuyingPowerForOrderResult(
                False,
                _held_text(held, reserved, base.symbol, order, base)
                + " Cash Modeling trading does not permit short holdings so ensure you only sell what you "
                "have, including any additional open orders.",
            )
        return self._check_buy(portfolio, security, order, base, reserved)

    def _check_buy(
        self,
        portfolio: SecurityPortfolioManager,
        security: Security,
        order: Order,
        base: Cash,
        reserved: Decimal,
    ) -> HasSufficientBuyingPowerForOrderResult:
        held = security.quote_currency.exact_amount
        cost = order.absolute_quantity * _order_price(security, order)
        quote = security.quote_currency.symbol
        if order.type == OrderType.MARKET:
            book = portfolio.cash_book
            holdings_value = book.convert(base.exact_amount, base.symbol, quote)
            target_value = book.convert_to_account_currency(held - reserved + holdings_value, quote)
            total = portfolio.exact_total_portfolio_value
            target = ZERO if total == 0 else target_value / total
            result = self.get_maximum_order_quantity_for_target_buying_power(portfolio, security, target)
            maximum = result.quantity * _order_price(security, order)
            if cost <= abs(maximum):
                return HasSufficientBuyingPowerForOrderResult(True)
        else:
            fee = ZERO
            if order.type == OrderType.LIMIT:
                order_fee = security.fee_model.get_order_fee(security, order)
                fee = portfolio.cash_book.convert(order_fee.amount, order_fee.currency, quote)
            maximum = held - reserved - fee
            if cost <= maximum:
                return HasSufficientBuyingPowerForOrderResult(True)
        return HasSufficientBuyingPowerForOrderResult(
            False,
            _held_text(held, reserved, quote, order, base)
            + f" Your order requires a total value of {format_normalized(cost)} {quote}, but only a total "
            f"value of {format_normalized(abs(maximum))} {quote} is available.",
        )

    def get_maximum_order_quantity_for_target_buying_power(
        self,
        portfolio: SecurityPortfolioManager,
        security: Security,
        target: Decimal,
        order_fee_model: FeeModel | None = None,
        *,
        minimum_order_margin_portfolio_percentage: Decimal = ZERO,
        silence_non_error_reasons: bool = False,
    ) -> GetMaximumOrderQuantityResult:
        """Return the base quantity to trade so the base currency is worth `target` x TPV, fees included."""
        target_value = target * portfolio.exact_total_portfolio_value
        if target_value < 0:
            return GetMaximumOrderQuantityResult(ZERO, "The cash model does not allow shorting.")
        base = base_currency_of(security)
        if base is None:
            return GetMaximumOrderQuantityResult(ZERO, "The security type must be Cryptoor Forex.")
        if target_value == 0:
            return GetMaximumOrderQuantityResult(-base.exact_amount)
        position = portfolio.cash_book.convert_to_account_currency(base.exact_amount, base.symbol)
        order_value = abs(target_value - position)
        is_buy = target_value > position
        unit_price = security.exact_ask_price if is_buy else security.exact_bid_price
        unit_price *= (
            security.quote_currency.exact_conversion_rate * security.symbol_properties.contract_multiplier
        )
        if unit_price == 0:
            return GetMaximumOrderQuantityResult(ZERO, self._zero_unit_price_reason(portfolio, security))
        quantity = self._fit_to_value(
            portfolio, security, order_value, unit_price, order_fee_model, silence_non_error_reasons
        )
        if isinstance(quantity, GetMaximumOrderQuantityResult):
            return quantity
        return GetMaximumOrderQuantityResult(quantity if is_buy else -quantity)

    @staticmethod
    def _zero_unit_price_reason(portfolio: SecurityPortfolioManager, security: Security) -> str:
        if security.quote_currency.exact_conversion_rate == 0:
            return (
                f"The internal cash feed required for converting {security.quote_currency.symbol} to "
                f"{portfolio.cash_book.account_currency} does not have any data yet (or market may be "
                "closed)."
            )
        if security.symbol_properties.contract_multiplier == 0:
            return (
                f"The contract multiplier for the {security.symbol.value} security is zero. The symbol "
                "properties database may be out of date."
            )
        return zero_price_message(security)

    @staticmethod
    def _fit_to_value(
        portfolio: SecurityPortfolioManager,
        security: Security,
        target_value: Decimal,
        unit_price: Decimal,
        fee_model: FeeModel | None,
        silence: bool,
    ) -> Decimal | GetMaximumOrderQuantityResult:
        # Shrink the quantity by whole lots until value plus fee fits the target value (LEAN's loop).
        lot = security.symbol_properties.lot_size
        fee_model = fee_model or security.fee_model
        lot_reason = f"The order quantity is less than the lot size of {lot} and has been rounded to zero."
        quantity = target_value / unit_price
        quantity -= quantity % lot
        if quantity == 0:
            return GetMaximumOrderQuantityResult(ZERO, "" if silence else lot_reason, is_error=False)
        fees = current_value = last_quantity = ZERO
        while True:
            if current_value > target_value:
                excess = (current_value - target_value) / (current_value / quantity)
                quantity -= max(excess, lot)
            quantity -= quantity % lot
            if quantity <= 0:
                details = f"Target order value {target_value}. Order fees {fees}. Order quantity {quantity}."
                return GetMaximumOrderQuantityResult(ZERO, lot_reason + details)
            if last_quantity == quantity:
                raise ValueError(
                    f"GetMaximumOrderQuantityForTargetBuyingPower failed to converge to target order value "
                    f"{target_value}. Current order value is {current_value}. Order quantity {quantity}."
                )
            last_quantity = quantity
            order = Order(
                0, security.symbol, quantity, OrderType.MARKET, portfolio.current_utc_time(security)
            )
            fee = fee_model.get_order_fee(security, order)
            fees = portfolio.cash_book.convert_to_account_currency(fee.amount, fee.currency)
            current_value = quantity * unit_price + fees
            if current_value <= target_value:
                return quantity

    def get_buying_power(
        self, portfolio: SecurityPortfolioManager, security: Security, direction: OrderDirection
    ) -> Decimal:
        """Return the buying power in BASE currency units (quote held / price for a buy), as LEAN does."""
        base = base_currency_of(security)
        if base is None:
            return ZERO
        price = security.exact_price * security.symbol_properties.contract_multiplier
        if price == 0:
            return ZERO
        if direction == OrderDirection.BUY:
            return portfolio.cash_book[security.quote_currency.symbol].exact_amount / price
        if direction == OrderDirection.SELL:
            return base.exact_amount
        return ZERO


def _open_orders_reserved_quantity(
    portfolio: SecurityPortfolioManager, security: Security, order: Order, base: Cash
) -> Decimal:
    """Return what open limit and stop orders already hold of the currency this order spends."""
    target_currency = security.quote_currency.symbol if order.direction == OrderDirection.BUY else base.symbol
    sides: dict[object, OrderDirection] = {}
    for other in portfolio.securities.values():
        other_base = base_currency_of(other)
        if other_base is None:
            continue
        if other_base.symbol == target_currency:
            sides[other.symbol] = OrderDirection.SELL
        elif other.quote_currency.symbol == target_currency:
            sides[other.symbol] = OrderDirection.BUY
    reserved = ZERO
    for open_order in portfolio.order_provider.get_open_orders():
        if open_order.id == order.id or open_order.type not in _RESERVING_TYPES:
            continue
        if sides.get(open_order.symbol) != open_order.direction:
            continue
        other = portfolio.securities[open_order.symbol]
        quantity = open_order.absolute_quantity
        if other.quote_currency.symbol == target_currency:
            quantity *= _order_price(security, open_order)
        reserved += quantity
    return reserved
