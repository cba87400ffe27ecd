"""A security's position: quantity, average price and what it has earned (LEAN's `SecurityHolding`).

Quantities and money are decimals (`exact_*`); the LEAN-named properties return floats, as LEAN's
Python API does. `unrealized_profit` is LEAN's `TotalCloseProfit`: the value at the bid (long) or ask
(short) minus the cost, minus the fee of a market order that would close the position.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from lean_core.enums import OrderDirection, OrderType, SecurityType
from lean_core.orders.orders import Order
from lean_core.securities.decimals import ZERO

if TYPE_CHECKING:
    from lean_core.securities.security import Security
    from lean_core.symbols import Symbol

__all__ = ["ConvertibleCashAmount", "CurrencyConverter", "SecurityHolding"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class CurrencyConverter(Protocol):
    """Converts an amount of a currency to the account currency (a `CashBook` is one)."""

    def convert_to_account_currency(self, amount: Decimal, currency: str) -> Decimal:
        """Return `amount` of `currency` in the account currency."""
        ...


@dataclass(frozen=True, slots=True)
class ConvertibleCashAmount:
    """An amount in the security's quote currency and the same amount in the account currency."""

    amount: Decimal
    currency: str
    in_account_currency: Decimal


class SecurityHolding:
    """The position held in one security."""

    def __init__(self, security: Security, currency_converter: CurrencyConverter | None = None) -> None:
        self._security = security
        self.currency_converter = currency_converter
        self._quantity = ZERO
        self._average_price = ZERO
        self._total_sale_volume = ZERO
        self._profit = ZERO
        self._last_trade_profit = ZERO
        self._total_fees = ZERO
        self._total_dividends = ZERO
        self._on_change: Callable[[], None] | None = None

    # -- identity ------------------------------------------------------------------------------------------
    @property
    def symbol(self) -> Symbol:
        """Return the held security's symbol."""
        return self._security.symbol

    @property
    def type(self) -> SecurityType:
        """Return the held security's type."""
        return self._security.type

    # -- exact values (engine) -----------------------------------------------------------------------------
    @property
    def exact_quantity(self) -> Decimal:
        """Return the signed quantity held."""
        return self._quantity

    @property
    def exact_average_price(self) -> Decimal:
        """Return the average fill price of the open position."""
        return self._average_price

    @property
    def exact_price(self) -> Decimal:
        """Return the security's current price (the trade close for equities)."""
        return self._security.exact_price

    @property
    def exact_leverage(self) -> Decimal:
        """Return the leverage of the security's buying power model."""
        return self._security.exact_leverage

    def get_quantity_value(self, quantity: Decimal, price: Decimal | None = None) -> ConvertibleCashAmount:
        """Return quantity x price x contract multiplier, in the quote and in the account currency."""
        quote = self._security.quote_currency
        amount = self._quote_amount(quantity, self.exact_price if price is None else price)
        return ConvertibleCashAmount(amount, quote.symbol, amount * quote.exact_conversion_rate)

    def _quote_amount(self, quantity: Decimal, price: Decimal) -> Decimal:
        return price * quantity * self._security.symbol_properties.contract_multiplier

    @property
    def exact_holdings_cost(self) -> Decimal:
        """Return quantity x average price in the account currency."""
        if self._quantity == 0:
            return ZERO
        return self.get_quantity_value(self._quantity, self._average_price).in_account_currency

    @property
    def exact_absolute_holdings_cost(self) -> Decimal:
        """Return the unsigned holdings cost."""
        return abs(self.exact_holdings_cost)

    @property
    def exact_unlevered_holdings_cost(self) -> Decimal:
        """Return the holdings cost divided by the leverage."""
        return self.exact_holdings_cost / self.exact_leverage

    @property
    def exact_unlevered_absolute_holdings_cost(self) -> Decimal:
        """Return the unsigned unlevered holdings cost."""
        return abs(self.exact_unlevered_holdings_cost)

    @property
    def exact_holdings_value(self) -> Decimal:
        """Return quantity x current price in the account currency."""
        if self._quantity == 0:
            return ZERO
        # The portfolio value reads this for every held security at every step: no amount object.
        security = self._security
        return (
            self._quote_amount(self._quantity, security.exact_price)
            * security.quote_currency.exact_conversion_rate
        )

    @property
    def exact_absolute_holdings_value(self) -> Decimal:
        """Return the unsigned holdings value."""
        return abs(self.exact_holdings_value)

    @property
    def exact_total_sale_volume(self) -> Decimal:
        """Return the account-currency value of every fill so far."""
        return self._total_sale_volume

    @property
    def exact_total_fees(self) -> Decimal:
        """Return the fees paid, in the account currency."""
        return self._total_fees

    @property
    def exact_total_dividends(self) -> Decimal:
        """Return the dividends received."""
        return self._total_dividends

    @property
    def exact_profit(self) -> Decimal:
        """Return the realised profit plus dividends."""
        return self._profit + self._total_dividends

    @property
    def exact_net_profit(self) -> Decimal:
        """Return the profit minus the fees."""
        return self.exact_profit - self._total_fees

    @property
    def exact_last_trade_profit(self) -> Decimal:
        """Return the profit of the last closing fill."""
        return self._last_trade_profit

    @property
    def exact_unrealized_profit(self) -> Decimal:
        """Return the profit of closing the position now at market, after the closing fee."""
        return self.total_close_profit()

    @property
    def exact_unrealized_profit_percent(self) -> Decimal:
        """Return the unrealized profit over the absolute holdings cost (0 without a position)."""
        cost = self.exact_absolute_holdings_cost
        return ZERO if cost == 0 else self.exact_unrealized_profit / cost

    def total_close_profit(
        self,
        include_fees: bool = True,
        exit_price: Decimal | None = None,
        entry_price: Decimal | None = None,
        quantity: Decimal | None = None,
    ) -> Decimal:
        """Return what closing `quantity` (default: the position) at market would earn (LEAN's rule)."""
        used_quantity = self._quantity if quantity is None else quantity
        if quantity is None and not self.invested:
            return ZERO
        fees = self._closing_fee(-used_quantity) if include_fees else ZERO
        # A long position sells at the bid, a short one buys at the ask; the price replaces a missing quote.
        price = self._security.exact_bid_price if self.is_long else self._security.exact_ask_price
        if price == 0:
            price = self.exact_price
        entry = self.get_quantity_value(
            used_quantity, self._average_price if entry_price is None else entry_price
        )
        exit_ = self.get_quantity_value(used_quantity, price if exit_price is None else exit_price)
        return exit_.in_account_currency - entry.in_account_currency - fees

    def _closing_fee(self, quantity: Decimal) -> Decimal:
        security = self._security
        order = Order(0, security.symbol, quantity, OrderType.MARKET, security.utc_time or _EPOCH)
        fee = security.fee_model.get_order_fee(security, order)
        return self._to_account_currency(fee.amount, fee.currency)

    def _to_account_currency(self, amount: Decimal, currency: str) -> Decimal:
        if amount == 0:
            return ZERO
        if self.currency_converter is not None:
            return self.currency_converter.convert_to_account_currency(amount, currency)
        quote = self._security.quote_currency
        return amount * quote.exact_conversion_rate if currency == quote.symbol else amount

    # -- user view (floats) ---------------------------------------------------------------------------------
    @property
    def quantity(self) -> float:
        """Return the signed quantity held."""
        return float(self._quantity)

    @property
    def absolute_quantity(self) -> float:
        """Return the unsigned quantity held."""
        return float(abs(self._quantity))

    @property
    def average_price(self) -> float:
        """Return the average fill price."""
        return float(self._average_price)

    @property
    def price(self) -> float:
        """Return the security's current price."""
        return float(self.exact_price)

    @property
    def leverage(self) -> float:
        """Return the leverage."""
        return float(self.exact_leverage)

    @property
    def holdings_cost(self) -> float:
        """Return quantity x average price in the account currency."""
        return float(self.exact_holdings_cost)

    @property
    def absolute_holdings_cost(self) -> float:
        """Return the unsigned holdings cost."""
        return float(self.exact_absolute_holdings_cost)

    @property
    def unlevered_holdings_cost(self) -> float:
        """Return the holdings cost divided by the leverage."""
        return float(self.exact_unlevered_holdings_cost)

    @property
    def unlevered_absolute_holdings_cost(self) -> float:
        """Return the unsigned unlevered holdings cost."""
        return float(self.exact_unlevered_absolute_holdings_cost)

    @property
    def holdings_value(self) -> float:
        """Return quantity x price in the account currency."""
        return float(self.exact_holdings_value)

    @property
    def absolute_holdings_value(self) -> float:
        """Return the unsigned holdings value."""
        return float(self.exact_absolute_holdings_value)

    @property
    def unrealized_profit(self) -> float:
        """Return the profit of closing at market now, after the closing fee."""
        return float(self.exact_unrealized_profit)

    @property
    def unrealized_profit_percent(self) -> float:
        """Return the unrealized profit over the absolute holdings cost."""
        return float(self.exact_unrealized_profit_percent)

    @property
    def total_fees(self) -> float:
        """Return the fees paid."""
        return float(self._total_fees)

    @property
    def total_dividends(self) -> float:
        """Return the dividends received."""
        return float(self._total_dividends)

    @property
    def profit(self) -> float:
        """Return the realised profit plus dividends."""
        return float(self.exact_profit)

    @property
    def net_profit(self) -> float:
        """Return the profit minus fees."""
        return float(self.exact_net_profit)

    @property
    def last_trade_profit(self) -> float:
        """Return the profit of the last closing fill."""
        return float(self._last_trade_profit)

    @property
    def total_sale_volume(self) -> float:
        """Return the value of every fill so far."""
        return float(self._total_sale_volume)

    @property
    def is_long(self) -> bool:
        """Tell whether the position is long."""
        return self._quantity > 0

    @property
    def is_short(self) -> bool:
        """Tell whether the position is short."""
        return self._quantity < 0

    def is_reduced_by(self, direction: OrderDirection) -> bool:
        """Tell whether an order in `direction` cuts into the position: a sell when long, a buy if short."""
        return (self.is_long and direction == OrderDirection.SELL) or (
            self.is_short and direction == OrderDirection.BUY
        )

    @property
    def invested(self) -> bool:
        """Tell whether at least one lot is held (smaller remainders do not count, as in LEAN)."""
        return abs(self._quantity) >= self._security.symbol_properties.lot_size

    @property
    def hold_stock(self) -> bool:
        """Tell whether at least one lot is held."""
        return self.invested

    # -- changes (engine) ----------------------------------------------------------------------------------
    def set_holdings(self, average_price: Decimal, quantity: Decimal) -> None:
        """Replace the average price and quantity."""
        self._average_price = average_price
        self._quantity = quantity
        if self._on_change is not None:
            self._on_change()

    def notify_changes(self, callback: Callable[[], None]) -> None:
        """Call `callback` after each change of the position (a security manager tracks what is held)."""
        self._on_change = callback

    def add_new_fee(self, fee: Decimal) -> None:
        """Add a fee paid, in the account currency."""
        self._total_fees += fee

    def add_new_profit(self, profit: Decimal) -> None:
        """Add a realised profit, in the account currency."""
        self._profit += profit

    def add_new_sale(self, sale_value: Decimal) -> None:
        """Add the value of a fill to the sale volume."""
        self._total_sale_volume += sale_value

    def add_new_dividend(self, dividend: Decimal) -> None:
        """Add a dividend received."""
        self._total_dividends += dividend

    def set_last_trade_profit(self, profit: Decimal) -> None:
        """Record the profit of the last closing fill."""
        self._last_trade_profit = profit

    def __repr__(self) -> str:
        return f"{self.symbol.value}: {self._quantity} @ {self._average_price}"
