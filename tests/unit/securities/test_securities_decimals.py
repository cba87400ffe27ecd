from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lean_core.securities.decimals import (
    discretely_round_by,
    format_decimal,
    strip_trailing_zeros,
    to_decimal,
)
from lean_core.statistics.formatting import smart_round as smart_rounding


class TestToDecimal:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (144.773077904, "144.773077904"),
            (0.1, "0.1"),
            (100, "100"),
            (1e-7, "1E-7"),
            (Decimal("1.50"), "1.50"),
        ],
    )
    def test_uses_the_shortest_repr(self, value: float, expected: str) -> None:
        assert str(to_decimal(value)) == expected


class TestStripTrailingZeros:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [("3.440", "3.44"), ("100", "100"), ("100.000", "100"), ("0.000", "0"), ("-0.50", "-0.5")],
    )
    def test_behaves_like_csharp_normalize(self, value: str, expected: str) -> None:
        assert format_decimal(strip_trailing_zeros(Decimal(value))) == expected


class TestSmartRounding:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("99603.877595955200", "99603.8776"),
            ("144.78172417000", "144.7817"),
            ("1.123456789", "1.123457"),
            ("0.000123456789", "0.0001234568"),
            ("688.0", "688"),
        ],
    )
    def test_keeps_four_places_above_1000_else_seven_significant_digits(
        self, value: str, expected: str
    ) -> None:
        assert format_decimal(smart_rounding(Decimal(value))) == expected


class TestDiscretelyRoundBy:
    @pytest.mark.parametrize(
        ("value", "lot", "toward_negative", "expected"),
        [
            ("689.01", "1", True, "689"),
            ("-689.01", "1", True, "-690"),
            ("-689.01", "1", False, "-689"),
            ("0.123456", "0.01", True, "0.12"),
        ],
    )
    def test_rounds_to_the_lot_in_one_direction(
        self, value: str, lot: str, toward_negative: bool, expected: str
    ) -> None:
        assert discretely_round_by(Decimal(value), Decimal(lot), toward_negative=toward_negative) == Decimal(
            expected
        )


@settings(max_examples=300)
@given(values=st.lists(st.floats(allow_nan=False), min_size=1, max_size=20))
def test_remembered_float_decimals_equal_fresh_ones_signed_zero_included(values: list[float]) -> None:
    for value in [*values, *values, 0.0, -0.0]:  # each value twice: the second comes from the memo
        converted = to_decimal(value)
        assert str(converted) == str(Decimal(repr(value))), value
