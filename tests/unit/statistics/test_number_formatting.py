"""Rounding and printing as C# and LEAN do it: banker's rounding, decimal scale, shortest doubles."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lean_core.statistics.formatting import (
    format_capacity,
    format_decimal,
    format_double,
    format_fixed,
    format_money_n2,
    format_percent_p,
    json_decimal,
    json_double,
    percent_text,
    ratio_text,
    round_half_even,
    round_to_significant_digits,
    smart_round,
)


class TestSmartRound:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("144.78172417", "144.7817"),
            ("101691.92370000", "101691.9237"),
            ("1000.00005", "1000.0000"),
            ("1000.00015", "1000.0002"),
            ("0.000123456789", "0.0001234568"),
            ("1.2345675", "1.234568"),
            ("1.2345665", "1.234566"),
            ("-1.23456785", "-1.234568"),
            ("2.50000000", "2.5"),
            ("0.00", "0"),
            ("1000", "1000"),
        ],
    )
    def test_keeps_seven_significant_digits_or_four_decimals_above_1000(
        self, value: str, expected: str
    ) -> None:
        assert str(smart_round(Decimal(value))) == expected

    def test_large_negative_values_take_significant_digits(self) -> None:
        # LEAN's "above 1000" test is signed, so -1234.56789 keeps 7 significant digits.
        assert str(smart_round(Decimal("-1234.56789"))) == "-1234.568"


class TestRoundHalfEven:
    @pytest.mark.parametrize(
        ("value", "decimals", "expected"),
        [
            ("2.5", 0, "2"),
            ("3.5", 0, "4"),
            ("1.005", 2, "1.00"),
            ("1.015", 2, "1.02"),
            ("1.2", 3, "1.2"),
            ("-0.0005", 3, "-0.000"),
        ],
    )
    def test_rounds_ties_to_even_and_never_pads(self, value: str, decimals: int, expected: str) -> None:
        assert str(round_half_even(Decimal(value), decimals)) == expected


class TestRoundToSignificantDigits:
    @pytest.mark.parametrize(
        ("value", "digits", "expected"),
        [("56123456", 2, "56000000.00"), ("1234", 2, "1200.00"), ("0", 2, "0"), ("0.012345", 3, "0.0123")],
    )
    def test_rounds_to_significant_digits_keeping_the_scale_of_the_product(
        self, value: str, digits: int, expected: str
    ) -> None:
        assert format_decimal(round_to_significant_digits(Decimal(value), digits)) == expected


class TestFormatDecimal:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("0.00", "0.00"),
            ("-0.00", "0.00"),
            ("688", "688"),
            ("2.200", "2.200"),
            ("1E-7", "0.0000001"),
            ("1.5E+3", "1500"),
            ("-12.50", "-12.50"),
        ],
    )
    def test_prints_every_digit_of_the_scale(self, value: str, expected: str) -> None:
        assert format_decimal(Decimal(value)) == expected

    @pytest.mark.parametrize(
        ("value", "expected"), [("688", "688.0"), ("144.7817", "144.7817"), ("0", "0.0")]
    )
    def test_json_adds_a_decimal_point_to_whole_numbers(self, value: str, expected: str) -> None:
        assert json_decimal(Decimal(value)) == expected

    @given(st.decimals(min_value=-(10**12), max_value=10**12, places=4), st.integers(1, 6))
    def test_json_text_follows_the_scale_of_equal_values(self, value: Decimal, extra: int) -> None:
        """Equal decimals of other scales (1.5, 1.50) print differently: the text is cached per scale."""
        wider = value.quantize(Decimal(1).scaleb(-4 - extra))
        assert wider == value
        for each in (value, wider, value, -wider):
            text = format_decimal(each)
            assert json_decimal(each) == (text if "." in text else text + ".0")


class TestFormatDouble:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (1.97, "1.97"),
            (-19.0, "-19"),
            (0.0, "0"),
            (-0.0, "-0"),
            (1e-5, "1E-05"),
            (0.0001, "0.0001"),
            (1.5e-7, "1.5E-07"),
            (1e15, "1E+15"),
            (1e14, "100000000000000"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1234567890123456.7, "1234567890123456.8"),
            (float("nan"), "NaN"),
            (float("-inf"), "-Infinity"),
        ],
    )
    def test_prints_the_shortest_round_trip_text(self, value: float, expected: str) -> None:
        assert format_double(value) == expected

    @pytest.mark.parametrize(("value", "expected"), [(2.0, "2.0"), (1e-5, "1E-05"), (0.5, "0.5")])
    def test_json_adds_a_decimal_point_to_whole_numbers(self, value: float, expected: str) -> None:
        assert json_double(value) == expected


class TestSummaryPrinters:
    @pytest.mark.parametrize(
        ("value", "decimals", "expected"),
        [
            ("0.022", 3, "2.200%"),
            ("0", 3, "0%"),
            ("0.0000001", 3, "0.000%"),
            ("0.199262", 2, "19.93%"),
            ("0.5", 0, "50%"),
            ("-0.0000001", 2, "0.00%"),
        ],
    )
    def test_percent_multiplies_by_100_and_rounds_half_even(
        self, value: str, decimals: int, expected: str
    ) -> None:
        assert percent_text(Decimal(value), decimals) == expected

    @pytest.mark.parametrize(
        ("value", "expected"),
        [("8.8537", "8.854"), ("-0.0004", "-0"), ("0", "0"), ("1.9695", "1.97"), ("-19.0001", "-19")],
    )
    def test_ratios_print_as_rounded_doubles(self, value: str, expected: str) -> None:
        assert ratio_text(Decimal(value)) == expected

    @pytest.mark.parametrize(
        ("value", "expected"), [("3.485", "3.49"), ("3.475", "3.48"), ("3.44", "3.44"), ("0", "0.00")]
    )
    def test_fees_round_half_away_from_zero_to_two_places(self, value: str, expected: str) -> None:
        assert format_fixed(Decimal(value), 2) == expected

    @pytest.mark.parametrize(
        ("value", "expected"), [("56123456", "$56000000.00"), ("1234567890", "$1200000000.00"), ("0", "$0")]
    )
    def test_capacity_keeps_two_significant_digits(self, value: str, expected: str) -> None:
        assert format_capacity(Decimal(value)) == expected


class TestRuntimeFormats:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [("101691.9237", "101,691.92"), ("-3.445", "-3.45"), ("-0.004", "0.00"), ("1000000", "1,000,000.00")],
    )
    def test_n2_groups_thousands_and_rounds_half_away_from_zero(self, value: str, expected: str) -> None:
        assert format_money_n2(Decimal(value)) == expected

    @pytest.mark.parametrize(
        ("value", "expected"), [("0.0169192", "1.69 %"), ("-0.00005", "-0.01 %"), ("0", "0.00 %")]
    )
    def test_p_prints_a_fraction_as_percent_with_a_space(self, value: str, expected: str) -> None:
        assert format_percent_p(Decimal(value)) == expected
