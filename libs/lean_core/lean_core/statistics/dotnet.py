""".NET numeric semantics that LEAN's statistics depend on, in plain Python.

LEAN computes its statistics with C# `decimal` and `double` and prints them with .NET's
formatting, so the last printed digit depends on details Python does differently:

- a C# decimal holds a 96-bit integer and a scale of 0..28; a quotient keeps as many digits as
  fit and is rounded half to even, an exact quotient keeps the dividend's natural scale;
- `(decimal)double` keeps 15 significant digits and `(double)decimal` divides two doubles;
- `Math.Round` is half to even and never pads; `Math.Round(double, n)` scales by 10^n in double.

Every function here takes and returns Python `Decimal` or `float` values.
"""

from __future__ import annotations

import math
import struct
from decimal import ROUND_HALF_EVEN, Context, Decimal

__all__ = [
    "MAX_SCALE",
    "add",
    "decimal_from_double",
    "divide",
    "double_from_decimal",
    "fit",
    "math_round",
    "math_round_double",
    "multiply",
    "normalize",
    "safe_decimal_cast",
    "subtract",
]

MAX_SCALE = 28
_MAX_MANTISSA = (1 << 96) - 1
_TWO_TO_64 = 18446744073709551616.0
# The doubles .NET scales by; Python's literals round the same way.
_DOUBLE_POWERS_10 = tuple(float(f"1e{n}") for n in range(81))
_WIDE = 120  # digits of working precision: enough for any exact product or sum of two C# decimals
_EXACT = Context(prec=_WIDE)  # its methods compute in it directly: no context switch per operation
_MAX_DIGITS = len(str(_MAX_MANTISSA))
_SCALE_QUANTA = tuple(Decimal(1).scaleb(-scale) for scale in range(MAX_SCALE + 1))
_LARGEST_AT_SCALE = tuple(Decimal(_MAX_MANTISSA).scaleb(-scale) for scale in range(MAX_SCALE + 1))


def _parts(value: Decimal) -> tuple[bool, int, int]:
    """Return sign, integer mantissa and a non-negative scale (C# has no negative scale)."""
    sign, _, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        raise ValueError(f"{value} is not a finite decimal")
    mantissa = int(_EXACT.scaleb(value.copy_abs(), -exponent))
    if exponent > 0:
        return bool(sign), mantissa * 10**exponent, 0
    return bool(sign), mantissa, -exponent


def _build(negative: bool, mantissa: int, scale: int) -> Decimal:
    return Decimal(f"{'-' if negative else ''}{mantissa}E-{scale}")


def _divide_half_even(numerator: int, denominator: int) -> int:
    quotient, remainder = divmod(numerator, denominator)
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and quotient % 2 == 1):
        quotient += 1
    return quotient


def fit(value: Decimal) -> Decimal:
    """Return the value as C# stores it: scale at most 28 and a 96-bit mantissa, rounded half to even."""
    _, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int) or exponent > 0:
        return _fit_parts(value)
    if exponent >= -MAX_SCALE and len(digits) <= MAX_SCALE:
        return value  # 28 digits always fit in 96 bits
    scale = -exponent
    # Keeping more than 29 digits can never fit 96 bits: start there, and drop one more digit at
    # most (when 29 digits round to a mantissa past 2^96 - 1).
    drop = max(0, scale - MAX_SCALE, len(digits) - _MAX_DIGITS)
    while drop <= scale:
        kept = scale - drop
        # Nothing dropped: 29 digits that may still fit, such as a fitted value's product with 1.
        rounded = (
            value
            if drop == 0
            else value.quantize(_SCALE_QUANTA[kept], rounding=ROUND_HALF_EVEN, context=_EXACT)
        )
        if rounded.copy_abs() <= _LARGEST_AT_SCALE[kept]:
            return rounded
        drop += 1
    raise OverflowError(f"{value} is outside the range of a C# decimal")


def _fit_parts(value: Decimal) -> Decimal:
    """`fit` for a value with a positive exponent (C# has none): its integer, scale 0."""
    negative, mantissa, scale = _parts(value)
    if mantissa > _MAX_MANTISSA:
        raise OverflowError(f"{value} is outside the range of a C# decimal")
    return _build(negative, mantissa, scale)


def add(left: Decimal, right: Decimal) -> Decimal:
    """Return left + right as C# decimal addition does."""
    return fit(_EXACT.add(left, right))


def subtract(left: Decimal, right: Decimal) -> Decimal:
    """Return left - right as C# decimal subtraction does."""
    return fit(_EXACT.subtract(left, right))


def multiply(left: Decimal, right: Decimal) -> Decimal:
    """Return left x right as C# decimal multiplication does (scales add, then fit)."""
    return fit(_EXACT.multiply(left, right))


def divide(dividend: Decimal, divisor: Decimal) -> Decimal:
    """Return dividend / divisor as C# decimal division does.

    An exact quotient keeps the natural scale (dividend scale minus divisor scale, at least 0);
    otherwise the quotient takes as many decimals as fit, is rounded half to even and loses
    its trailing zeros.
    """
    if divisor == 0:
        raise ZeroDivisionError("decimal division by zero")
    negative_a, mantissa_a, scale_a = _parts(dividend)
    negative_b, mantissa_b, scale_b = _parts(divisor)
    negative = negative_a != negative_b
    natural = scale_a - scale_b
    quotient, remainder = divmod(mantissa_a * 10 ** max(0, -natural), mantissa_b)
    if remainder == 0:
        return fit(_build(negative, quotient, max(0, natural)))
    # A quotient with k integer digits fits 96 bits at no more than 29 - k decimals: start there,
    # not at 28, so the search below takes a step or two rather than one per digit.
    integer_digits = len(str(quotient)) - max(0, natural) if quotient else 0
    scale = min(MAX_SCALE, 29 - integer_digits) if integer_digits > 0 else MAX_SCALE
    if scale < 0:
        raise OverflowError(f"{dividend} / {divisor} is outside the range of a C# decimal")
    while True:
        shift = scale - natural
        numerator = mantissa_a * 10 ** max(0, shift)
        denominator = mantissa_b * 10 ** max(0, -shift)
        if numerator // denominator <= _MAX_MANTISSA:
            break
        scale -= 1
        if scale < 0:
            raise OverflowError(f"{dividend} / {divisor} is outside the range of a C# decimal")
    mantissa = _divide_half_even(numerator, denominator)
    if mantissa > _MAX_MANTISSA:
        mantissa, scale = _divide_half_even(mantissa, 10), scale - 1
    while scale > 0 and mantissa % 10 == 0:
        mantissa //= 10
        scale -= 1
    return _build(negative, mantissa, scale)


def normalize(value: Decimal) -> Decimal:
    """Strip trailing zeros, as LEAN's `Extensions.Normalize` (never a negative scale)."""
    negative, mantissa, scale = _parts(value)
    while scale > 0 and mantissa % 10 == 0:
        mantissa //= 10
        scale -= 1
    return _build(negative, mantissa, scale)


def math_round(value: Decimal, decimals: int = 0) -> Decimal:
    """Round half to even to at most `decimals` places; a smaller scale is kept (C# `Math.Round`)."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -decimals <= exponent <= 0:
        return value
    negative, mantissa, scale = _parts(value)
    if scale <= decimals:
        return _build(negative, mantissa, scale)
    return _build(negative, _divide_half_even(mantissa, 10 ** (scale - decimals)), decimals)


def double_from_decimal(value: Decimal) -> float:
    """Convert like C# `(double)decimal`: the 96-bit mantissa as doubles over a double power of ten."""
    negative, mantissa, scale = _parts(fit(value))
    low = float(mantissa & 0xFFFFFFFFFFFFFFFF)
    high = float(mantissa >> 64)
    result = (low + high * _TWO_TO_64) / _DOUBLE_POWERS_10[scale]
    return -result if negative else result


def _biased_exponent(value: float) -> int:
    bits = struct.unpack("<Q", struct.pack("<d", value))[0]
    return int((bits >> 52) & 0x7FF)


def decimal_from_double(value: float) -> Decimal:
    """Convert like C# `(decimal)double`: round to 15 significant digits, then drop trailing zeros."""
    if not math.isfinite(value):
        raise ValueError(f"cannot convert {value} to a decimal")
    exponent = _biased_exponent(value) - 1022
    if exponent < -94:
        return Decimal(0)
    if exponent > 96:
        raise OverflowError(f"{value} is outside the range of a C# decimal")
    negative = value < 0
    scaled = abs(value)
    power = 14 - ((exponent * 19728) >> 16)
    if power >= 0:
        power = min(power, MAX_SCALE)
        scaled *= _DOUBLE_POWERS_10[power]
    elif power != -1 or scaled >= 1e15:
        scaled /= _DOUBLE_POWERS_10[-power]
    else:
        power = 0
    if scaled < 1e14 and power < MAX_SCALE:
        scaled *= 10
        power += 1
    mantissa = round(scaled)  # half to even, like Math.Round(double)
    if mantissa == 0:
        return Decimal(0)
    if power < 0:
        return fit(_build(negative, mantissa * 10**-power, 0))
    mantissa, power = _strip_cast_zeros(mantissa, power)
    return _build(negative, mantissa, power)


def _strip_cast_zeros(mantissa: int, power: int) -> tuple[int, int]:
    """Drop trailing zeros in steps of 8, 4, 2 and 1 digits, at most 14 in all (the cast's rule)."""
    budget = min(power, 14)
    for digits, mask in ((8, 0xFF), (4, 0xF), (2, 3), (1, 1)):
        if mantissa & mask == 0 and budget >= digits and mantissa % 10**digits == 0:
            mantissa //= 10**digits
            power -= digits
            budget -= digits
    return mantissa, power


def safe_decimal_cast(value: float) -> Decimal:
    """Convert a double to decimal, clamping to the decimal range (LEAN's `SafeDecimalCast`)."""
    if not math.isfinite(value):
        raise ValueError(f"cannot cast the non-finite value {value} to a decimal")
    limit = float(_MAX_MANTISSA)
    if value <= -limit:
        return Decimal(-_MAX_MANTISSA)
    if value >= limit:
        return Decimal(_MAX_MANTISSA)
    return decimal_from_double(value)


def math_round_double(value: float, digits: int) -> float:
    """Round a double like .NET `Math.Round(double, digits)`: scale, round half to even, unscale."""
    if abs(value) >= 1e16:
        return value
    power = _DOUBLE_POWERS_10[digits]
    scaled = value * power
    rounded = float(round(scaled))
    # Math.Round keeps the sign of a value that rounds to zero, which prints as "-0".
    rounded = math.copysign(rounded, scaled) if rounded == 0 else rounded
    return rounded / power
