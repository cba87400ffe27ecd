"""Which currency pairs convert a cash currency to the account currency (LEAN's currency data feeds).

For each currency of the cash book LEAN looks for a pair that prices it in the account currency:
first among the forex, crypto and CFD securities the algorithm holds, then among the pairs the
symbol-properties database lists for the brokerage's markets (forex, then CFD, then crypto). A
pair that converts in one step wins over any two-step path; a pair the algorithm does not hold
becomes an internal subscription that only feeds the rate. Stable coins some crypto exchanges
list without a pair to their dollar convert at 1.

This module finds the path; the engine creates the securities and subscriptions it names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Final

from lean_core.enums import Market, SecurityType
from lean_core.symbols import Symbol
from lean_core.symbols.symbol_properties import WILDCARD, SymbolPropertiesDatabase

if TYPE_CHECKING:
    from lean_core.securities.security import Security

__all__ = [
    "ConversionStep",
    "CurrencyPair",
    "PairMatch",
    "compare_pair",
    "find_conversion",
    "is_stable_coin_without_pair",
    "potential_pairs",
    "security_pair",
]

#: Security types whose price converts one currency into another.
CONVERSION_TYPES: Final = (SecurityType.FOREX, SecurityType.CRYPTO, SecurityType.CFD)
#: The order LEAN lists database pairs in: forex, CFD, crypto.
_DATABASE_ORDER: Final = (SecurityType.FOREX, SecurityType.CFD, SecurityType.CRYPTO)
_DOLLAR_STABLE: Final = ("USDT", "USDC", "USD")
_BINANCE_LIKE: Final = frozenset(
    {"USDCUSD", "USDTUSD", "USDPUSD", "SUSDUSD", "BUSDUSD", "USTUSD", "TUSDUSD", "DAIUSD"}
)
# Stable coins an exchange lists without a pair to the currency they track (LEAN's Currencies).
_STABLE_COINS_WITHOUT_PAIRS: Final[dict[str, frozenset[str]]] = {
    Market.BINANCE: _BINANCE_LIKE | {"FDUSDUSD", "IDRTIDR", "BNFCRUSD"},
    Market.BITFINEX: frozenset({"EURSEUR", "XCHFCHF"}),
    Market.COINBASE: frozenset({"USDCUSD"}),
    Market.BYBIT: _BINANCE_LIKE,
    Market.DYDX: frozenset({"USDCUSD"}),
}
# Indices of (base A, quote A, base B, quote B) that a stable coin may join: A's side takes B's name.
_STABLE_COIN_SIDES: Final = ((1, 3), (1, 2), (0, 3), (0, 2))


def _is_stable_pair(pair: str, market: str) -> bool:
    return pair in _STABLE_COINS_WITHOUT_PAIRS.get(market, frozenset())


def is_stable_coin_without_pair(account_currency: str, currency: str, market: str) -> bool:
    """Tell whether `currency` is a stable coin of `market` worth one unit of the account currency."""
    if account_currency in _DOLLAR_STABLE:
        others = [dollar for dollar in _DOLLAR_STABLE if dollar != currency]
        targets = [name for dollar in others for name in (dollar + currency, currency + dollar)]
    else:
        targets = [account_currency + currency, currency + account_currency]
    return any(_is_stable_pair(target, market) for target in targets)


@dataclass(frozen=True, slots=True)
class CurrencyPair:
    """A pair that can price one currency in another; `security` is set when the algorithm holds it."""

    symbol: Symbol
    base: str
    quote: str
    security: Security | None = None


@dataclass(frozen=True, slots=True)
class ConversionStep:
    """One leg of a conversion: multiply by the pair's price, or divide when `inverted`."""

    pair: CurrencyPair
    inverted: bool


class PairMatch(Enum):
    """How a pair relates to a (base, quote) couple."""

    NONE = 0
    EXACT = 1
    INVERSE = 2


def compare_pair(pair: CurrencyPair, base: str, quote: str) -> PairMatch:
    """Tell whether the pair is base/quote, quote/base or neither (stable coins stand in for their dollar)."""
    names = [pair.base, pair.quote, base, quote]
    market = pair.symbol.id.market
    replaced = False
    for first, second in _STABLE_COIN_SIDES:
        if _is_stable_pair(names[first] + names[second], market) or _is_stable_pair(
            names[second] + names[first], market
        ):
            names[first] = names[second]
            replaced = True
    own = (names[0], names[1]) if replaced else (pair.base, pair.quote)
    if own == (base, quote):
        return PairMatch.EXACT
    if own == (quote, base):
        return PairMatch.INVERSE
    return PairMatch.NONE


def _other_currency(pair: CurrencyPair, known: str) -> str | None:
    if pair.base == known:
        return pair.quote
    if pair.quote == known:
        return pair.base
    return None


def find_conversion(
    source: str, destination: str, pairs: Sequence[CurrencyPair]
) -> list[ConversionStep] | None:
    """Return the first one-pair path from `source` to `destination`, else the first two-pair path.

    `pairs` are searched in order (held securities first); None when no path exists.
    """
    for pair in pairs:
        match = compare_pair(pair, source, destination)
        if match != PairMatch.NONE:
            return [ConversionStep(pair, match == PairMatch.INVERSE)]
    for first in pairs:
        middle = _other_currency(first, source)
        if middle is None:
            continue
        for second in pairs:
            match = compare_pair(second, middle, destination)
            if match != PairMatch.NONE:
                return [
                    ConversionStep(first, source == first.quote),
                    ConversionStep(second, match == PairMatch.INVERSE),
                ]
    return None


def security_pair(security: Security) -> CurrencyPair | None:
    """Return a held forex, crypto or CFD security as a pair (None if it is not two currencies)."""
    if security.type not in CONVERSION_TYPES:
        return None
    value = security.symbol.value.upper()
    if security.type == SecurityType.FOREX:
        if len(value) != 6:
            return None
        return CurrencyPair(security.symbol, value[:3], value[3:], security)
    quote = security.symbol_properties.quote_currency
    if not value.endswith(quote):
        return None
    return CurrencyPair(security.symbol, value[: -len(quote)], quote, security)


def _database_pair(ticker: str, security_type: SecurityType, market: str, quote: str) -> CurrencyPair | None:
    value = ticker.upper()
    if security_type == SecurityType.FOREX:
        if len(value) != 6:
            return None
        return CurrencyPair(Symbol.create(value, security_type, market), value[:3], value[3:])
    if not value.endswith(quote):
        return None
    return CurrencyPair(Symbol.create(value, security_type, market), value[: -len(quote)], quote)


def _held_markets(held: Iterable[Security]) -> dict[SecurityType, list[str]]:
    """Return the markets of the held securities by type; forex and CFD lend each other theirs."""
    markets: dict[SecurityType, list[str]] = {}
    for security in held:
        known = markets.setdefault(security.type, [])
        if security.symbol.id.market not in known:
            known.append(security.symbol.id.market)
    if SecurityType.CFD in markets and SecurityType.FOREX not in markets:
        markets[SecurityType.FOREX] = markets[SecurityType.CFD]
    if SecurityType.FOREX in markets and SecurityType.CFD not in markets:
        markets[SecurityType.CFD] = markets[SecurityType.FOREX]
    return markets


def potential_pairs(
    database: SymbolPropertiesDatabase,
    market_map: Mapping[SecurityType, str],
    held: Iterable[Security],
) -> list[CurrencyPair]:
    """Return the database's forex, CFD and crypto pairs of the brokerage's and the held securities' markets.

    Pairs come in database order, forex first, the brokerage's market before the others.
    """
    markets = _held_markets(held)
    pairs: list[CurrencyPair] = []
    for security_type in _DATABASE_ORDER:
        default = market_map.get(security_type)
        searched = [default] if default is not None else []
        searched.extend(market for market in markets.get(security_type, []) if market not in searched)
        for market in searched:
            for ticker, properties in database.get_symbol_properties_list(market, security_type):
                pair = (
                    None
                    if ticker == WILDCARD
                    else _database_pair(ticker, security_type, market, properties.quote_currency)
                )
                if pair is not None:
                    pairs.append(pair)
    return pairs
