"""Securities: prices, holdings, cash, the portfolio and the models that trade them (LEAN's `Securities`)."""

from lean_core.securities.cash_book import Cash, CashAmount, CashBook
from lean_core.securities.decimals import to_decimal
from lean_core.securities.holdings import SecurityHolding
from lean_core.securities.security import Crypto, Equity, Forex, Security, SecurityManager

__all__ = [
    "Cash",
    "CashAmount",
    "CashBook",
    "Crypto",
    "Equity",
    "Forex",
    "Security",
    "SecurityHolding",
    "SecurityManager",
    "to_decimal",
]
