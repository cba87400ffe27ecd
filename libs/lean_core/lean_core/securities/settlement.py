"""When the cash of a fill becomes available (LEAN's settlement models).

Margin accounts settle at once. Cash accounts settle equity and option sales T+1 at 06:00
exchange time (`Equity.DefaultSettlementDays`, `DefaultSettlementTime`); purchases are paid at once.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from lean_core.securities.cash_book import CashAmount, CashBook
from lean_core.securities.decimals import ZERO, as_utc

if TYPE_CHECKING:
    from lean_core.securities.portfolio import SecurityPortfolioManager
    from lean_core.securities.security import Security

__all__ = [
    "DEFAULT_SETTLEMENT_DAYS",
    "DEFAULT_SETTLEMENT_TIME",
    "DelayedSettlementModel",
    "ImmediateSettlementModel",
    "SettlementModel",
    "UnsettledCashAmount",
]

DEFAULT_SETTLEMENT_DAYS = 1
DEFAULT_SETTLEMENT_TIME = timedelta(hours=6)


class SettlementModel:
    """Applies the cash of fills to the portfolio; the base settles at once."""

    def apply_funds(
        self, portfolio: SecurityPortfolioManager, security: Security, utc_time: datetime, cash: CashAmount
    ) -> None:
        """Add `cash` (negative for a purchase) to the portfolio."""
        portfolio.cash_book[cash.currency].add_amount(cash.amount)

    def scan(self, portfolio: SecurityPortfolioManager, utc_time: datetime) -> None:
        """Settle what is due at `utc_time` (nothing to do for immediate settlement)."""

    def get_unsettled_cash(self) -> CashAmount | None:
        """Return the cash not yet settled, or None."""
        return None


class ImmediateSettlementModel(SettlementModel):
    """Settles every fill at once."""


@dataclass(frozen=True, slots=True)
class UnsettledCashAmount:
    """Cash from a sale that settles at `settlement_time_utc`."""

    settlement_time_utc: datetime
    currency: str
    amount: Decimal


class DelayedSettlementModel(SettlementModel):
    """Settles sale proceeds a number of trading days later at a time of day (exchange time)."""

    def __init__(
        self, number_of_days: int = DEFAULT_SETTLEMENT_DAYS, time_of_day: timedelta = DEFAULT_SETTLEMENT_TIME
    ) -> None:
        self.number_of_days = number_of_days
        self.time_of_day = time_of_day
        self._unsettled: deque[UnsettledCashAmount] = deque()
        self._cash_book: CashBook | None = None

    def apply_funds(
        self, portfolio: SecurityPortfolioManager, security: Security, utc_time: datetime, cash: CashAmount
    ) -> None:
        """Hold sale proceeds as unsettled until the settlement time; pay purchases at once."""
        self._cash_book = portfolio.cash_book
        if cash.amount <= 0:
            portfolio.cash_book[cash.currency].add_amount(cash.amount)
            return
        portfolio.unsettled_cash_book_entry(cash.currency).add_amount(cash.amount)
        settlement_utc = self.settlement_time(security, utc_time)
        self._unsettled.append(UnsettledCashAmount(settlement_utc, cash.currency, cash.amount))

    def settlement_time(self, security: Security, utc_time: datetime) -> datetime:
        """Return when a sale filled at `utc_time` settles: the n-th next trading day at the time of day."""
        time_zone = security.exchange_hours.time_zone
        day = as_utc(utc_time).astimezone(time_zone).date()
        counted = 0
        while counted < self.number_of_days:
            day += timedelta(days=1)
            if security.exchange_hours.is_date_open(day):
                counted += 1
        local = datetime.combine(day, time()) + self.time_of_day
        return local.replace(tzinfo=time_zone).astimezone(as_utc(utc_time).tzinfo)

    def scan(self, portfolio: SecurityPortfolioManager, utc_time: datetime) -> None:
        """Move the proceeds due by `utc_time` from unsettled to settled cash."""
        now = as_utc(utc_time)
        while self._unsettled and now >= self._unsettled[0].settlement_time_utc:
            item = self._unsettled.popleft()
            portfolio.unsettled_cash_book_entry(item.currency).add_amount(-item.amount)
            portfolio.cash_book[item.currency].add_amount(item.amount)

    def get_unsettled_cash(self) -> CashAmount | None:
        """Return the unsettled amounts in the account currency, or None when nothing is pending."""
        if not self._unsettled or self._cash_book is None:
            return None
        book = self._cash_book
        total = sum((book.convert_to_account_currency(i.amount, i.currency) for i in self._unsettled), ZERO)
        return CashAmount(total, book.account_currency)
