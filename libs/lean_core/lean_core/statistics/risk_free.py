"""The risk-free rate LEAN's statistics use: the Fed primary credit rate, one value per day.

LEAN reads `alternative/interest-rate/usa/interest-rate.csv` (header `DATE,PCREDIT8`, one row per
rate change, in percent) and fills every day from 1998-01-01 forward with the latest rate; days
before the first change take the first row's rate, days before 1998 take 1998-01-01's.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Protocol

from lean_core.errors import DataError
from lean_core.statistics import dotnet

__all__ = [
    "ConstantRiskFreeRate",
    "InterestRateProvider",
    "RiskFreeInterestRateModel",
    "average_risk_free_rate",
]

_FIRST_FILLED_DAY = date(1998, 1, 1)
_HUNDRED = Decimal(100)
_RELATIVE_PATH = Path("alternative", "interest-rate", "usa", "interest-rate.csv")


class RiskFreeInterestRateModel(Protocol):
    """Anything that gives the risk-free rate (a fraction) of a day."""

    def get_interest_rate(self, when: date | datetime) -> Decimal:
        """Return the rate in force on `when`'s date."""
        ...


class ConstantRiskFreeRate:
    """A fixed risk-free rate (LEAN's `ConstantRiskFreeRateInterestRateModel`)."""

    def __init__(self, rate: Decimal) -> None:
        self.rate = rate

    def get_interest_rate(self, when: date | datetime) -> Decimal:
        """Return the fixed rate."""
        del when
        return self.rate


class InterestRateProvider:
    """The daily primary credit rate read from LEAN's interest-rate file."""

    def __init__(self, rates: dict[date, Decimal]) -> None:
        if not rates:
            raise ValueError("an interest-rate provider needs at least one rate")
        self._days = sorted(rates)
        self._rates = [rates[day] for day in self._days]
        self._first_rate = rates[self._days[0]]

    @classmethod
    def from_data_folder(cls, data_folder: Path) -> InterestRateProvider:
        """Read `<data_folder>/alternative/interest-rate/usa/interest-rate.csv`."""
        return cls.from_csv(Path(data_folder) / _RELATIVE_PATH)

    @classmethod
    def from_csv(cls, path: Path) -> InterestRateProvider:
        """Read a `DATE,PCREDIT8` file (percent rates); raise `DataError` naming the line of a bad row."""
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            raise DataError("interest-rate file not found", path=path) from None
        rates: dict[date, Decimal] = {}
        for number, line in enumerate(lines[1:], start=2):
            if line.strip():
                day, rate = _parse_row(line, path=path, line=number)
                rates[day] = rate
        if not rates:
            raise DataError("no interest rates in the file", path=path)
        return cls(rates)

    def get_interest_rate(self, when: date | datetime) -> Decimal:
        """Return the rate (a fraction) in force on `when`'s date, as LEAN fills the file's gaps."""
        if isinstance(when, datetime):
            day = (when.astimezone(UTC) if when.tzinfo is not None else when).date()
        else:
            day = when
        index = bisect.bisect_left(self._days, day)
        if index < len(self._days) and self._days[index] == day:
            return self._rates[index]
        if day < _FIRST_FILLED_DAY:
            return self.get_interest_rate(_FIRST_FILLED_DAY)
        # LEAN's fill starts at 1998-01-01 from the first row's rate, so only rows since then count.
        latest = index - 1
        if latest >= 0 and self._days[latest] >= _FIRST_FILLED_DAY:
            return self._rates[latest]
        return self._first_rate


def _parse_row(text: str, *, path: Path, line: int) -> tuple[date, Decimal]:
    """Parse `yyyy-MM-dd,percent` into a day and a fraction (percent / 100, C# decimal division)."""
    fields = text.split(",")
    try:
        day = datetime.strptime(fields[0].strip(), "%Y-%m-%d").date()
    except ValueError:
        raise DataError(f"bad date {fields[0]!r}, expected yyyy-MM-dd", path=path, line=line) from None
    try:
        percent = Decimal(fields[1].strip())
    except (IndexError, InvalidOperation):
        raise DataError(f"bad rate in {text!r}, expected DATE,PCREDIT8", path=path, line=line) from None
    if not percent.is_finite():
        raise DataError(f"bad rate in {text!r}, expected a finite number", path=path, line=line)
    return day, dotnet.divide(percent, _HUNDRED)


def average_risk_free_rate(model: RiskFreeInterestRateModel, times: Iterable[datetime]) -> Decimal:
    """Return the mean rate over the dates of `times` (LEAN's `GetAverageRiskFreeRate`; 0 if none)."""
    total = Decimal(0)
    count = 0
    for moment in times:
        total = dotnet.add(total, model.get_interest_rate(moment))
        count += 1
    if count == 0:
        return Decimal(0)
    return dotnet.divide(total, Decimal(count))
