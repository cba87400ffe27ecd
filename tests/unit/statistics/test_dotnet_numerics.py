"""C# decimal and double semantics the statistics rely on."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lean_core.statistics import dotnet

MAX_MANTISSA = 2**96 - 1


def fitted_by_integers(mantissa: int, scale: int) -> tuple[int, int]:
    """C#'s rule on an integer mantissa: the fewest decimals dropped, half to even, to fit 28 and 96 bits."""
    drop = max(0, scale - 28)
    while True:
        quotient, remainder = divmod(abs(mantissa), 10**drop)
        if 2 * remainder > 10**drop or (2 * remainder == 10**drop and quotient % 2):
            quotient += 1
        if quotient <= MAX_MANTISSA:
            return (-quotient if mantissa < 0 else quotient), scale - drop
        drop += 1
        if drop > scale:
            raise OverflowError


class TestDivide:
    @pytest.mark.parametrize(
        ("dividend", "divisor", "expected"),
        [
            ("1", "3", "0.3333333333333333333333333333"),
            ("2", "3", "0.6666666666666666666666666667"),
            ("10.0", "4", "2.5"),
            ("1.00", "4", "0.25"),
            ("100", "0.1", "1000"),
            ("101691.92", "100000", "1.0169192"),
            ("10.00", "2", "5.00"),
            ("-1", "8", "-0.125"),
            ("200", "3", "66.666666666666666666666666667"),
        ],
    )
    def test_matches_csharp_scale_and_precision(self, dividend: str, divisor: str, expected: str) -> None:
        assert str(dotnet.divide(Decimal(dividend), Decimal(divisor))) == expected

    def test_division_by_zero_raises(self) -> None:
        with pytest.raises(ZeroDivisionError):
            dotnet.divide(Decimal(1), Decimal(0))


class TestCasts:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (0.1, "0.1"),
            (1 / 3, "0.333333333333333"),
            (1e8, "100000000"),
            (2.0**70, "1180591620717410000000"),
            (271.45299999999997, "271.453"),
            (-0.0, "0"),
            (1e-30, "0"),
        ],
    )
    def test_double_to_decimal_keeps_fifteen_significant_digits(self, value: float, expected: str) -> None:
        assert str(dotnet.decimal_from_double(value)) == expected

    def test_decimal_to_double_divides_by_a_double_power_of_ten(self) -> None:
        assert dotnet.double_from_decimal(Decimal("0.01234568")) == 0.01234568
        assert dotnet.double_from_decimal(Decimal("-2.5")) == -2.5

    def test_safe_cast_rejects_non_finite_values(self) -> None:
        with pytest.raises(ValueError, match="non-finite"):
            dotnet.safe_decimal_cast(math.inf)


class TestRounding:
    def test_double_rounding_keeps_the_sign_of_zero(self) -> None:
        assert math.copysign(1.0, dotnet.math_round_double(-0.0004, 3)) == -1.0

    @pytest.mark.parametrize(("value", "expected"), [(2.5, 2.0), (3.5, 4.0), (8.85371, 8.854)])
    def test_double_rounding_is_half_even(self, value: float, expected: float) -> None:
        assert dotnet.math_round_double(value, 0 if value in (2.5, 3.5) else 3) == expected

    def test_fit_rounds_beyond_28_decimals_half_even(self) -> None:
        assert (
            format(dotnet.fit(Decimal("0.00000000000000000000000000125")), "f")
            == "0.0000000000000000000000000012"
        )

    @given(
        mantissa=st.one_of(
            st.integers(-(10**60), 10**60),
            st.integers(MAX_MANTISSA - 10**6, MAX_MANTISSA * 10 + 10**6),  # around the 96-bit edge
            st.integers(0, 10**8).map(lambda n: n * 10**30 + 5 * 10**29),  # exact halves
        ),
        scale=st.integers(0, 60),
    )
    def test_fit_keeps_the_most_decimals_that_fit_96_bits(self, mantissa: int, scale: int) -> None:
        value = Decimal(f"{mantissa}E-{scale}")
        try:
            expected = fitted_by_integers(mantissa, scale)
        except OverflowError:
            with pytest.raises(OverflowError):
                dotnet.fit(value)
            return
        fitted = dotnet.fit(value)
        sign, digits, exponent = fitted.as_tuple()
        assert isinstance(exponent, int)
        assert (int("".join(map(str, digits))) * (-1 if sign else 1), -exponent) == expected

    def test_normalize_strips_trailing_zeros_without_exponent(self) -> None:
        assert str(dotnet.normalize(Decimal("1500.00"))) == "1500"
        assert str(dotnet.normalize(Decimal("0.2500"))) == "0.25"
