"""JSON text as Json.NET writes it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from lean_core.enums import OrderStatus
from lean_core.statistics.json_writer import RawJson, format_json_time, to_json


class TestScalars:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (None, "null"),
            (True, "true"),
            (3, "3"),
            (OrderStatus.FILLED, "3"),
            (Decimal("688"), "688.0"),
            (Decimal("0.50"), "0.50"),
            (2.0, "2.0"),
            ('a"b\\c\n\u0001\u2028é', '"a\\"b\\\\c\\n\\u0001\\u2028é"'),
            (RawJson("[1,2]"), "[1,2]"),
        ],
    )
    def test_writes_scalars_like_json_net(self, value: object, expected: str) -> None:
        assert to_json(value) == expected  # type: ignore[arg-type]


class TestTimes:
    @pytest.mark.parametrize(
        ("moment", "expected"),
        [
            (datetime(2013, 10, 7, 13, 31), "2013-10-07T13:31:00Z"),
            (datetime(2013, 10, 7, 13, 31, 0, 500000, tzinfo=UTC), "2013-10-07T13:31:00.5Z"),
            (
                datetime(2013, 10, 7, 9, 31, 0, 123, tzinfo=timezone(timedelta(hours=-4))),
                "2013-10-07T13:31:00.000123Z",
            ),
        ],
    )
    def test_times_are_utc_with_trimmed_fractions(self, moment: datetime, expected: str) -> None:
        assert format_json_time(moment) == expected


class TestContainers:
    def test_compact_output_has_no_whitespace(self) -> None:
        assert to_json({"a": [1, {"b": []}], "c": {}}) == '{"a":[1,{"b":[]}],"c":{}}'

    def test_indented_output_uses_two_spaces_and_one_value_per_line(self) -> None:
        expected = '{\n  "a": [\n    1,\n    2\n  ],\n  "b": {},\n  "c": []\n}'

        assert to_json({"a": [1, 2], "b": {}, "c": []}, indented=True) == expected

    def test_unknown_types_are_rejected(self) -> None:
        with pytest.raises(TypeError, match="set"):
            to_json({1, 2})  # type: ignore[arg-type]
