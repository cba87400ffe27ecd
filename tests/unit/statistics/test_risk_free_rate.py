"""The Fed primary credit rate as LEAN's InterestRateProvider serves it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from lean_core.errors import DataError
from lean_core.statistics import ConstantRiskFreeRate, InterestRateProvider
from lean_core.statistics.risk_free import average_risk_free_rate


def write_rates(folder: Path, *rows: str) -> Path:
    path = folder / "interest-rate.csv"
    path.write_text("\n".join(["DATE,PCREDIT8", *rows]) + "\n", encoding="utf-8")
    return path


class TestInterestRateProvider:
    @pytest.mark.lean_data
    def test_sample_data_gives_the_2013_rate(self, lean_data_folder: Path) -> None:
        provider = InterestRateProvider.from_data_folder(lean_data_folder)

        assert provider.get_interest_rate(date(2013, 10, 7)) == Decimal("0.0075")

    @pytest.mark.parametrize(
        ("day", "rate"),
        [
            (date(2003, 1, 9), "0.0225"),
            (date(2003, 3, 1), "0.0225"),
            (date(2003, 6, 26), "0.02"),
            (date(2030, 1, 1), "0.02"),
            (date(2000, 1, 1), "0.0225"),
            (date(1990, 1, 1), "0.0225"),
        ],
    )
    def test_rates_are_filled_forward_and_back_to_the_first_row(
        self, tmp_path: Path, day: date, rate: str
    ) -> None:
        provider = InterestRateProvider.from_csv(
            write_rates(tmp_path, "2003-01-09,2.25", "", "2003-06-26,2.00")
        )

        assert provider.get_interest_rate(day) == Decimal(rate)

    def test_times_use_their_utc_date(self, tmp_path: Path) -> None:
        provider = InterestRateProvider.from_csv(write_rates(tmp_path, "2003-01-09,2.25", "2003-01-10,3"))

        assert provider.get_interest_rate(datetime(2003, 1, 10, 1, tzinfo=UTC)) == Decimal("0.03")

    @pytest.mark.parametrize(
        ("row", "reason"), [("2003-13-01,2", "bad date"), ("2003-01-09,abc", "bad rate")]
    )
    def test_a_bad_row_names_the_file_and_line(self, tmp_path: Path, row: str, reason: str) -> None:
        path = write_rates(tmp_path, "2003-01-08,2", row)

        with pytest.raises(DataError, match=reason) as raised:
            InterestRateProvider.from_csv(path)

        assert (raised.value.path, raised.value.line) == (path, 3)

    def test_a_missing_file_is_a_data_error(self, tmp_path: Path) -> None:
        with pytest.raises(DataError, match="not found"):
            InterestRateProvider.from_data_folder(tmp_path)


class TestAverageRiskFreeRate:
    def test_averages_the_rate_of_each_time(self, tmp_path: Path) -> None:
        provider = InterestRateProvider.from_csv(write_rates(tmp_path, "2003-01-09,1", "2003-01-10,2"))
        times = [datetime(2003, 1, 9), datetime(2003, 1, 10), datetime(2003, 1, 10, 12)]

        assert average_risk_free_rate(provider, times) == Decimal("0.0166666666666666666666666667")

    def test_no_times_average_to_zero(self) -> None:
        assert average_risk_free_rate(ConstantRiskFreeRate(Decimal("0.05")), []) == Decimal(0)
