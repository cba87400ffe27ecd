"""Builders for securities, bars, orders and fills shared by the securities and orders tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from lean_core.data.bars import Bar, QuoteBar, Tick, TradeBar
from lean_core.enums import (
    AccountType,
    Market,
    MarketHoursState,
    OrderDirection,
    OrderStatus,
    OrderType,
    Resolution,
    SecurityType,
    TickType,
)
from lean_core.orders.events import OrderEvent
from lean_core.orders.orders import Order
from lean_core.securities.brokerage_model import DefaultBrokerageModel
from lean_core.securities.cash_book import Cash, CashBook
from lean_core.securities.portfolio import SecurityPortfolioManager
from lean_core.securities.security import Crypto, Equity, Forex, Security, SecurityManager
from lean_core.symbols import Symbol
from lean_core.symbols.symbol_properties import SymbolProperties
from lean_core.time.exchange_hours import MarketHoursSegment, SecurityExchangeHours

NEW_YORK = ZoneInfo("America/New_York")
SPY = Symbol.create("SPY", SecurityType.EQUITY, Market.USA)
EURUSD = Symbol.create("EURUSD", SecurityType.FOREX, Market.OANDA)
BTCUSD = Symbol.create("BTCUSD", SecurityType.CRYPTO, Market.COINBASE)
#: SPY's price factor on 2013-10-07 (LEAN's factor file).
SPY_FACTOR = Decimal("0.8646266")
ONE_MINUTE = timedelta(minutes=1)


def us_equity_hours() -> SecurityExchangeHours:
    """Return NYSE-like hours: pre-market 4:00, regular 9:30-16:00, post-market to 20:00, weekdays."""
    day = (
        MarketHoursSegment(timedelta(hours=4), timedelta(hours=9, minutes=30), MarketHoursState.PRE_MARKET),
        MarketHoursSegment(timedelta(hours=9, minutes=30), timedelta(hours=16), MarketHoursState.MARKET),
        MarketHoursSegment(timedelta(hours=16), timedelta(hours=20), MarketHoursState.POST_MARKET),
    )
    return SecurityExchangeHours(NEW_YORK, dict.fromkeys(range(5), day))


def always_open_hours() -> SecurityExchangeHours:
    """Return hours open around the clock (forex and crypto in these tests)."""
    return SecurityExchangeHours.always_open(ZoneInfo("UTC"))


def deci_cents(raw: int, factor: Decimal = Decimal(1)) -> float:
    """Return the float price the data pipeline gives a deci-cent file price scaled by `factor`."""
    return raw / 10000 * float(factor)


def new_york(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """Return a naive New York time."""
    return datetime(year, month, day, hour, minute)


def utc_of_new_york(local: datetime) -> datetime:
    """Return the aware UTC time of a naive New York time."""
    return local.replace(tzinfo=NEW_YORK).astimezone(UTC)


def cash_book(amount: Decimal | int = 100_000) -> CashBook:
    """Return a USD cash book holding `amount`."""
    book = CashBook()
    book["USD"].set_amount(Decimal(amount))
    return book


def equity(
    book: CashBook,
    symbol: Symbol = SPY,
    *,
    resolution: Resolution = Resolution.MINUTE,
    account_type: AccountType = AccountType.MARGIN,
    lot_size: Decimal = Decimal(1),
) -> Equity:
    """Return an equity with the default brokerage's models for the account type."""
    properties = SymbolProperties("", "USD", Decimal(1), Decimal("0.01"), lot_size)
    security = Equity(symbol, us_equity_hours(), properties, book["USD"], resolution=resolution)
    DefaultBrokerageModel(account_type).initialize_security(security)
    return security


def forex(book: CashBook, *, account_type: AccountType = AccountType.MARGIN) -> Forex:
    """Return EURUSD with a EUR entry in the cash book."""
    properties = SymbolProperties("", "USD", Decimal(1), Decimal("0.00001"), Decimal(1))
    base = book.add("EUR", Decimal(0), Decimal(0))
    security = Forex(EURUSD, always_open_hours(), properties, book["USD"], base_currency=base)
    DefaultBrokerageModel(account_type).initialize_security(security)
    return security


def crypto(book: CashBook, *, account_type: AccountType = AccountType.CASH) -> Crypto:
    """Return BTCUSD with a BTC entry in the cash book."""
    properties = SymbolProperties("", "USD", Decimal(1), Decimal("0.01"), Decimal("0.00000001"))
    base = book.add("BTC", Decimal(0), Decimal(0))
    security = Crypto(BTCUSD, always_open_hours(), properties, book["USD"], base_currency=base)
    DefaultBrokerageModel(account_type).initialize_security(security)
    return security


def portfolio(
    *securities: Security, book: CashBook, account_type: AccountType = AccountType.MARGIN
) -> SecurityPortfolioManager:
    """Return a portfolio over the securities."""
    manager = SecurityManager()
    for security in securities:
        manager.add(security)
    return SecurityPortfolioManager(manager, book, account_type)


def trade_bar(
    symbol: Symbol,
    end: datetime,
    open_: float,
    high: float,
    low: float,
    close: float,
    *,
    volume: float = 1000.0,
    period: timedelta = ONE_MINUTE,
    fill_forward: bool = False,
) -> TradeBar:
    """Return a trade bar ending at `end` (exchange time)."""
    return TradeBar(symbol, end - period, end, open_, high, low, close, volume, fill_forward)


def quote_bar(
    symbol: Symbol,
    end: datetime,
    bid: float | tuple[float, float, float, float] | None,
    ask: float | tuple[float, float, float, float] | None,
    *,
    period: timedelta = ONE_MINUTE,
    fill_forward: bool = False,
) -> QuoteBar:
    """Return a quote bar; a single number is a flat side."""
    return QuoteBar(symbol, end - period, end, _side(bid), _side(ask), 100.0, 100.0, fill_forward)


def _side(value: float | tuple[float, float, float, float] | None) -> Bar | None:
    if value is None:
        return None
    if isinstance(value, tuple):
        return Bar(*value)
    return Bar(value, value, value, value)


def trade_tick(symbol: Symbol, time: datetime, price: float, quantity: float = 100.0) -> Tick:
    """Return a trade tick."""
    return Tick(symbol, time, TickType.TRADE, value=price, quantity=quantity)


def quote_tick(symbol: Symbol, time: datetime, bid: float, ask: float) -> Tick:
    """Return a quote tick with its mid as value."""
    return Tick(
        symbol,
        time,
        TickType.QUOTE,
        value=(bid + ask) / 2,
        bid_price=bid,
        bid_size=10,
        ask_price=ask,
        ask_size=10,
    )


def order(
    symbol: Symbol,
    quantity: Decimal | int,
    order_type: OrderType,
    time: datetime,
    *,
    order_id: int = 1,
    **prices: Decimal | bool,
) -> Order:
    """Return an order placed at `time` (aware UTC)."""
    made = Order(order_id, symbol, Decimal(quantity), order_type, time)
    for name, value in prices.items():
        setattr(made, name, value)
    return made


def fill_event(
    symbol: Symbol,
    quantity: Decimal | int,
    price: Decimal | str,
    utc_time: datetime,
    *,
    fee: Decimal | str = Decimal(0),
    fee_currency: str = "USD",
    order_id: int = 1,
) -> OrderEvent:
    """Return a fill event."""
    quantity = Decimal(quantity)
    return OrderEvent(
        order_id=order_id,
        id=1,
        symbol_id=str(symbol.id),
        symbol_value=symbol.value,
        utc_time_ns=int(utc_time.timestamp()) * 1_000_000_000,
        status=OrderStatus.FILLED,
        direction=OrderDirection.BUY if quantity > 0 else OrderDirection.SELL,
        quantity=quantity,
        fill_price=Decimal(price),
        fill_quantity=quantity,
        order_fee_amount=Decimal(fee),
        order_fee_currency=fee_currency,
    )


__all__ = [
    "BTCUSD",
    "EURUSD",
    "NEW_YORK",
    "SPY",
    "SPY_FACTOR",
    "Cash",
    "always_open_hours",
    "cash_book",
    "crypto",
    "deci_cents",
    "equity",
    "fill_event",
    "forex",
    "new_york",
    "order",
    "portfolio",
    "quote_bar",
    "quote_tick",
    "trade_bar",
    "trade_tick",
    "us_equity_hours",
    "utc_of_new_york",
]
