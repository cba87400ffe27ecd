"""The algorithm's portfolio: cash, holdings and their totals (LEAN's `SecurityPortfolioManager`).

Totals are decimals (`exact_*`); the LEAN-named properties return floats. The total portfolio value
is cash + unsettled cash + the value of held securities other than forex, crypto, futures and CFDs
(currency pairs live in the cash book; CFDs count by their unrealized profit).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple, Protocol

from lean_core.enums import AccountType, DataNormalizationMode, OrderDirection, SecurityType
from lean_core.orders.events import OrderEvent
from lean_core.orders.orders import Order
from lean_core.securities.buying_power import HasSufficientBuyingPowerForOrderResult
from lean_core.securities.cash_book import Cash, CashBook, decompose_currency_pair
from lean_core.securities.decimals import ZERO, as_utc, to_decimal
from lean_core.securities.holdings import SecurityHolding
from lean_core.securities.portfolio_model import SecurityPortfolioModel
from lean_core.securities.security import Security
from lean_core.securities.security_manager import SecurityManager
from lean_core.symbols import Symbol

__all__ = [
    "DEFAULT_STARTING_CASH",
    "NullOrderProvider",
    "OrderProvider",
    "SecurityPortfolioManager",
    "TransactionRecord",
]

#: LEAN starts every portfolio with $100,000 in the account currency.
DEFAULT_STARTING_CASH = Decimal(100_000)
_NOT_IN_HOLDINGS_VALUE = (
    SecurityType.FOREX,
    SecurityType.CRYPTO,
    SecurityType.FUTURE,
    SecurityType.CFD,
    SecurityType.CRYPTO_FUTURE,
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# LEAN keys transaction records by time and moves a duplicate on by a millisecond.
_RECORD_TIME_STEP = timedelta(milliseconds=1)


class TransactionRecord(NamedTuple):
    """A closing fill's profit net of twice its fee (LEAN's `TransactionRecord` entry)."""

    utc_time: datetime
    profit_loss: Decimal
    is_win: bool


class OrderProvider(Protocol):
    """What the buying power models ask the transaction handler."""

    def get_open_orders(self) -> Sequence[Order]:
        """Return the orders that can still fill."""
        ...

    def get_quantity_filled(self, order_id: int) -> Decimal:
        """Return the signed quantity already filled of an order."""
        ...


class NullOrderProvider:
    """No open orders, nothing filled: the provider before the engine plugs its own."""

    def get_open_orders(self) -> Sequence[Order]:
        """Return no orders."""
        return ()

    def get_quantity_filled(self, order_id: int) -> Decimal:
        """Return 0."""
        return ZERO


class SecurityPortfolioManager(Mapping[Symbol, SecurityHolding]):
    """Holdings by symbol (a ticker works too), the cash book and the portfolio totals."""

    def __init__(
        self,
        securities: SecurityManager,
        cash_book: CashBook | None = None,
        account_type: AccountType = AccountType.MARGIN,
    ) -> None:
        """Build the portfolio; without a cash book it starts with LEAN's $100,000 in USD."""
        self.securities = securities
        if cash_book is None:
            cash_book = CashBook()
            cash_book[cash_book.account_currency].set_amount(DEFAULT_STARTING_CASH)
        self.cash_book = cash_book
        self.unsettled_cash_book = CashBook(cash_book.account_currency)
        self.account_type = account_type
        self.portfolio_model = SecurityPortfolioModel()
        self.order_provider: OrderProvider = NullOrderProvider()
        self.transaction_records: list[TransactionRecord] = []
        self._record_times: set[datetime] = set()
        for security in securities.values():
            self._attach(security)
        securities.on_added(self._attach)

    def _attach(self, security: Security) -> None:
        """Point the security at this cash book's currencies (adding missing ones) and converter."""
        security.quote_currency = self._linked_cash(security.quote_currency)
        if security.type in (SecurityType.FOREX, SecurityType.CRYPTO):
            security.base_currency = self._base_cash(security)
        security.holdings.currency_converter = self.cash_book

    def _base_cash(self, security: Security) -> Cash | None:
        # As LEAN's security service: the base currency is the ticker less the quote currency.
        if security.base_currency is not None:
            return self._linked_cash(security.base_currency)
        pair = decompose_currency_pair(security)
        if pair is None:
            return None
        if pair[0] in self.cash_book:
            return self.cash_book[pair[0]]
        return self.cash_book.add(pair[0], ZERO, ZERO)

    def _linked_cash(self, cash: Cash) -> Cash:
        if cash.symbol in self.cash_book:
            return self.cash_book[cash.symbol]
        return self.cash_book.add_cash(cash)

    # -- mapping -------------------------------------------------------------------------------------------
    def __getitem__(self, key: Symbol | str) -> SecurityHolding:
        return self.securities[key].holdings

    def __contains__(self, key: object) -> bool:
        return key in self.securities

    def __iter__(self) -> Iterator[Symbol]:
        return iter(self.securities)

    def __len__(self) -> int:
        return len(self.securities)

    def contains_key(self, key: Symbol | str) -> bool:
        """Tell whether the symbol (or ticker) is in the portfolio."""
        return key in self.securities

    # -- cash ----------------------------------------------------------------------------------------------
    @property
    def exact_cash(self) -> Decimal:
        """Return the settled cash of every currency, in the account currency."""
        return self.cash_book.exact_total_value_in_account_currency

    @property
    def exact_unsettled_cash(self) -> Decimal:
        """Return the unsettled cash in the account currency (at the cash book's rates)."""
        total = ZERO
        for currency, cash in self.unsettled_cash_book.items():
            if cash.exact_amount != 0:
                total += cash.exact_amount * self.cash_book[currency].exact_conversion_rate
        return total

    def unsettled_cash_book_entry(self, currency: str) -> Cash:
        """Return the unsettled cash of a currency, adding it at zero when missing."""
        if currency not in self.unsettled_cash_book:
            return self.unsettled_cash_book.add(
                currency, ZERO, self.cash_book[currency].exact_conversion_rate
            )
        return self.unsettled_cash_book[currency]

    def set_cash(
        self,
        amount: Decimal | float,
        currency: str | None = None,
        conversion_rate: Decimal | float | None = None,
    ) -> None:
        """Set the cash of the account currency, or of `currency` at `conversion_rate` (LEAN's `SetCash`)."""
        if currency is None:
            self.cash_book[self.cash_book.account_currency].set_amount(to_decimal(amount))
            return
        rate = to_decimal(conversion_rate) if conversion_rate is not None else ZERO
        self.cash_book.add(currency.upper(), to_decimal(amount), rate)

    def set_account_currency(self, currency: str, starting_cash: Decimal | float | None = None) -> None:
        """Change the account currency before any security is added (its amount moves along)."""
        if len(self.securities) > 0:
            raise ValueError("Cannot change AccountCurrency after adding a Security.")
        self.cash_book.account_currency = currency
        self.unsettled_cash_book.account_currency = currency
        if starting_cash is not None:
            self.set_cash(starting_cash)

    # -- totals --------------------------------------------------------------------------------------------
    def _securities(self) -> Iterable[Security]:
        return self.securities.values()

    def _sum(self, name: str) -> Decimal:
        return sum((getattr(s.holdings, name) for s in self._securities()), ZERO)

    @property
    def exact_total_portfolio_value(self) -> Decimal:
        """Return cash + unsettled cash + holdings value (forex, crypto, futures, CFDs as LEAN counts)."""
        holdings = ZERO
        for security in self.securities.held():
            if not security.holdings.invested:
                continue
            if security.type not in _NOT_IN_HOLDINGS_VALUE:
                holdings += security.holdings.exact_holdings_value
            elif security.type in (SecurityType.CFD, SecurityType.CRYPTO_FUTURE):
                holdings += security.holdings.exact_unrealized_profit
        return self.exact_cash + self.exact_unsettled_cash + holdings

    @property
    def exact_total_holdings_value(self) -> Decimal:
        """Return the sum of absolute holdings values."""
        return self._sum("exact_absolute_holdings_value")

    @property
    def exact_total_absolute_holdings_cost(self) -> Decimal:
        """Return the sum of absolute holdings costs."""
        return self._sum("exact_absolute_holdings_cost")

    @property
    def exact_total_unlevered_absolute_holdings_cost(self) -> Decimal:
        """Return the sum of absolute holdings costs over leverage."""
        return self._sum("exact_unlevered_absolute_holdings_cost")

    @property
    def exact_total_unrealized_profit(self) -> Decimal:
        """Return the sum of unrealized profits."""
        return self._sum("exact_unrealized_profit")

    @property
    def exact_total_fees(self) -> Decimal:
        """Return the fees paid."""
        return self._sum("exact_total_fees")

    @property
    def exact_total_profit(self) -> Decimal:
        """Return the realised profit plus dividends."""
        return self._sum("exact_profit")

    @property
    def exact_total_net_profit(self) -> Decimal:
        """Return the profit minus fees."""
        return self._sum("exact_net_profit")

    @property
    def exact_total_sale_volume(self) -> Decimal:
        """Return the value of every fill."""
        return self._sum("exact_total_sale_volume")

    @property
    def exact_total_margin_used(self) -> Decimal:
        """Return the maintenance margin of every position."""
        total = ZERO
        for security in self.securities.held():
            quantity = security.holdings.exact_quantity
            total += security.buying_power_model.get_maintenance_margin(security, quantity)
        return total

    def exact_margin_remaining_at(self, total_portfolio_value: Decimal) -> Decimal:
        """Return TPV - unsettled cash - margin used, for a TPV computed once by the caller."""
        return total_portfolio_value - self.exact_unsettled_cash - self.exact_total_margin_used

    @property
    def exact_margin_remaining(self) -> Decimal:
        """Return the margin available for new positions."""
        return self.exact_margin_remaining_at(self.exact_total_portfolio_value)

    def above_minimum_order_margin(self, minimum_percentage: Decimal, absolute_order_margin: Decimal) -> bool:
        """Tell whether an order's margin reaches `minimum_percentage` of TPV (always if margin is short)."""
        if minimum_percentage == 0:
            return True
        total = self.exact_total_portfolio_value
        return not (
            total * minimum_percentage > absolute_order_margin and self.exact_margin_remaining_at(total) > 0
        )

    def exact_buying_power(
        self, symbol: Symbol | str, direction: OrderDirection = OrderDirection.BUY
    ) -> Decimal:
        """Return the margin available to an order; reducing a position frees its margin (position group)."""
        security = self.securities[symbol]
        remaining = self.exact_margin_remaining
        holdings = security.holdings
        if holdings.is_reduced_by(direction):
            model = security.buying_power_model
            remaining += model.get_maintenance_margin(security, holdings.exact_quantity)
            remaining += abs(model.get_initial_margin_requirement(security, holdings.exact_quantity))
        return remaining

    # -- float view ----------------------------------------------------------------------------------------
    @property
    def cash(self) -> float:
        """Return the settled cash in the account currency."""
        return float(self.exact_cash)

    @property
    def unsettled_cash(self) -> float:
        """Return the unsettled cash in the account currency."""
        return float(self.exact_unsettled_cash)

    @property
    def total_portfolio_value(self) -> float:
        """Return the total portfolio value."""
        return float(self.exact_total_portfolio_value)

    @property
    def total_holdings_value(self) -> float:
        """Return the sum of absolute holdings values."""
        return float(self.exact_total_holdings_value)

    @property
    def total_absolute_holdings_cost(self) -> float:
        """Return the sum of absolute holdings costs."""
        return float(self.exact_total_absolute_holdings_cost)

    @property
    def total_unlevered_absolute_holdings_cost(self) -> float:
        """Return the sum of absolute holdings costs over leverage."""
        return float(self.exact_total_unlevered_absolute_holdings_cost)

    @property
    def total_unrealized_profit(self) -> float:
        """Return the sum of unrealized profits."""
        return float(self.exact_total_unrealized_profit)

    @property
    def total_unrealised_profit(self) -> float:
        """Return the sum of unrealized profits (LEAN's British spelling)."""
        return self.total_unrealized_profit

    @property
    def total_fees(self) -> float:
        """Return the fees paid."""
        return float(self.exact_total_fees)

    @property
    def total_profit(self) -> float:
        """Return the realised profit plus dividends."""
        return float(self.exact_total_profit)

    @property
    def total_net_profit(self) -> float:
        """Return the profit minus fees."""
        return float(self.exact_total_net_profit)

    @property
    def total_sale_volume(self) -> float:
        """Return the value of every fill."""
        return float(self.exact_total_sale_volume)

    @property
    def total_margin_used(self) -> float:
        """Return the margin used by the positions."""
        return float(self.exact_total_margin_used)

    @property
    def margin_remaining(self) -> float:
        """Return the margin available for new positions."""
        return float(self.exact_margin_remaining)

    @property
    def invested(self) -> bool:
        """Tell whether any security is held."""
        return any(security.holdings.invested for security in self.securities.held())

    @property
    def hold_stock(self) -> bool:
        """Tell whether any security is held."""
        return self.invested

    def get_margin_remaining(
        self, symbol: Symbol | str, direction: OrderDirection = OrderDirection.BUY
    ) -> float:
        """Return the margin available to an order on `symbol` in `direction`."""
        return float(self.exact_buying_power(symbol, direction))

    def get_buying_power(self, symbol: Symbol | str, direction: OrderDirection = OrderDirection.BUY) -> float:
        """Return the margin available to an order on `symbol` in `direction`."""
        return float(self.exact_buying_power(symbol, direction))

    # -- engine --------------------------------------------------------------------------------------------
    def current_utc_time(self, security: Security) -> datetime:
        """Return the time of orders made up for sizing: the security's, the manager's, or the epoch."""
        moment = security.utc_time or self.securities.utc_time
        return moment if moment is not None else _EPOCH

    def process_fills(self, fills: Iterable[OrderEvent]) -> None:
        """Apply fills in order."""
        for fill in fills:
            self.process_fill(fill)

    def process_fill(self, fill: OrderEvent) -> None:
        """Apply one fill to its security's holdings and to the cash book."""
        security = self.securities.get_by_id(fill.symbol_id) or self.securities[fill.symbol]
        self.portfolio_model.process_fill(self, security, fill)

    def add_transaction_record(self, utc_time: datetime, profit_loss: Decimal, is_win: bool) -> None:
        """Record a closing fill's profit; a time already used moves on by a millisecond, as in LEAN."""
        moment = as_utc(utc_time)
        while moment in self._record_times:
            moment += _RECORD_TIME_STEP
        self._record_times.add(moment)
        self.transaction_records.append(TransactionRecord(moment, profit_loss, is_win))

    def has_sufficient_buying_power_for_order(
        self, orders: Sequence[Order]
    ) -> HasSufficientBuyingPowerForOrderResult:
        """Check each order with its security's buying power model; the first failure wins."""
        for order in orders:
            security = self.securities[order.symbol]
            result = security.buying_power_model.has_sufficient_buying_power_for_order(self, security, order)
            if not result.is_sufficient:
                return result
        return HasSufficientBuyingPowerForOrderResult(True)

    def scan(self, utc_time: datetime) -> None:
        """Settle the cash that is due (LEAN runs this every hour of a backtest)."""
        for security in self._securities():
            security.settlement_model.scan(self, utc_time)

    def apply_dividend(
        self, symbol: Symbol | str, distribution: Decimal, mode: DataNormalizationMode
    ) -> None:
        """Pay a dividend in cash, only in Raw and SplitAdjusted modes (adjusted prices already hold it)."""
        if mode not in (DataNormalizationMode.RAW, DataNormalizationMode.SPLIT_ADJUSTED):
            return
        security = self.securities[symbol]
        total = (
            security.holdings.exact_quantity * distribution * security.quote_currency.exact_conversion_rate
        )
        self.cash_book[self.cash_book.account_currency].add_amount(total)
        security.holdings.add_new_dividend(total)

    def apply_split(
        self,
        symbol: Symbol | str,
        split_factor: Decimal,
        reference_price: Decimal,
        mode: DataNormalizationMode,
    ) -> None:
        """Split an equity position in Raw mode: whole shares kept, the fraction paid at reference x factor.

        LEAN pays the fraction at the split-adjusted last price when the security has data; the engine
        passes that price as `reference_price` / `split_factor` to get the same figure.
        """
        security = self.securities[symbol]
        if security.type != SecurityType.EQUITY or mode != DataNormalizationMode.RAW:
            return
        holdings = security.holdings
        quantity = holdings.exact_quantity / split_factor
        whole = Decimal(int(quantity))
        leftover = quantity - whole
        holdings.set_holdings(holdings.exact_average_price * split_factor, whole)
        self.cash_book[self.cash_book.account_currency].add_amount(leftover * reference_price * split_factor)
