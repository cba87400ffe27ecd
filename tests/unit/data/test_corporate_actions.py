import dataclasses
from datetime import datetime
from decimal import Decimal

import pytest

from lean_core.data.corporate_actions import (
    Delisting,
    DelistingType,
    Dividend,
    Split,
    SplitType,
    SymbolChangedEvent,
    round_decimal,
)
from lean_core.enums import Market, SecurityType
from lean_core.symbols import Symbol

AAPL = Symbol.create("AAPL", SecurityType.EQUITY, Market.USA)
EX_DATE = datetime(2014, 5, 8)


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        ("3.5", 2, "3.5"),  # C# Math.Round never pads the scale
        ("3.285", 2, "3.28"),  # half to even, down
        ("3.295", 2, "3.30"),  # half to even, up
        ("3.2951", 2, "3.30"),
        ("-0.125", 2, "-0.12"),
        ("7", 0, "7"),
    ],
)
def test_round_decimal_rounds_half_to_even_without_padding(value: str, places: int, expected: str) -> None:
    result = round_decimal(Decimal(value), places)

    assert str(result) == expected


def test_dividend_create_takes_distribution_from_price_factor_ratio() -> None:
    # AAPL's factor rows 2014-05-07 (0.8961764, close 592.33) and 2014-06-06 (0.9011818): the $3.29 dividend.
    ratio = Decimal("0.8961764") / Decimal("0.9011818")

    dividend = Dividend.create(AAPL, EX_DATE, Decimal("592.33"), ratio)

    assert dividend.distribution == Decimal("3.29")
    assert str(dividend.distribution) == "3.29"
    assert dividend.reference_price == Decimal("592.33")
    assert dividend.value == dividend.distribution


@pytest.mark.parametrize(
    ("close", "ratio", "places", "expected"),
    [
        ("100", "0.9", 2, "10.0"),  # LEAN's FactorFileTests case: .9m / 1m on a close of 100
        ("100", "0.5", 2, "50.0"),
        ("10.005", "0", 2, "10.00"),  # a tie rounds to the even cent
        ("181.5", "0.8646266", 4, "24.5703"),
    ],
)
def test_compute_distribution_matches_lean_rounding(
    close: str, ratio: str, places: int, expected: str
) -> None:
    result = Dividend.compute_distribution(Decimal(close), Decimal(ratio), places)

    assert str(result) == expected


def test_events_are_immutable_and_span_no_time() -> None:
    split = Split(AAPL, datetime(2014, 6, 9), Decimal("645.57"), Decimal("0.1428572"))

    with pytest.raises(dataclasses.FrozenInstanceError):
        split.split_factor = Decimal(1)  # type: ignore[misc]
    assert split.end_time == split.time
    assert split.value == Decimal("645.57")
    assert split.type == SplitType.SPLIT_OCCURRED


@pytest.mark.parametrize(
    ("member", "value"),
    [
        (SplitType.WARNING, 0),
        (SplitType.SPLIT_OCCURRED, 1),
        (DelistingType.WARNING, 0),
        (DelistingType.DELISTED, 1),
    ],
)
def test_event_type_enums_keep_lean_values(member: int, value: int) -> None:
    assert int(member) == value


def test_symbol_changed_event_and_delisting_keep_lean_fields() -> None:
    renamed = SymbolChangedEvent(AAPL, datetime(2014, 4, 3), "GOOCV", "GOOG")
    delisted = Delisting(AAPL, datetime(2019, 3, 21), Decimal("38.5"), DelistingType.DELISTED)

    assert (renamed.old_symbol, renamed.new_symbol, renamed.end_time) == ("GOOCV", "GOOG", renamed.time)
    assert (delisted.price, delisted.value, delisted.type) == (
        Decimal("38.5"),
        Decimal("38.5"),
        DelistingType.DELISTED,
    )
