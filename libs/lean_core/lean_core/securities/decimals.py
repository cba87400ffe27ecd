"""Decimal helpers that reproduce C# `decimal` behaviour where LEAN's figures depend on it."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

__all__ = [
    "ONE",
    "ZERO",
    "as_utc",
    "discretely_round_by",
    "format_decimal",
    "format_normalized",
    "strip_trailing_zeros",
    "to_decimal",
]

ZERO = Decimal(0)
ONE = Decimal(1)


def to_decimal(value: float | int | Decimal) -> Decimal:
    """Return the shortest decimal that reads back as `value` (a float's repr), as LEAN parses text."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    value = float(value)
    # 0.0 and -0.0 are one cache key but two decimals; NaN is never found again anyway.
    return _float_to_decimal(value) if value else Decimal(repr(value))


@functools.lru_cache(maxsize=65536)
def _float_to_decimal(value: float) -> Decimal:
    """Return a float's shortest decimal, remembered: sizes and prices recur step after step."""
    return Decimal(repr(value))


def strip_trailing_zeros(value: Decimal) -> Decimal:
    """Drop trailing fractional zeros as C#'s `decimal.Normalize()` does (3.440 -> 3.44, 100 stays 100)."""
    if value == 0:
        return ZERO
    if value == value.to_integral_value():
        return value.quantize(ONE)
    return value.normalize()


def format_decimal(value: Decimal) -> str:
    """Print a decimal in plain notation with its scale, as C#'s invariant `ToString()` does."""
    return format(value, "f")


def format_normalized(value: Decimal) -> str:
    """Print a decimal without its trailing zeros (C#'s `value.Normalize().ToString()`)."""
    return format_decimal(strip_trailing_zeros(value))


def discretely_round_by(value: Decimal, quanta: Decimal, *, toward_negative: bool) -> Decimal:
    """Round to a multiple of `quanta` toward -inf or +inf (LEAN's directed `DiscretelyRoundBy`)."""
    if quanta == 0:
        return value
    rounding = ROUND_FLOOR if toward_negative else ROUND_CEILING
    return quanta * (value / quanta).to_integral_value(rounding=rounding)


def as_utc(moment: datetime) -> datetime:
    """Return an aware UTC datetime; a naive one is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
