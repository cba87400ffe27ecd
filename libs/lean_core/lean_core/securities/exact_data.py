"""Data points with the decimal prices LEAN holds: the exact views a security's cache gives the engine.

User code sees float bars; fills, conversion rates and statistics read these, whose prices are the
decimals LEAN's `decimal` fields would hold (see `SecurityCache`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from lean_core.enums import TickType
from lean_core.securities.decimals import ZERO

__all__ = [
    "ExactBar",
    "ExactCustomData",
    "ExactData",
    "ExactQuoteBar",
    "ExactTick",
    "ExactTradeBar",
    "quote_mid",
]


@dataclass(frozen=True, slots=True)
class ExactBar:
    """Open, high, low and close as decimals."""

    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal


@dataclass(frozen=True, slots=True)
class ExactTradeBar:
    """A trade bar with decimal prices; times are exchange-local and naive."""

    time: datetime
    end_time: datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal

    @property
    def value(self) -> Decimal:
        """Return the close."""
        return self.close


@dataclass(frozen=True, slots=True)
class ExactQuoteBar:
    """A quote bar with decimal sides (either may be missing)."""

    time: datetime
    end_time: datetime
    bid: ExactBar | None
    ask: ExactBar | None
    last_bid_size: Decimal
    last_ask_size: Decimal

    def _mid(self, name: str) -> Decimal:
        bid: Decimal | None = getattr(self.bid, name) if self.bid is not None else None
        ask: Decimal | None = getattr(self.ask, name) if self.ask is not None else None
        return quote_mid(bid, ask)

    @property
    def open(self) -> Decimal:
        """Return the mid open (or the side present), as LEAN's `QuoteBar.Open`."""
        return self._mid("open")

    @property
    def high(self) -> Decimal:
        """Return the mid high."""
        return self._mid("high")

    @property
    def low(self) -> Decimal:
        """Return the mid low."""
        return self._mid("low")

    @property
    def close(self) -> Decimal:
        """Return the mid close."""
        return self._mid("close")

    @property
    def value(self) -> Decimal:
        """Return the mid close."""
        return self.close


@dataclass(frozen=True, slots=True)
class ExactTick:
    """A tick with decimal prices."""

    time: datetime
    tick_type: TickType
    price: Decimal
    quantity: Decimal
    bid_price: Decimal
    bid_size: Decimal
    ask_price: Decimal
    ask_size: Decimal
    exchange: str = ""
    sale_condition: str = ""

    @property
    def end_time(self) -> datetime:
        """Return the tick time."""
        return self.time

    @property
    def value(self) -> Decimal:
        """Return the trade price or the quote's mid."""
        return self.price


@dataclass(frozen=True, slots=True)
class ExactCustomData:
    """A custom data point's times and value, the value being its price."""

    time: datetime
    end_time: datetime
    value: Decimal


ExactData = ExactTradeBar | ExactQuoteBar | ExactTick | ExactCustomData


def quote_mid(bid: Decimal | None, ask: Decimal | None) -> Decimal:
    """Return a quote's price from its bid and ask: the mid, or the side present and non-zero."""
    if bid is not None and ask is not None:
        if bid != 0 and ask != 0:
            return (bid + ask) / 2
        return bid if bid != 0 else ask
    if bid is not None:
        return bid
    return ask if ask is not None else ZERO
