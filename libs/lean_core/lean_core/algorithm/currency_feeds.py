"""The cash book's conversion pairs and their first rates, set up once initialize() is done.

LEAN makes sure every currency of the cash book can be valued in the account currency before
the run starts (`BaseSetupHandler.SetupCurrencyConversions`): each currency takes the pair that
converts it from the algorithm's own securities or, failing that, from the symbol-properties
database, as an internal subscription at the algorithm's finest resolution that never reaches
`on_data`. The rates still at zero are then seeded from the last bars before the start
(`GetLastKnownPrices`: five bars, then a day of them, then fifty days), so the starting
portfolio value already counts every currency. From then on the engine recomputes the rates
from the pairs' prices on every time step.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from lean_core.algorithm.qc_algorithm import QCAlgorithm
from lean_core.algorithm.securities_api import default_tick_types
from lean_core.algorithm.security_factory import SecurityFactory
from lean_core.algorithm.subscriptions import Subscription
from lean_core.data.bars import QuoteBar, TradeBar
from lean_core.enums import Resolution, SecurityType, TickType
from lean_core.securities.currency_conversion import (
    CurrencyPair,
    find_conversion,
    is_stable_coin_without_pair,
    potential_pairs,
    security_pair,
)
from lean_core.securities.security import Security
from lean_core.symbols import Symbol

__all__ = ["ensure_currency_feeds", "seed_conversion_rates"]

logger = logging.getLogger(__name__)

_SEED_BARS = 5
_RETRY_BARS = {Resolution.DAILY: 10, Resolution.HOUR: 24}
_RETRY_MINUTE_BARS = 24 * 60
_LAST_RESORT_DAILY_BARS = 50
# LEAN applies seed data of one time in its data types' order: trades, then quotes.
_TICK_TYPE_ORDER = {TickType.TRADE: 0, TickType.QUOTE: 1}


def ensure_currency_feeds(algorithm: QCAlgorithm, factory: SecurityFactory) -> list[Subscription]:
    """Give every cash currency its conversion pairs; return the internal subscriptions this adds.

    A currency no pair converts keeps its constant rate; a stable coin without a pair converts at 1.
    """
    cash_book = algorithm.cash_book
    account = cash_book.account_currency
    market_map = algorithm.brokerage_model.default_markets
    user = algorithm._subscription_list()
    resolution = min((sub.resolution for sub in user), default=Resolution.MINUTE)
    held = [pair for security in algorithm.securities.values() if (pair := security_pair(security))]
    database_pairs = potential_pairs(factory.symbol_properties, market_map, algorithm.securities.values())
    securities: dict[Symbol, Security] = {pair.symbol: pair.security for pair in held if pair.security}
    added: list[Subscription] = []
    resolved: set[str] = {account}
    while pending := [code for code in cash_book if code not in resolved]:
        for code in pending:
            resolved.add(code)
            cash = cash_book[code]
            crypto_market = market_map.get(SecurityType.CRYPTO)
            if crypto_market is not None and is_stable_coin_without_pair(account, code, crypto_market):
                if cash.exact_conversion_rate == 0:
                    cash.set_conversion_rate(Decimal(1))
                cash.set_conversion(())
                continue
            if not any(code in (pair.base, pair.quote) for pair in database_pairs):
                logger.warning("no tradable pair converts %s to %s: its rate stays constant", code, account)
                cash.set_conversion(())
                continue
            steps = find_conversion(code, account, [*held, *database_pairs])
            if steps is None:
                logger.warning("no path of pairs converts %s to %s: its rate stays constant", code, account)
                cash.set_conversion(())
                continue
            legs = []
            for step in steps:
                security = step.pair.security or securities.get(step.pair.symbol)
                if security is None:
                    security, subscription = _internal_feed(algorithm, factory, step.pair, resolution)
                    securities[security.symbol] = security
                    held.append(CurrencyPair(security.symbol, step.pair.base, step.pair.quote, security))
                    added.append(subscription)
                legs.append((security, step.inverted))
            cash.set_conversion(legs)
    return added


def _internal_feed(
    algorithm: QCAlgorithm, factory: SecurityFactory, pair: CurrencyPair, resolution: Resolution
) -> tuple[Security, Subscription]:
    """Create a conversion pair's security and its internal subscription (the first data type LEAN lists)."""
    cash_book = algorithm.cash_book
    security = factory.create_security(
        pair.symbol, cash_book, algorithm.brokerage_model, resolution=resolution, is_internal=True
    )
    if pair.base not in cash_book:
        cash_book.add(pair.base)  # LEAN's security service books the pair's base currency too
    tick_type = default_tick_types(security.type, resolution)[0]
    subscription = Subscription(security, resolution, tick_type, True, False, True, converts_currency=True)
    logger.info("adding %s to convert the cash book's currencies", pair.symbol.value)
    return security, subscription


# -- seeding -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Request:
    security: Security
    tick_type: TickType
    resolution: Resolution


def seed_conversion_rates(algorithm: QCAlgorithm, internal: Iterable[Subscription]) -> None:
    """Seed the rates still at zero from the conversion pairs' last known prices before now."""
    to_update = [
        cash
        for code, cash in algorithm.cash_book.items()
        if code != algorithm.cash_book.account_currency
        and cash.conversion_securities
        and cash.exact_conversion_rate == 0
    ]
    if not to_update:
        return
    pairs = list(dict.fromkeys(security for cash in to_update for security in cash.conversion_securities))
    unpriced = [security for security in pairs if security.exact_price == 0]
    subscriptions = [*algorithm._subscription_list(), *internal]
    for security, bars in _last_known_bars(algorithm, unpriced, subscriptions).items():
        for tick_type, bar in sorted(bars, key=lambda item: (item[1].time, _TICK_TYPE_ORDER[item[0]])):
            _apply(security, tick_type, bar)
    for cash in to_update:
        cash.update()


def _apply(security: Security, tick_type: TickType, bar: TradeBar | QuoteBar) -> None:
    if tick_type == TickType.TRADE:
        assert isinstance(bar, TradeBar)
        security.cache.update_trade_bar(bar)
    else:
        assert isinstance(bar, QuoteBar)
        security.cache.update_quote_bar(bar)


def _requests(
    security: Security, subscriptions: list[Subscription], resolution: Resolution | None
) -> list[_Request]:
    """Return one request per data type the security is subscribed to (bars of a minute at least)."""
    requests: dict[TickType, _Request] = {}
    for sub in subscriptions:
        if sub.security is not security or sub.tick_type not in _TICK_TYPE_ORDER:
            continue
        chosen = resolution or max(sub.resolution, Resolution.MINUTE)
        requests.setdefault(sub.tick_type, _Request(security, sub.tick_type, chosen))
    return list(requests.values())


def _last_known_bars(
    algorithm: QCAlgorithm, securities: list[Security], subscriptions: list[Subscription]
) -> dict[Security, list[tuple[TickType, TradeBar | QuoteBar]]]:
    """Return each security's last bar per data type before now, retrying further back as LEAN does."""
    found: dict[tuple[Security, TickType], TradeBar | QuoteBar] = {}

    def read(requests: list[_Request], periods_of: dict[Resolution, int], default: int) -> list[_Request]:
        failed = []
        for request in requests:
            periods = periods_of.get(request.resolution, default)
            bar = algorithm._last_known_bar(
                request.security.symbol, request.tick_type, request.resolution, periods
            )
            if bar is None:
                failed.append(request)
            else:
                found[(request.security, request.tick_type)] = bar
        return failed

    first = [request for security in securities for request in _requests(security, subscriptions, None)]
    failed = read(first, {}, _SEED_BARS)
    failed = read(failed, _RETRY_BARS, _RETRY_MINUTE_BARS)
    last_resort = list(dict.fromkeys(request.security for request in failed))
    daily = [
        request
        for security in last_resort
        for request in _requests(security, subscriptions, Resolution.DAILY)
    ]
    read(daily, {}, _LAST_RESORT_DAILY_BARS)
    result: dict[Security, list[tuple[TickType, TradeBar | QuoteBar]]] = {}
    for (security, tick_type), bar in found.items():
        result.setdefault(security, []).append((tick_type, bar))
    return result
