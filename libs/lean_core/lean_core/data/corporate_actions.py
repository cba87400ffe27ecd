"""Corporate actions as LEAN's auxiliary data: splits, dividends, renames and delistings.

Each event is immutable and carries LEAN's fields in snake_case. `time` is a naive datetime in
the exchange time zone, at midnight of the tradable date the event belongs to, as LEAN's are;
auxiliary data spans no time, so `end_time` equals `time`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from enum import IntEnum

from lean_core.symbols import Symbol

__all__ = [
    "CorporateAction",
    "Delisting",
    "DelistingType",
    "Dividend",
    "Split",
    "SplitType",
    "SymbolChangedEvent",
    "round_decimal",
]


class SplitType(IntEnum):
    """Whether a split is announced for the next tradable date or has happened, as LEAN's `SplitType`."""

    WARNING = 0
    SPLIT_OCCURRED = 1


class DelistingType(IntEnum):
    """Whether a delisting is imminent or done, as LEAN's `DelistingType`."""

    WARNING = 0
    DELISTED = 1


def round_decimal(value: Decimal, places: int) -> Decimal:
    """Round half to even to at most `places` decimals, keeping a smaller scale as C# `Math.Round` does."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -places:
        # C# never pads: Math.Round(3.5m, 2) stays 3.5, so only shorten, never lengthen.
        return value
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True, slots=True)
class Split:
    """A share split; `split_factor` multiplies the price (0.25 for a 4-for-1 split)."""

    symbol: Symbol
    time: datetime
    reference_price: Decimal
    split_factor: Decimal
    type: SplitType = SplitType.SPLIT_OCCURRED

    @property
    def end_time(self) -> datetime:
        """Return the event time: auxiliary data spans no time."""
        return self.time

    @property
    def value(self) -> Decimal:
        """Return the reference price, as LEAN's `Split.Value`."""
        return self.reference_price


@dataclass(frozen=True, slots=True)
class Dividend:
    """A cash dividend per share; `reference_price` is the close before the ex-date."""

    symbol: Symbol
    time: datetime
    distribution: Decimal
    reference_price: Decimal

    @classmethod
    def create(
        cls,
        symbol: Symbol,
        time: datetime,
        reference_price: Decimal,
        price_factor_ratio: Decimal,
        decimal_places: int = 2,
    ) -> Dividend:
        """Build a dividend from the price-factor ratio of two factor-file rows, as LEAN does."""
        distribution = cls.compute_distribution(reference_price, price_factor_ratio, decimal_places)
        return cls(symbol, time, distribution, reference_price)

    @staticmethod
    def compute_distribution(close: Decimal, price_factor_ratio: Decimal, decimal_places: int) -> Decimal:
        """Return close - close x ratio, rounded half to even with C# decimal precision."""
        with localcontext(prec=28, rounding=ROUND_HALF_EVEN):
            return round_decimal(close - close * price_factor_ratio, decimal_places)

    @property
    def end_time(self) -> datetime:
        """Return the event time: auxiliary data spans no time."""
        return self.time

    @property
    def value(self) -> Decimal:
        """Return the distribution, as LEAN's `Dividend.Value`."""
        return self.distribution


@dataclass(frozen=True, slots=True)
class SymbolChangedEvent:
    """A rename: the security keeps its identifier and trades as `new_symbol` from `time` on."""

    symbol: Symbol
    time: datetime
    old_symbol: str
    new_symbol: str

    @property
    def end_time(self) -> datetime:
        """Return the event time: auxiliary data spans no time."""
        return self.time


@dataclass(frozen=True, slots=True)
class Delisting:
    """A delisting warning (on the delisting date) or the delisting itself (the day after)."""

    symbol: Symbol
    time: datetime
    price: Decimal
    type: DelistingType = DelistingType.DELISTED

    @property
    def end_time(self) -> datetime:
        """Return the event time: auxiliary data spans no time."""
        return self.time

    @property
    def value(self) -> Decimal:
        """Return the last known price, as LEAN's `Delisting.Value`."""
        return self.price


CorporateAction = Split | Dividend | SymbolChangedEvent | Delisting
