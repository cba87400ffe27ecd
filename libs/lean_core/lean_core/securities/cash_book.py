"""Cash by currency and its conversion to the account currency (LEAN's `Cash` and `CashBook`).

Amounts and rates are decimals; the float properties are what LEAN's Python API hands to user
code. A currency other than the account currency takes its rate from one or two forex, crypto or
CFD pairs, using each pair's last price, as LEAN's `SecurityCurrencyConversion` does: the engine
gives each cash its pairs (`Cash.set_conversion`, see `algorithm.currency_feeds`) and refreshes
the rates on every time step (`CashBook.update_rates`); `CashBook.update_conversion_rates` finds
the pairs among given securities instead.
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterable, Iterator, Mapping, Sequence, ValuesView
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from lean_core.enums import SecurityType
from lean_core.securities.decimals import ONE, ZERO, to_decimal

if TYPE_CHECKING:
    from lean_core.securities.security import Security

__all__ = ["Cash", "CashAmount", "CashBook", "currency_symbol", "decompose_currency_pair"]

_CURRENCY_SYMBOLS: Final = {
    "USD": "$", "GBP": "₤", "JPY": "¥", "KRW": "₩", "EUR": "€", "NZD": "$", "AUD": "$", "CAD": "$",
    "CHF": "Fr",
    "HKD": "$", "SGD": "$", "XAG": "Ag", "XAU": "Au", "CNH": "¥", "CNY": "¥", "CZK": "Kč", "DKK": "kr",
    "HUF": "Ft", "INR": "₹", "MXN": "$", "NOK": "kr", "PLN": "zł", "SEK": "kr", "THB": "฿", "TRY": "₺",
    "TWD": "NT$", "ZAR": "R", "RUB": "₽", "BRL": "R$", "BTC": "₿", "LTC": "Ł", "ETH": "Ξ", "USDT": "₮",
}  # fmt: skip
_CONVERSION_TYPES: Final = (SecurityType.FOREX, SecurityType.CRYPTO, SecurityType.CFD)


def currency_symbol(currency: str) -> str:
    """Return the sign LEAN prints for a currency ("$" for USD), or the code itself."""
    return _CURRENCY_SYMBOLS.get(currency, currency)


@dataclass(frozen=True, slots=True)
class CashAmount:
    """An amount of one currency."""

    amount: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class _ConversionStep:
    security: Security
    inverted: bool


class Cash:
    """One currency held in the portfolio: its amount and its rate to the account currency."""

    __slots__ = ("_amount", "_conversion_rate", "_steps", "symbol")

    def __init__(self, symbol: str, amount: Decimal | float, conversion_rate: Decimal | float) -> None:
        if not symbol:
            raise ValueError("Cash symbols cannot be null or empty.")
        self.symbol = symbol.upper()
        self._amount = to_decimal(amount)
        self._conversion_rate = to_decimal(conversion_rate)
        self._steps: tuple[_ConversionStep, ...] | None = None

    # -- exact values (engine) --------------------------------------------------------------------------
    @property
    def exact_amount(self) -> Decimal:
        """Return the amount held."""
        return self._amount

    @property
    def exact_conversion_rate(self) -> Decimal:
        """Return the rate that converts one unit of this currency to the account currency."""
        return self._conversion_rate

    @property
    def exact_value_in_account_currency(self) -> Decimal:
        """Return amount x conversion rate."""
        return self._amount * self._conversion_rate

    # -- user view --------------------------------------------------------------------------------------
    @property
    def amount(self) -> float:
        """Return the amount held (float, as LEAN's Python API)."""
        return float(self._amount)

    @property
    def conversion_rate(self) -> float:
        """Return the conversion rate to the account currency (float)."""
        return float(self._conversion_rate)

    @conversion_rate.setter
    def conversion_rate(self, value: Decimal | float) -> None:
        self._conversion_rate = to_decimal(value)

    @property
    def value_in_account_currency(self) -> float:
        """Return the value in the account currency (float)."""
        return float(self.exact_value_in_account_currency)

    @property
    def currency_symbol(self) -> str:
        """Return the currency's sign ("$", "€")."""
        return currency_symbol(self.symbol)

    # -- changes ----------------------------------------------------------------------------------------
    def add_amount(self, amount: Decimal | float) -> Decimal:
        """Add to the amount held and return the new amount."""
        self._amount += to_decimal(amount)
        return self._amount

    def set_amount(self, amount: Decimal | float) -> None:
        """Replace the amount held."""
        self._amount = to_decimal(amount)

    def set_conversion_rate(self, rate: Decimal | float) -> None:
        """Replace the conversion rate (a constant rate until a conversion pair provides one)."""
        self._conversion_rate = to_decimal(rate)

    def set_conversion(self, steps: Sequence[tuple[Security, bool]]) -> None:
        """Take the rate from these pairs from now on: (security, inverted) legs, multiplied in order.

        No legs means no pair converts this currency: the rate stays whatever it was set to.
        """
        self._steps = tuple(_ConversionStep(security, inverted) for security, inverted in steps)

    @property
    def conversion_securities(self) -> tuple[Security, ...]:
        """Return the securities whose prices give the rate (none for a constant rate)."""
        return tuple(step.security for step in self._steps or ())

    def update(self) -> None:
        """Recompute the rate from the conversion pairs' last prices; a pair without data gives 0 (LEAN)."""
        if not self._steps:
            return
        rate = ONE
        for step in self._steps:
            price = step.security.exact_last_data_price
            if price is None or price == 0:
                self._conversion_rate = ZERO
                return
            rate = rate / price if step.inverted else rate * price
        self._conversion_rate = rate

    def __repr__(self) -> str:
        return f"Cash({self.symbol!r}, amount={self._amount}, conversion_rate={self._conversion_rate})"


def decompose_currency_pair(security: Security) -> tuple[str, str] | None:
    """Return (base, quote) of a forex, crypto or CFD pair, or None for another security."""
    if security.type not in _CONVERSION_TYPES:
        return None
    quote = security.quote_currency.symbol
    value = security.symbol.value.upper()
    if not value.endswith(quote) or len(value) == len(quote):
        return None
    return value[: -len(quote)], quote


class CashBook(Mapping[str, Cash]):
    """Cash by currency code; the account currency always has an entry with rate 1."""

    def __init__(self, account_currency: str = "USD") -> None:
        self._currencies: dict[str, Cash] = {}
        self._account_currency = ""
        self.account_currency = account_currency

    # -- account currency ------------------------------------------------------------------------------
    @property
    def account_currency(self) -> str:
        """Return the currency everything is valued in."""
        return self._account_currency

    @account_currency.setter
    def account_currency(self, value: str) -> None:
        # LEAN moves the amount held in the old account currency to the new one.
        amount = ZERO
        old = self._currencies.pop(self._account_currency, None) if self._account_currency else None
        if old is not None:
            amount = old.exact_amount
        self._account_currency = value.upper()
        self.add(self._account_currency, amount, ONE)

    # -- mapping -----------------------------------------------------------------------------------------
    def __getitem__(self, currency: str) -> Cash:
        try:
            return self._currencies[currency.upper()]
        except KeyError:
            raise KeyError(f"This cash symbol ({currency}) was not found in your cash book.") from None

    def __contains__(self, currency: object) -> bool:
        return isinstance(currency, str) and currency.upper() in self._currencies

    def __iter__(self) -> Iterator[str]:
        return iter(self._currencies)

    def __len__(self) -> int:
        return len(self._currencies)

    # The Mapping mixins iterate in Python; the portfolio value reads these on every time step.
    def items(self) -> ItemsView[str, Cash]:
        """Return (currency, cash) pairs."""
        return self._currencies.items()

    def values(self) -> ValuesView[Cash]:
        """Return the cash entries."""
        return self._currencies.values()

    def contains_key(self, currency: str) -> bool:
        """Tell whether the currency has an entry."""
        return currency in self

    # -- changes -----------------------------------------------------------------------------------------
    def add(
        self, symbol: str | Cash, quantity: Decimal | float = ZERO, conversion_rate: Decimal | float = ZERO
    ) -> Cash:
        """Add a currency (a code with amount and rate, or a `Cash`); an existing entry keeps its instance
        and takes the new amount and rate."""
        if isinstance(symbol, Cash):
            return self.add_cash(symbol)
        existing = self._currencies.get(symbol.upper())
        if existing is not None:
            existing.set_conversion_rate(conversion_rate)
            existing.set_amount(quantity)
            return existing
        cash = Cash(symbol, quantity, conversion_rate)
        self._currencies[cash.symbol] = cash
        return cash

    def add_cash(self, cash: Cash) -> Cash:
        """Add a `Cash` instance; an existing entry of that currency takes its amount and rate instead."""
        if cash.symbol in self._currencies:
            return self.add(cash.symbol, cash.exact_amount, cash.exact_conversion_rate)
        self._currencies[cash.symbol] = cash
        return cash

    # -- values ------------------------------------------------------------------------------------------
    @property
    def exact_total_value_in_account_currency(self) -> Decimal:
        """Return the sum of every currency's value in the account currency."""
        return sum((cash.exact_value_in_account_currency for cash in self._currencies.values()), ZERO)

    @property
    def total_value_in_account_currency(self) -> float:
        """Return the total value in the account currency (float)."""
        return float(self.exact_total_value_in_account_currency)

    def convert(self, amount: Decimal, source: str, destination: str) -> Decimal:
        """Convert an amount between two currencies of the book; raise when a rate is missing."""
        if amount == 0:
            return ZERO
        source_rate = self[source].exact_conversion_rate
        destination_rate = self[destination].exact_conversion_rate
        if source_rate == 0:
            raise ValueError(f"The conversion rate for {source} is not available.")
        if destination_rate == 0:
            raise ValueError(f"The conversion rate for {destination} is not available.")
        return amount * (source_rate / destination_rate)

    def convert_to_account_currency(self, amount: Decimal, currency: str) -> Decimal:
        """Convert an amount of `currency` to the account currency."""
        if currency.upper() == self._account_currency:
            return amount
        return self.convert(amount, currency, self._account_currency)

    # -- conversion rates --------------------------------------------------------------------------------
    def update_conversion_rates(self, securities: Iterable[Security]) -> None:
        """Take each currency's rate from the pairs among `securities` (found once, then reused).

        Call after security prices change; a currency without a pair keeps its constant rate.
        """
        candidates = [s for s in securities if decompose_currency_pair(s) is not None]
        for cash in self._currencies.values():
            if cash.symbol == self._account_currency:
                continue
            if cash._steps is None:
                steps = _find_conversion(cash.symbol, self._account_currency, candidates)
                if steps is None:
                    continue
                cash._steps = steps
            cash.update()

    def update_rates(self) -> None:
        """Recompute every rate that conversion pairs give (LEAN does it on every time slice)."""
        for cash in self._currencies.values():
            if cash._steps:
                cash.update()

    def exact_conversion_rates(self) -> dict[str, Decimal]:
        """Return the rate of every currency but the account currency."""
        return {
            code: cash.exact_conversion_rate
            for code, cash in self._currencies.items()
            if code != self._account_currency
        }

    def __repr__(self) -> str:
        return f"CashBook(account_currency={self._account_currency!r}, currencies={list(self._currencies)})"


def _match(security: Security, source: str, destination: str) -> bool | None:
    """Return False for source/destination, True for destination/source (inverted), None otherwise."""
    pair = decompose_currency_pair(security)
    if pair == (source, destination):
        return False
    if pair == (destination, source):
        return True
    return None


def _find_conversion(
    source: str, destination: str, securities: list[Security]
) -> tuple[_ConversionStep, ...] | None:
    """Find a one-pair, else a two-pair path from `source` to `destination` (LEAN's linear search)."""
    for security in securities:
        inverted = _match(security, source, destination)
        if inverted is not None:
            return (_ConversionStep(security, inverted),)
    for first in securities:
        pair = decompose_currency_pair(first)
        if pair is None or source not in pair:
            continue
        middle = pair[1] if pair[0] == source else pair[0]
        for second in securities:
            inverted = _match(second, middle, destination)
            if inverted is not None:
                return (_ConversionStep(first, source == pair[1]), _ConversionStep(second, inverted))
    return None
