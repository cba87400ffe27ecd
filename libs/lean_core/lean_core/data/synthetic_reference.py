"""The reference data a generated folder needs beside its bars, in LEAN's shapes.

A market-hours entry per generated market (NYSE hours with the holidays and early closes of the
generated years for US equities, Oanda's week for forex, round the clock for crypto), symbol-properties
rows, and a seeded interest-rate series for the risk-free rate. The NYSE calendar follows the exchange's
rules (weekend holidays observed on the nearest weekday, Juneteenth from 2022, early closes at 13:00 the
day after Thanksgiving, on Christmas Eve and on the eve of Independence Day) plus its one-off closures.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Final

import numpy as np

from lean_core.data.synthetic import SymbolModel
from lean_core.enums import SecurityType

__all__ = [
    "interest_rate_rows",
    "market_hours_entry",
    "market_hours_key",
    "nyse_early_closes",
    "nyse_holidays",
    "symbol_properties_row",
]

_WEEKDAYS: Final = ("monday", "tuesday", "wednesday", "thursday", "friday")
# Closures the rules cannot know: national mourning days, 9/11 and hurricane Sandy.
_NYSE_SPECIAL_CLOSURES: Final = (
    date(2001, 9, 11),
    date(2001, 9, 12),
    date(2001, 9, 13),
    date(2001, 9, 14),
    date(2004, 6, 11),
    date(2007, 1, 2),
    date(2012, 10, 29),
    date(2012, 10, 30),
    date(2018, 12, 5),
    date(2025, 1, 9),
)
# Early closes off the rules: in 2002 the NYSE closed early on July 5 rather than July 3.
_NYSE_SPECIAL_EARLY_CLOSES: Final = (date(2002, 7, 5), date(2003, 12, 26))
_NYSE_NOT_EARLY: Final = (date(2002, 7, 3),)
_EARLY_CLOSE: Final = "13:00:00"


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """Return the nth (1-based; -1 for the last) given weekday of a month."""
    if nth > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    following = date(year + month // 12, month % 12 + 1, 1)
    last = following - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _easter(year: int) -> date:
    """Return Easter Sunday (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _observed(day: date) -> date:
    """Move a Saturday holiday to Friday and a Sunday one to Monday."""
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


def nyse_holidays(year: int) -> list[date]:
    """Return the weekdays the NYSE is closed in a year."""
    new_year = date(year, 1, 1)
    days = [new_year + timedelta(days=1) if new_year.weekday() == 6 else new_year]
    days += [
        _nth_weekday(year, 1, 0, 3),  # Martin Luther King Jr. Day
        _nth_weekday(year, 2, 0, 3),  # Washington's Birthday
        _easter(year) - timedelta(days=2),  # Good Friday
        _nth_weekday(year, 5, 0, -1),  # Memorial Day
        _observed(date(year, 7, 4)),
        _nth_weekday(year, 9, 0, 1),  # Labor Day
        _nth_weekday(year, 11, 3, 4),  # Thanksgiving
        _observed(date(year, 12, 25)),
    ]
    if year >= 2022:
        days.append(_observed(date(year, 6, 19)))
    days += [special for special in _NYSE_SPECIAL_CLOSURES if special.year == year]
    return sorted(day for day in set(days) if day.weekday() < 5 and day.year == year)


def nyse_early_closes(year: int) -> list[date]:
    """Return the days the NYSE closes at 13:00 in a year."""
    candidates = [
        _nth_weekday(year, 11, 3, 4) + timedelta(days=1),  # the day after Thanksgiving
        date(year, 12, 24),
        date(year, 7, 3),
    ]
    # Christmas Eve and July 3 close early only from Monday to Thursday (a Friday eve is a holiday or normal).
    by_rule = {day for day in candidates if day.weekday() < (5 if day.month == 11 else 4)}
    special = {day for day in _NYSE_SPECIAL_EARLY_CLOSES if day.year == year}
    return sorted((by_rule | special) - set(nyse_holidays(year)) - set(_NYSE_NOT_EARLY))


def _lean_date(day: date) -> str:
    return f"{day.month}/{day.day}/{day.year}"


def _week(days: dict[str, list[dict[str, str]]]) -> dict[str, list[dict[str, str]]]:
    names = ("sunday", *_WEEKDAYS, "saturday")
    return {name: days.get(name, []) for name in names}


def _segment(start: str, end: str, state: str = "market") -> dict[str, str]:
    return {"start": start, "end": end, "state": state}


def market_hours_key(security_type: SecurityType, market: str) -> str:
    """Return the database key of a market's default entry ("Equity-usa-[*]")."""
    return f"{security_type.lean_name}-{market}-[*]"


def market_hours_entry(security_type: SecurityType, years: Iterable[int]) -> dict[str, Any]:
    """Return a market-hours entry as LEAN's JSON spells it, for a generated security type."""
    if security_type == SecurityType.EQUITY:
        return _nyse_entry(list(years))
    if security_type == SecurityType.FOREX:
        return _oanda_entry(list(years))
    always = [_segment("00:00:00", "1.00:00:00")]
    return {
        "dataTimeZone": "UTC",
        "exchangeTimeZone": "UTC",
        **_week({name: always for name in ("sunday", *_WEEKDAYS, "saturday")}),
        "holidays": [],
    }


def _nyse_entry(years: list[int]) -> dict[str, Any]:
    session = [
        _segment("04:00:00", "09:30:00", "premarket"),
        _segment("09:30:00", "16:00:00"),
        _segment("16:00:00", "20:00:00", "postmarket"),
    ]
    return {
        "dataTimeZone": "America/New_York",
        "exchangeTimeZone": "America/New_York",
        **_week(dict.fromkeys(_WEEKDAYS, session)),
        "holidays": [_lean_date(day) for year in years for day in nyse_holidays(year)],
        "earlyCloses": {_lean_date(day): _EARLY_CLOSE for year in years for day in nyse_early_closes(year)},
    }


def _oanda_entry(years: list[int]) -> dict[str, Any]:
    # Oanda's week: Sunday 17:03 to Friday 16:58 New York time, with a five-minute pause each evening.
    evening, daytime = _segment("17:03:00", "1.00:00:00"), _segment("00:00:00", "16:58:00")
    week = {name: [daytime, evening] for name in _WEEKDAYS[:-1]}
    week.update(sunday=[evening], friday=[daytime])
    closed = [date(year, month, day) for year in years for month, day in ((1, 1), (12, 25))]
    return {
        "dataTimeZone": "UTC",
        "exchangeTimeZone": "America/New_York",
        **_week(week),
        "holidays": [_lean_date(day) for day in closed],
    }


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def symbol_properties_row(model: SymbolModel, market: str) -> str:
    """Return the symbol-properties CSV row of a generated security (equities share the `[*]` row)."""
    quote = model.quote_currency
    tick, lot = _plain(model.minimum_price_variation), _plain(model.lot_size)
    match model.security_type:
        case SecurityType.EQUITY:
            return f"{market},[*],equity,,{quote},1,{tick},{lot}"
        case SecurityType.FOREX:
            base = model.ticker[: -len(quote)]
            return f"{market},{model.ticker},forex,{base}/{quote},{quote},1,{tick},{lot}"
        case _:
            pair = f"{model.ticker[: -len(quote)]}-{quote}"
            return f"{market},{model.ticker},crypto,{pair},{quote},1,{tick},{lot},{pair},{lot}"


def interest_rate_rows(rng: np.random.Generator, start: date, end: date) -> list[tuple[date, Decimal]]:
    """Return a seeded primary-credit rate (percent) from `start`, moving by quarter points now and then."""
    rate = Decimal(int(rng.integers(2, 23))) / 4  # 0.50% to 5.50%
    rows = [(start, rate)]
    day = start
    while True:
        # Rate decisions come about every six weeks; most leave the rate unchanged.
        day += timedelta(days=42)
        if day > end:
            return rows
        move = int(rng.choice([-1, 0, 0, 0, 1]))
        if move and Decimal("0.25") <= rate + Decimal(move) / 4 <= Decimal(8):
            rate += Decimal(move) / 4
            rows.append((day, rate))
