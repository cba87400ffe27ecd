"""Numbers as LEAN rounds and prints them.

C# decimals print every digit of their scale ("0.00", "101691.92", never "1E-7"); doubles print
the shortest text that reads back to the same double ("1.97", "-0", "1E-05"). LEAN's summary
statistics combine both with `Math.Round` (half to even) and a few fixed formats, which this
module reproduces one printer per rule.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from lean_core.statistics import dotnet

__all__ = [
    "format_capacity",
    "format_decimal",
    "format_double",
    "format_fixed",
    "format_money_n2",
    "format_percent_p",
    "json_decimal",
    "json_double",
    "percent_text",
    "ratio_text",
    "round_half_even",
    "round_to_significant_digits",
    "safe_multiply_100",
    "smart_round",
]

_ONE_THOUSAND = Decimal(1000)
_HUNDRED = Decimal(100)
_DECIMAL_MAX = Decimal((1 << 96) - 1)


def round_half_even(value: Decimal, decimals: int = 0) -> Decimal:
    """Round like C# `Math.Round(decimal, decimals)`: half to even, never padding the scale."""
    return dotnet.math_round(value, decimals)


def round_to_significant_digits(value: Decimal, digits: int) -> Decimal:
    """Round to `digits` significant digits as LEAN's `RoundToSignificantDigits` (result keeps its scale)."""
    if value == 0:
        return Decimal(0)
    magnitude = math.floor(math.log10(dotnet.double_from_decimal(abs(value)))) + 1
    scale = dotnet.decimal_from_double(10.0**magnitude)
    return dotnet.multiply(scale, dotnet.math_round(dotnet.divide(value, scale), digits))


def smart_round(value: Decimal) -> Decimal:
    """Round as LEAN's `SmartRounding`: 4 decimals above 1000, else 7 significant digits, zeros stripped."""
    value = dotnet.normalize(value)
    if value > _ONE_THOUSAND:
        return dotnet.math_round(value, 4)
    return dotnet.normalize(round_to_significant_digits(value, 7))


def safe_multiply_100(value: Decimal) -> Decimal:
    """Multiply by 100 as LEAN's `SafeMultiply100`, saturating at the decimal maximum."""
    if value >= _DECIMAL_MAX / _HUNDRED:
        return _DECIMAL_MAX
    return dotnet.multiply(value, _HUNDRED)


def format_decimal(value: Decimal) -> str:
    """Print a decimal as C# `ToString()` does: all digits of its scale, zero without a sign."""
    text = format(dotnet.fit(value), "f")
    return text.removeprefix("-") if value == 0 else text


def format_fixed(value: Decimal, decimals: int) -> str:
    """Print with exactly `decimals` places, rounding half away from zero (C# `ToString("0.00")`)."""
    rounded = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return format_decimal(rounded)


def format_double(value: float) -> str:
    """Print a double as .NET Core does: shortest round-trip digits, "-0", "1E-05", "1E+15"."""
    sign = "-" if math.copysign(1.0, value) < 0 else ""
    if not math.isfinite(value) or value == 0:
        special = {"nan": "NaN", "inf": "Infinity", "0.0": "0"}[repr(abs(value))]
        return special if math.isnan(value) else sign + special
    return sign + _format_finite(abs(value))


def _format_finite(value: float) -> str:
    """Lay out the shortest digits of a positive double: fixed, or scientific past 15 digits or 1E-05."""
    _, digit_tuple, exponent = Decimal(repr(value)).as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    exponent += len("".join(map(str, digit_tuple))) - len(digits)
    point = len(digits) + exponent  # digits before the decimal point
    if point > max(len(digits), 15) or point < -3:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        power = point - 1
        return f"{mantissa}E{'+' if power >= 0 else '-'}{abs(power):02d}"
    if point <= 0:
        return f"0.{'0' * -point}{digits}"
    if point >= len(digits):
        return digits + "0" * (point - len(digits))
    return f"{digits[:point]}.{digits[point:]}"


def json_decimal(value: Decimal) -> str:
    """Print a decimal as Json.NET writes it: its scale kept, ".0" added to a whole number."""
    # str() names a decimal exactly (sign, digits and exponent): result files repeat the same
    # quantities, fees and prices thousands of times, each worth a C# fit and a format.
    return _json_decimal_text(str(value))


@lru_cache(maxsize=1 << 16)
def _json_decimal_text(exact: str) -> str:
    text = format_decimal(Decimal(exact))
    return text if "." in text else text + ".0"


def json_double(value: float) -> str:
    """Print a double as Json.NET writes it: round-trip digits, ".0" added to a whole number."""
    text = format_double(value)
    if any(c in text for c in ".EN") or "Infinity" in text:
        return text
    return text + ".0"


def _grouped(value: Decimal) -> str:
    rounded = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = format(abs(rounded), ",f")
    return "-" + text if rounded < 0 else text


def format_money_n2(value: Decimal) -> str:
    """Print as C# `ToString("N2")` with the invariant culture: "101,691.92", half away from zero."""
    return _grouped(value)


def format_percent_p(value: Decimal) -> str:
    """Print as C# `ToString("P")` with the invariant culture: a fraction as "1.69 %"."""
    return _grouped(dotnet.multiply(value, _HUNDRED)) + " %"


def percent_text(value: Decimal, decimals: int) -> str:
    """Print a fraction as LEAN's summary does: x100, `Math.Round` to `decimals`, then "%"."""
    return format_decimal(round_half_even(safe_multiply_100(value), decimals)) + "%"


def ratio_text(value: Decimal, decimals: int = 3) -> str:
    """Print a decimal statistic as LEAN's summary does: cast to double, round, shortest text."""
    return format_double(dotnet.math_round_double(dotnet.double_from_decimal(value), decimals))


def format_capacity(value: Decimal, currency_symbol: str = "$") -> str:
    """Print a strategy capacity: currency symbol and two significant digits ("$56000000.00", "$0")."""
    return currency_symbol + format_decimal(round_to_significant_digits(value, 2))
