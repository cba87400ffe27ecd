from datetime import datetime
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lean_core.data.readers.csv_parse import ColumnKind, CsvSpec, ParsedCsv, TimeFormat, parse_csv
from lean_core.errors import DataError

NUMBER, OPTIONAL, TEXT = ColumnKind.NUMBER, ColumnKind.OPTIONAL, ColumnKind.TEXT
PATH = Path("/data/equity/usa/minute/spy/20131007_trade.zip")
ENTRY = "20131007_spy_minute_trade.csv"
TRADE = CsvSpec((NUMBER,) * 5, (4, 4, 4, 4, 0), (6,), TimeFormat.MILLISECONDS)
ONE_NUMBER = CsvSpec((NUMBER,), (0,), (2,), TimeFormat.MILLISECONDS)
DAILY = CsvSpec((NUMBER,), (0,), (2,), TimeFormat.DATE_TIME)


def _parse(text: str, spec: CsvSpec = ONE_NUMBER) -> ParsedCsv:
    return parse_csv(text.encode(), spec, path=PATH, entry=ENTRY)


def _epoch_ns(moment: datetime) -> int:
    return int((moment - datetime(1970, 1, 1)).total_seconds()) * 1_000_000_000


_ODD_FIELDS = st.one_of(
    st.integers(2**53 + 1, 10**19).map(str),  # too long for the short path's exact integers
    st.decimals(0, 10**6, places=2, allow_nan=False).map(str),
    st.integers(-(10**6), -1).map(str),
    st.integers(0, 10**6).map(lambda n: f" {n}"),
)


@st.composite
def _bar_lines(draw: st.DrawFn) -> tuple[int, list[str], str]:
    """A bar line: five whole numbers, or one of them written another way."""
    fields = [str(draw(st.integers(0, 10**9))) for _ in range(5)]
    if draw(st.booleans()):
        fields[draw(st.integers(0, 4))] = draw(_ODD_FIELDS)
    return draw(st.integers(0, 86_399_999)), fields, draw(st.sampled_from(["\n", "\r\n", "\n\n"]))


class TestNumbers:
    def test_deci_cents_become_the_nearest_double_of_the_price(self) -> None:
        parsed = _parse("14400000,1674400,1674100,1672500,1672700,3197\n", TRADE)

        assert parsed.values[0].tolist() == [167.44, 167.41, 167.25, 167.27, 3197.0]

    @pytest.mark.parametrize(
        "text",
        ["1.38676", "0.0100001", "-12.5", "+3", "611.9", "1e-5", "2.5E+3", ".5", "7.", "0.09911792999999999"],
    )
    def test_decimals_read_exactly_as_python_reads_them(self, text: str) -> None:
        assert _parse(f"0,{text}\n").values[0, 0] == float(text)

    @settings(max_examples=300, deadline=None)
    @given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15))
    def test_any_printed_double_round_trips(self, value: float) -> None:
        assert _parse(f"0,{value!r}\n").values[0, 0] == value

    @settings(max_examples=200, deadline=None)
    @given(
        st.decimals(min_value=-(10**12), max_value=10**12, places=6, allow_nan=False, allow_infinity=False)
    )
    def test_scaled_decimals_are_correctly_rounded(self, value: Decimal) -> None:
        spec = CsvSpec((NUMBER,), (4,), (2,), TimeFormat.MILLISECONDS)

        assert _parse(f"0,{value}\n", spec).values[0, 0] == float(value.scaleb(-4))

    @settings(max_examples=200, deadline=None)
    @given(st.lists(_bar_lines(), min_size=1, max_size=20))
    def test_bar_lines_read_the_same_whether_plain_or_not(
        self, rows: list[tuple[int, list[str], str]]
    ) -> None:
        # Lines of whole numbers take the kernel's short path; a sign, a decimal point, a space or
        # a long digit run sends a line to the general one. Either way a value is its text scaled.
        text = "".join(f"{ms},{','.join(fields)}{end}" for ms, fields, end in rows)
        parsed = _parse(text, TRADE)

        expected = [
            [
                float(Decimal(field.strip()).scaleb(-scale))
                for field, scale in zip(fields, TRADE.scales, strict=True)
            ]
            for _, fields, _ in rows
        ]
        assert parsed.values.tolist() == expected
        assert parsed.local_ns.tolist() == [ms * 1_000_000 for ms, _, _ in rows]
        line_ends = [end.count("\n") for _, _, end in rows]
        assert parsed.lines.tolist() == [1 + sum(line_ends[:index]) for index in range(len(rows))]

    def test_long_digit_runs_fall_back_to_exact_conversion(self) -> None:
        text = "123456789012345678901234.5"

        assert _parse(f"0,{text}\n").values[0, 0] == float(text)


class TestTimes:
    def test_milliseconds_become_nanoseconds_since_midnight(self) -> None:
        assert _parse("14400000,1\n86340000.5,2\n").local_ns.tolist() == [
            14_400_000_000_000,
            86_340_000_500_000,
        ]

    @pytest.mark.parametrize(
        ("text", "moment"),
        [
            ("20131007 09:30", datetime(2013, 10, 7, 9, 30)),
            ("20131007", datetime(2013, 10, 7)),
            ("20000229 23:59:59", datetime(2000, 2, 29, 23, 59, 59)),
            ("19700101 00:00", datetime(1970, 1, 1)),
        ],
    )
    def test_date_times_become_naive_epoch_nanoseconds(self, text: str, moment: datetime) -> None:
        assert _parse(f"{text},1\n", DAILY).local_ns.tolist() == [_epoch_ns(moment)]


class TestLayout:
    def test_crlf_line_ends_are_accepted(self) -> None:
        assert _parse("0,1\r\n60000,2\r\n").values[:, 0].tolist() == [1.0, 2.0]

    def test_blank_lines_are_skipped_and_line_numbers_kept(self) -> None:
        parsed = _parse("0,1\n\n  \r\n60000,2\n\n")

        assert parsed.values[:, 0].tolist() == [1.0, 2.0]
        assert parsed.lines.tolist() == [1, 4]

    def test_a_last_line_without_a_line_end_is_read(self) -> None:
        assert len(_parse("0,1\n60000,2")) == 2

    def test_empty_input_gives_no_rows(self) -> None:
        parsed = _parse("")

        assert len(parsed) == 0
        assert parsed.values.shape == (0, 1)

    def test_optional_fields_may_be_empty_and_short_rows_allowed_by_the_spec(self) -> None:
        spec = CsvSpec((NUMBER, OPTIONAL, TEXT, OPTIONAL), (0, 0, 0, 0), (2, 5), TimeFormat.MILLISECONDS)

        parsed = _parse("0,1,,  P ,1\n5,2\n", spec)

        assert np.isnan(parsed.values[0, 1])
        assert parsed.text(2).tolist() == ["P", ""]
        assert parsed.values[:, 3].tolist()[0] == 1.0
        assert np.isnan(parsed.values[1, 1:]).all()


class TestErrors:
    @pytest.mark.parametrize(
        ("text", "line", "reason"),
        [
            ("0,1,1,1,1,1\n60000,1674400,1,1,1\n", 2, "expected 6 comma-separated fields, found 5"),
            ("0,1,1,1,1,1,1\n", 1, "expected 6 comma-separated fields, found 7"),
            ("0,1,1,1,1,1\n\n60000,1,1,x,1,1\n", 3, "field 4 is not a number"),
            ("0,1,1,1,1,12x\n", 1, "field 6 is not a number"),
            ("0,1,,1,1,1\n", 1, "field 3 is empty where a number is required"),
            ("9:30,1,1,1,1,1\n", 1, "field 1 is not a time"),
            ("0,1,1,1,1,1,\n", 1, "found 7"),
        ],
    )
    def test_a_bad_row_names_file_entry_and_line(self, text: str, line: int, reason: str) -> None:
        with pytest.raises(DataError) as caught:
            _parse(text, TRADE)

        error = caught.value
        assert (error.path, error.entry, error.line) == (PATH, ENTRY, line)
        assert reason in str(error)
        assert f"{PATH} [{ENTRY}], line {line}" in str(error)

    @pytest.mark.parametrize(
        "text", ["20130230 00:00", "20130101 24:00", "2013010", "20131007 9:30", "20131301"]
    )
    def test_an_impossible_date_is_an_error(self, text: str) -> None:
        with pytest.raises(DataError, match="line 1: field 1 is not a time"):
            _parse(f"{text},1\n", DAILY)
