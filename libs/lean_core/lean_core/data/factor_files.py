"""LEAN's factor files: the price and split factors that adjust an equity's history.

`equity/{market}/factor_files/{permtick}.csv` holds rows `yyyyMMdd,priceFactor,splitFactor[,referencePrice]`.
A row's factors apply to every day up to and including its date, back to the previous row, so
the factor of a day is that of the row with the smallest date on or after it (1 past the last
row). The price factor folds in dividends, the split factor splits; the reference price is the
close on the row's date, the day before the event.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation, localcontext
from itertools import pairwise
from pathlib import Path

import numpy as np
import numpy.typing as npt

from lean_core.data.corporate_actions import Dividend, Split, SplitType, round_decimal
from lean_core.data.map_files import next_weekday, parse_yyyymmdd
from lean_core.enums import DataNormalizationMode, Market
from lean_core.errors import DataError
from lean_core.symbols import Symbol

__all__ = ["FactorFile", "FactorFileProvider", "FactorFileRow", "FactorTable", "read_factor_file"]

#: Row dates as days since 1970-01-01, and one float factor per row plus a trailing 1.
FactorTable = tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]

_ONE = Decimal(1)
_EPOCH = date(1970, 1, 1)
_SPLIT_MODES = (DataNormalizationMode.SPLIT_ADJUSTED, DataNormalizationMode.TOTAL_RETURN)
_PRICE_SCALE_MODES = (DataNormalizationMode.ADJUSTED, DataNormalizationMode.SCALED_RAW)


@dataclass(frozen=True, slots=True)
class FactorFileRow:
    """One factor-file row: the factors of every day up to and including `date`."""

    date: date
    price_factor: Decimal
    split_factor: Decimal
    reference_price: Decimal = Decimal(0)

    @property
    def price_scale_factor(self) -> Decimal:
        """Return price factor x split factor: the Adjusted multiplier (exact decimal)."""
        return self.price_factor * self.split_factor

    def factor(self, mode: DataNormalizationMode) -> Decimal:
        """Return this row's multiplier for `mode` (LEAN's `GetPriceFactor` body)."""
        if mode in _SPLIT_MODES:
            return self.split_factor
        if mode in _PRICE_SCALE_MODES:
            return self.price_scale_factor
        if mode == DataNormalizationMode.RAW:
            return _ONE
        raise ValueError(f"{mode.name} is not an equity normalization mode")

    def to_csv(self) -> str:
        """Return the row as LEAN writes it (7 and 8 decimals at most, reference price trimmed)."""
        price = round_decimal(self.price_factor, 7)
        split = round_decimal(self.split_factor, 8)
        reference = round_decimal(self.reference_price, 4).normalize()
        return f"{self.date:%Y%m%d},{price},{split},{reference:f}"


class FactorFile:
    """The factor rows of one security, one row per date, in date order."""

    __slots__ = ("_dates", "_rows", "_tables", "minimum_date", "permtick")

    def __init__(
        self, permtick: str, rows: Iterable[FactorFileRow], minimum_date: date | None = None
    ) -> None:
        self.permtick = permtick.upper()
        by_date: dict[date, FactorFileRow] = {}
        for row in rows:
            # LEAN keeps every row of a date but only ever reads the first.
            by_date.setdefault(row.date, row)
        self._rows = tuple(by_date[day] for day in sorted(by_date))
        self._dates = [row.date for row in self._rows]
        #: The day before the first row: LEAN starts no subscription earlier than this.
        self.minimum_date = minimum_date
        self._tables: dict[DataNormalizationMode, FactorTable] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def __repr__(self) -> str:
        return f"FactorFile({self.permtick!r}, {len(self._rows)} rows)"

    @property
    def rows(self) -> tuple[FactorFileRow, ...]:
        """Return the rows in date order."""
        return self._rows

    def scaling_factors(self, day: date) -> FactorFileRow:
        """Return the row governing `day`, or a row of ones past the last row, as `GetScalingFactors`."""
        index = bisect_left(self._dates, day)
        if index < len(self._rows):
            return self._rows[index]
        return FactorFileRow(day, _ONE, _ONE, Decimal(0))

    def price_scale_factor(
        self, day: date, mode: DataNormalizationMode, *, end_day: date | None = None
    ) -> Decimal:
        """Return the price multiplier of `day` in `mode`, as LEAN's `GetPriceScale`.

        Adjusted multiplies price and split factors; SplitAdjusted and TotalReturn use the split
        factor (TotalReturn then adds the dividends paid, see `normalization`); Raw is 1. ScaledRaw
        divides the Adjusted factor of `day` by that of `end_day`, which it requires.
        """
        factor = self.scaling_factors(day).factor(mode)
        if mode != DataNormalizationMode.SCALED_RAW:
            return factor
        if end_day is None:
            raise ValueError("SCALED_RAW needs end_day: prices are scaled to that day's factor")
        with localcontext(prec=28, rounding=ROUND_HALF_EVEN):
            return factor / self.scaling_factors(end_day).factor(mode)

    def factor_table(self, mode: DataNormalizationMode) -> FactorTable:
        """Return row dates as days since 1970-01-01 and their float factors, with a trailing 1.

        `factors[np.searchsorted(days, day)]` is then the factor of `day`, past the end included.
        """
        if mode not in self._tables:
            days = np.array([(row.date - _EPOCH).days for row in self._rows], dtype=np.int64)
            factors = np.array([float(row.factor(mode)) for row in self._rows] + [1.0], dtype=np.float64)
            days.setflags(write=False)
            factors.setflags(write=False)
            self._tables[mode] = (days, factors)
        return self._tables[mode]

    def split_on_next_trading_day(self, day: date) -> tuple[Decimal, Decimal] | None:
        """Return (split factor, reference price) when a row dated `day` precedes a split."""
        pair = self._row_and_next(day)
        if pair is None or pair[0].split_factor == pair[1].split_factor:
            return None
        with localcontext(prec=28, rounding=ROUND_HALF_EVEN):
            return pair[0].split_factor / pair[1].split_factor, pair[0].reference_price

    def dividend_on_next_trading_day(self, day: date) -> tuple[Decimal, Decimal] | None:
        """Return (price-factor ratio, reference price) when a row dated `day` precedes a dividend."""
        pair = self._row_and_next(day)
        if pair is None or pair[0].price_factor == pair[1].price_factor:
            return None
        with localcontext(prec=28, rounding=ROUND_HALF_EVEN):
            return pair[0].price_factor / pair[1].price_factor, pair[0].reference_price

    def dividends(self, decimal_places: int = 2) -> list[tuple[date, Decimal]]:
        """Return (row date, distribution) per dividend; it is paid the trading day after the row."""
        found: list[tuple[date, Decimal]] = []
        for current, price_ratio, _ in self._ratios():
            distribution = Dividend.compute_distribution(current.reference_price, price_ratio, decimal_places)
            if distribution != 0:
                found.append((current.date, distribution))
        return found

    def splits_and_dividends(
        self,
        symbol: Symbol,
        next_trading_day: Callable[[date], date] = next_weekday,
        decimal_places: int = 2,
    ) -> list[Split | Dividend]:
        """Return every split and dividend the rows imply, dated the trading day after their row.

        This is LEAN's `GetSplitsAndDividends`: for consecutive rows, the split factor ratio is a
        split and the price factor ratio, applied to the reference price, a dividend. Pass the
        exchange's next-trading-day rule; the default skips weekends only.
        """
        events: list[Split | Dividend] = []
        for current, price_ratio, split_ratio in self._ratios():
            when = datetime.combine(next_trading_day(current.date), time())
            dividend = Dividend.create(symbol, when, current.reference_price, price_ratio, decimal_places)
            if dividend.distribution != 0:
                events.append(dividend)
            if split_ratio != 1:
                events.append(
                    Split(symbol, when, current.reference_price, split_ratio, SplitType.SPLIT_OCCURRED)
                )
        # Rows are in date order and a row's dividend precedes its split, as LEAN orders them.
        return events

    def _ratios(self) -> Iterator[tuple[FactorFileRow, Decimal, Decimal]]:
        """Yield each row but the last with its price and split factor ratios to the next row."""
        for current, following in pairwise(self._rows):
            if following.price_factor == 0 or following.split_factor == 0:
                raise ValueError(f"{self.permtick}: zero factor in the row after {current.date:%Y-%m-%d}")
            with localcontext(prec=28, rounding=ROUND_HALF_EVEN):
                price_ratio = current.price_factor / following.price_factor
                split_ratio = current.split_factor / following.split_factor
            # Yield outside the context: a suspended generator would leak it to the caller.
            yield current, price_ratio, split_ratio

    def _row_and_next(self, day: date) -> tuple[FactorFileRow, FactorFileRow] | None:
        # LEAN looks the date up exactly: only a row dated `day` announces an event.
        index = bisect_left(self._dates, day)
        if index + 1 < len(self._rows) and self._dates[index] == day:
            return self._rows[index], self._rows[index + 1]
        return None


def read_factor_file(path: Path) -> FactorFile:
    """Read one factor file, skipping what LEAN skips: repeated lines, `inf`/`e+` rows, zero factors."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DataError(f"cannot read factor file: {error}", path=path) from None
    rows: list[FactorFileRow] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        # Exponent notation marks factors that lost precision; LEAN drops those rows.
        if not stripped or stripped in seen or "inf" in stripped or "e+" in stripped:
            continue
        seen.add(stripped)
        row = _parse_row(stripped, path=path, line=number)
        if row.price_scale_factor > 0:
            rows.append(row)
    minimum = min(row.date for row in rows) - timedelta(days=1) if rows else None
    return FactorFile(path.name.removesuffix(".csv"), rows, minimum)


def _parse_row(text: str, *, path: Path, line: int) -> FactorFileRow:
    fields = [field.strip() for field in text.split(",")]
    if len(fields) < 3:
        raise DataError("expected yyyyMMdd,priceFactor,splitFactor[,referencePrice]", path=path, line=line)
    day = parse_yyyymmdd(fields[0], path=path, line=line)
    numbers = [_parse_decimal(field, path=path, line=line) for field in fields[1:4]]
    reference = numbers[2] if len(numbers) > 2 else Decimal(0)
    return FactorFileRow(day, numbers[0], numbers[1], reference)


def _parse_decimal(text: str, *, path: Path, line: int) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise DataError(f"expected a decimal number, got {text!r}", path=path, line=line) from None
    if not value.is_finite():
        raise DataError(f"expected a finite number, got {text!r}", path=path, line=line)
    return value


class FactorFileProvider:
    """Find factor files under a LEAN data folder by permtick; files are read once per instance."""

    def __init__(self, data_folder: Path, market: str = Market.USA) -> None:
        self.data_folder = Path(data_folder)
        self.market = market.lower()
        self._files: dict[str, FactorFile | None] = {}

    @property
    def folder(self) -> Path:
        """Return the factor-file folder."""
        return self.data_folder / "equity" / self.market / "factor_files"

    def get(self, permtick: str) -> FactorFile | None:
        """Return the factor file of `permtick` (the map file's name), or None: then every factor is 1.

        LEAN names factor files by permtick, so resolve the symbol's map file first (GOOG before
        2014-04-03 is permtick GOOGL).
        """
        key = permtick.upper()
        if key not in self._files:
            path = self.folder / f"{key.lower()}.csv"
            self._files[key] = read_factor_file(path) if path.is_file() else None
        return self._files[key]
