"""How a fill changes the portfolio (LEAN's `SecurityPortfolioModel.ProcessFill`).

A fill adds its value to the sale volume, pays its fee from the cash book, moves cash through the
settlement model (forex and crypto also receive the base currency), books the profit of the part
that closes a position, and sets the new quantity and average price:

- adding to a position averages the prices, weighted by quantity;
- reducing keeps the average price; going through zero restarts it at the fill price; flat is 0.

Each closing fill leaves a transaction record: the realised profit minus twice that fill's fee,
LEAN's figure for its trade statistics.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from lean_core.enums import SecurityType
from lean_core.orders.events import OrderEvent
from lean_core.securities.cash_book import CashAmount
from lean_core.securities.decimals import ZERO
from lean_core.securities.security import base_currency_of

if TYPE_CHECKING:
    from lean_core.securities.portfolio import SecurityPortfolioManager
    from lean_core.securities.security import Security

__all__ = ["SecurityPortfolioModel"]

# Derivatives paid for by margin alone: no cash changes hands at the fill, only the profit on closing.
_NO_UPFRONT_CASH = (SecurityType.FUTURE, SecurityType.CFD, SecurityType.CRYPTO_FUTURE)


class SecurityPortfolioModel:
    """Applies fills to the portfolio."""

    def process_fill(self, portfolio: SecurityPortfolioManager, security: Security, fill: OrderEvent) -> None:
        """Apply one (partial) fill to cash and holdings."""
        holdings = security.holdings
        closes = holdings.is_reduced_by(fill.direction)
        sale_value = holdings.get_quantity_value(abs(fill.fill_quantity), fill.fill_price).in_account_currency
        holdings.add_new_sale(sale_value)
        fee = self._pay_fee(portfolio, security, fill)
        self._apply_funds(portfolio, security, fill)
        if closes:
            profit = self.close_trade_profit(portfolio, security, fill)
            holdings.add_new_profit(profit)
            holdings.set_last_trade_profit(profit)
            transaction_profit = profit - 2 * fee
            portfolio.add_transaction_record(fill.utc_time, transaction_profit, transaction_profit > 0)
        average, quantity = _next_position(
            holdings.exact_average_price, holdings.exact_quantity, fill.fill_price, fill.fill_quantity
        )
        holdings.set_holdings(average, quantity)

    @staticmethod
    def _pay_fee(portfolio: SecurityPortfolioManager, security: Security, fill: OrderEvent) -> Decimal:
        if fill.order_fee_amount == 0:
            return ZERO
        fee = portfolio.cash_book.convert_to_account_currency(fill.order_fee_amount, fill.order_fee_currency)
        security.holdings.add_new_fee(fee)
        portfolio.cash_book[fill.order_fee_currency].add_amount(-fill.order_fee_amount)
        return fee

    @staticmethod
    def _apply_funds(portfolio: SecurityPortfolioManager, security: Security, fill: OrderEvent) -> None:
        settlement = security.settlement_model
        if security.type not in _NO_UPFRONT_CASH:
            multiplier = security.symbol_properties.contract_multiplier
            cost = CashAmount(
                -fill.fill_quantity * fill.fill_price * multiplier, security.quote_currency.symbol
            )
            settlement.apply_funds(portfolio, security, fill.utc_time, cost)
        base = base_currency_of(security)
        if base is not None:
            # A currency pair fill is a swap: the base currency comes in (or goes out) too.
            settlement.apply_funds(
                portfolio, security, fill.utc_time, CashAmount(fill.fill_quantity, base.symbol)
            )

    @staticmethod
    def close_trade_profit(
        portfolio: SecurityPortfolioManager, security: Security, fill: OrderEvent
    ) -> Decimal:
        """Return the account-currency profit of the part of the fill that closes the position."""
        holdings = security.holdings
        closed = min(abs(fill.fill_quantity), abs(holdings.exact_quantity))
        signed_closed = closed if fill.fill_quantity < 0 else -closed
        cost = holdings.get_quantity_value(signed_closed, holdings.exact_average_price)
        sale = holdings.get_quantity_value(signed_closed, fill.fill_price)
        profit = sale.amount - cost.amount
        if security.type in _NO_UPFRONT_CASH:
            security.settlement_model.apply_funds(
                portfolio, security, fill.utc_time, CashAmount(profit, sale.currency)
            )
        return profit * security.quote_currency.exact_conversion_rate


def _next_position(
    average: Decimal, quantity: Decimal, fill_price: Decimal, fill_quantity: Decimal
) -> tuple[Decimal, Decimal]:
    """Return (average price, quantity) after a fill, by LEAN's rules."""
    if quantity == 0:
        return fill_price, fill_quantity
    new_quantity = quantity + fill_quantity
    adds = (quantity > 0) == (fill_quantity > 0)
    if adds:
        return (average * quantity + fill_quantity * fill_price) / new_quantity, new_quantity
    if new_quantity == 0:
        return ZERO, new_quantity
    if (new_quantity > 0) != (quantity > 0):
        return fill_price, new_quantity
    return average, new_quantity
