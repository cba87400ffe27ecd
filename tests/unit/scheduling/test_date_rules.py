"""Date rules against LEAN's sample market-hours database, re-creating LEAN's `DateRulesTests` cases."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import pairwise

import msgspec
import pytest

from lean_core.enums import Market, SecurityType
from lean_core.scheduling import (
    DateRules,
    DateRuleSpec,
    DayOfWeek,
    EveryDay,
    MonthEnd,
    ScheduleContext,
    SymbolRef,
)
from lean_core.symbols import Symbol
from lean_core.time import TimeZones

SPY = Symbol.create("SPY", SecurityType.EQUITY, Market.USA)
BTCUSD = Symbol.create("BTCUSD", SecurityType.CRYPTO, "bitfinex")
EURUSD = Symbol.create("EURUSD", SecurityType.FOREX, "fxcm")
FUTURE_SPY = Symbol.create_future("SPY", "cme", date(2016, 2, 19))
SYMBOLS = {"SPY": SPY, "BTCUSD": BTCUSD, "EURUSD": EURUSD, "FUTURE_SPY": FUTURE_SPY}
YEAR_2000 = (date(2000, 1, 1), date(2000, 12, 31))
HALF_2000 = (date(2000, 1, 1), date(2000, 6, 30))
JANUARY_2000 = (date(2000, 1, 1), date(2000, 1, 31))


def dates_of(rule: DateRuleSpec, span: tuple[date, date], context: ScheduleContext) -> list[date]:
    return rule.dates(span[0], span[1], context)


def day_numbers(rule: DateRuleSpec, span: tuple[date, date], context: ScheduleContext) -> list[int]:
    return [day.day for day in dates_of(rule, span, context)]


class TestEveryDay:
    def test_every_day_fires_on_each_calendar_day(
        self, date_rules: DateRules, context: ScheduleContext
    ) -> None:
        dates = dates_of(date_rules.every_day(), YEAR_2000, context)

        assert len(dates) == 366
        assert all(later - earlier == timedelta(days=1) for earlier, later in pairwise(dates))

    def test_every_day_of_a_symbol_skips_weekends_and_holidays(
        self, date_rules: DateRules, context: ScheduleContext
    ) -> None:
        dates = dates_of(date_rules.every_day(SPY), YEAR_2000, context)

        assert len(dates) == 252
        assert all(day.weekday() < 5 for day in dates)
        assert date(2000, 1, 17) not in dates

    def test_every_day_of_a_ticker_skips_thanksgiving_but_keeps_its_early_close(
        self, date_rules: DateRules, context: ScheduleContext
    ) -> None:
        dates = date_rules.every_day("SPY").dates(date(2013, 11, 25), date(2013, 12, 2), context)

        assert dates == [
            date(2013, 11, 25),
            date(2013, 11, 26),
            date(2013, 11, 27),
            date(2013, 11, 29),
            date(2013, 12, 2),
        ]

    def test_every_day_of_weekdays(self, date_rules: DateRules, context: ScheduleContext) -> None:
        rule = date_rules.every(DayOfWeek.MONDAY, DayOfWeek.FRIDAY)

        assert rule.dates(date(2013, 10, 6), date(2013, 10, 14), context) == [
            date(2013, 10, 7),
            date(2013, 10, 11),
            date(2013, 10, 14),
        ]
        assert rule.name == "Monday,Friday"


class TestOnTodayTomorrow:
    def test_on_year_month_day_fires_once_inside_the_span(
        self, date_rules: DateRules, context: ScheduleContext
    ) -> None:
        rule = date_rules.on(2013, 10, 8)

        assert rule.dates(date(2013, 10, 1), date(2013, 10, 31), context) == [date(2013, 10, 8)]
        assert rule.dates(date(2013, 10, 9), date(2013, 10, 31), context) == []
        assert rule.name == "10/08/2013"

    def test_on_dates_accepts_datetimes_and_sorts(
        self, date_rules: DateRules, context: ScheduleContext
    ) -> None:
        rule = date_rules.on(datetime(2013, 10, 9, 15), date(2013, 10, 7))

        assert rule.dates(date(2013, 10, 1), date(2013, 10, 31), context) == [
            date(2013, 10, 7),
            date(2013, 10, 9),
        ]

    def test_today_and_tomorrow_read_the_algorithm_clock_in_its_zone(
        self, date_rules: DateRules, context: ScheduleContext
    ) -> None:
        # 01:10 UTC on 27 July 2021 is still the 26th in New York.
        assert date_rules.today.days == (date(2021, 7, 26),)
        assert date_rules.tomorrow.days == (date(2021, 7, 27),)

        date_rules.set_default_time_zone(TimeZones.UTC)

        assert date_rules.today.days == (date(2021, 7, 27),)
        assert date_rules.today.name == "TodayOnly"


class TestMonthRules:
    def test_month_start_without_symbol_is_the_first(
        self, date_rules: DateRules, context: ScheduleContext
    ) -> None:
        assert day_numbers(date_rules.month_start(), YEAR_2000, context) == [1] * 12

    def test_month_start_after_the_first_skips_that_month(
        self, date_rules: DateRules, context: ScheduleContext
    ) -> None:
        assert len(dates_of(date_rules.month_start(), (date(2000, 1, 4), date(2000, 12, 31)), context)) == 11

    def test_month_start_offset_counts_calendar_days_without_symbol(
        self, date_rules: DateRules, context: ScheduleContext
    ) -> None:
        dates = dates_of(date_rules.month_start(5), YEAR_2000, context)

        assert dates == [date(2000, month, 6) for month in range(1, 13)]

    @pytest.mark.parametrize(("start_day", "expect_none"), [(2, False), (8, False), (12, True), (20, True)])
    def test_month_start_fires_in_the_month_the_span_starts(
        self, date_rules: DateRules, context: ScheduleContext, start_day: int, expect_none: bool
    ) -> None:
        dates = dates_of(date_rules.month_start(10), (date(2000, 12, start_day), date(2000, 12, 31)), context)

        assert dates == ([] if expect_none else [date(2000, 12, 11)])

    def test_month_start_with_symbol_is_the_first_trading_day(
        self, date_rules: DateRules, context: ScheduleContext
    ) -> None:
        dates = dates_of(date_rules.month_start(SPY), YEAR_2000, context)

        assert len(dates) == 12
        assert all(day.weekday() < 5 and day.day <= 3 for day in dates)

    @pytest.mark.parametrize(
        ("key", "offset", "expected"),
        [
            ("SPY", 5, [10, 8, 8, 10, 8, 8]),
            ("SPY", 12, [20, 17, 17, 19, 17, 19]),
            ("SPY", 25, [31, 29, 31, 28, 31, 30]),
            ("BTCUSD", 5, [6, 6, 6, 6, 6, 6]),
            ("EURUSD", 5, [7, 7, 7, 7, 7, 7]),
        ],
    )
    def test_month_start_with_symbol_counts_trading_days(
        self, date_rules: DateRules, context: ScheduleContext, key: str, offset: int, expected: list[int]
    ) -> None:
        assert day_numbers(date_rules.month_start(SYMBOLS[key], offset), HALF_2000, context) == expected

    def test_month_end_without_symbol_is_the_last_day(
        self, date_rules: DateRules, context: ScheduleContext
    ) -> None:
        dates = dates_of(date_rules.month_end(), YEAR_2000, context)

        assert [day.month for day in dates] == list(range(1, 13))
        assert all((day + timedelta(days=1)).day == 1 for day in dates)
        assert all(
            (day + timedelta(days=6)).day == 1
            for day in dates_of(date_rules.month_end(5), YEAR_2000, context)
        )

    @pytest.mark.parametrize(("end_day", "expect_none"), [(5, True), (15, True), (21, False), (30, False)])
    def test_month_end_fires_in_the_month_the_span_ends(
        self, date_rules: DateRules, context: ScheduleContext, end_day: int, expect_none: bool
    ) -> None:
        dates = dates_of(date_rules.month_end(10), (date(2000, 12, 1), date(2000, 12, end_day)), context)

        assert dates == ([] if expect_none else [date(2000, 12, 21)])

    @pytest.mark.parametrize(
        ("key", "offset", "expected"),
        [
            ("SPY", 5, [24, 22, 24, 20, 23, 23]),
            ("SPY", 12, [12, 10, 15, 11, 12, 14]),
            ("SPY", 25, [3, 1, 1, 3, 1, 1]),
            ("BTCUSD", 5, [26, 24, 26, 25, 26, 25]),
            ("EURUSD", 5, [25, 23, 26, 24, 25, 25]),
        ],
    )
    def test_month_end_with_symbol_counts_trading_days_back(
        self, date_rules: DateRules, context: ScheduleContext, key: str, offset: int, expected: list[int]
    ) -> None:
        assert day_numbers(date_rules.month_end(SYMBOLS[key], offset), HALF_2000, context) == expected

    @pytest.mark.parametrize(
        ("extended", "starts", "ends"),
        [(False, [1, 1, 2, 1, 1], [31, 29, 31, 30, 29]), (True, [1, 1, 1, 1, 1], [31, 29, 31, 30, 31])],
    )
    def test_month_rules_of_a_future_honour_extended_hours(
        self,
        date_rules: DateRules,
        context: ScheduleContext,
        extended: bool,
        starts: list[int],
        ends: list[int],
    ) -> None:
        span = (date(2000, 8, 1), date(2000, 12, 31))
        start_rule = date_rules.month_start(FUTURE_SPY, extended_market_hours=extended)
        end_rule = date_rules.month_end(FUTURE_SPY, extended_market_hours=extended)

        assert day_numbers(start_rule, span, context) == starts
        assert day_numbers(end_rule, span, context) == ends

    @pytest.mark.parametrize("offset", [-1, 31])
    def test_month_offset_out_of_range_is_refused(self, date_rules: DateRules, offset: int) -> None:
        with pytest.raises(ValueError, match="days_offset"):
            date_rules.month_start(offset)
        with pytest.raises(ValueError, match="days_offset"):
            date_rules.month_end(SPY, offset)


class TestQuarterAndYearRules:
    def test_quarter_starts_and_ends_without_symbol(
        self, date_rules: DateRules, context: ScheduleContext
    ) -> None:
        assert dates_of(date_rules.quarter_start(), YEAR_2000, context) == [
            date(2000, month, 1) for month in (1, 4, 7, 10)
        ]
        assert dates_of(date_rules.quarter_start(), (date(2000, 2, 15), date(2000, 12, 31)), context) == [
            date(2000, month, 1) for month in (4, 7, 10)
        ]
        assert dates_of(date_rules.quarter_start(5), YEAR_2000, context) == [
            date(2000, month, 6) for month in (1, 4, 7, 10)
        ]
        assert dates_of(date_rules.quarter_end(), YEAR_2000, context) == [
            date(2000, 3, 31),
            date(2000, 6, 30),
            date(2000, 9, 30),
            date(2000, 12, 31),
        ]
        assert dates_of(date_rules.quarter_end(5), YEAR_2000, context) == [
            date(2000, 3, 26),
            date(2000, 6, 25),
            date(2000, 9, 25),
            date(2000, 12, 26),
        ]

    @pytest.mark.parametrize("offset", [-1, 93])
    def test_quarter_offset_out_of_range_is_refused(self, date_rules: DateRules, offset: int) -> None:
        with pytest.raises(ValueError, match="between 0 and 92"):
            date_rules.quarter_start(SPY, offset)

    def test_year_start_and_end_without_symbol(self, date_rules: DateRules, context: ScheduleContext) -> None:
        span = (date(2000, 1, 1), date(2010, 12, 31))

        assert dates_of(date_rules.year_start(), span, context) == [
            date(year, 1, 1) for year in range(2000, 2011)
        ]
        assert dates_of(date_rules.year_start(5), span, context) == [
            date(year, 1, 6) for year in range(2000, 2011)
        ]
        assert dates_of(date_rules.year_end(5), span, context) == [
            date(year, 12, 26) for year in range(2000, 2011)
        ]
        assert len(dates_of(date_rules.year_start(), (date(2000, 6, 1), span[1]), context)) == 10

    @pytest.mark.parametrize(
        ("key", "offset", "expected"),
        [
            ("SPY", 5, [10, 9, 9, 9, 9]),
            ("SPY", 12, [20, 19, 18, 21, 21]),
            ("SPY", 348, [29, 31, 31, 31, 31]),
            ("BTCUSD", 5, [6, 6, 6, 6, 6]),
            ("EURUSD", 5, [7, 7, 7, 7, 7]),
        ],
    )
    def test_year_start_with_symbol(
        self, date_rules: DateRules, context: ScheduleContext, key: str, offset: int, expected: list[int]
    ) -> None:
        span = (date(2000, 1, 1), date(2004, 12, 31))

        assert day_numbers(date_rules.year_start(SYMBOLS[key], offset), span, context) == expected

    @pytest.mark.parametrize(
        ("key", "offset", "expected"),
        [
            ("SPY", 5, [21, 21, 23, 23, 23]),
            ("SPY", 12, [12, 12, 12, 12, 14]),
            ("SPY", 19, [1, 3, 3, 3, 3]),
            ("BTCUSD", 5, [26, 26, 26, 26, 26]),
            ("EURUSD", 5, [25, 25, 25, 25, 26]),
        ],
    )
    def test_year_end_with_symbol(
        self, date_rules: DateRules, context: ScheduleContext, key: str, offset: int, expected: list[int]
    ) -> None:
        span = (date(2000, 1, 1), date(2004, 12, 31))

        assert day_numbers(date_rules.year_end(SYMBOLS[key], offset), span, context) == expected

    @pytest.mark.parametrize(
        ("extended", "starts", "ends"),
        [(False, [3, 3, 3, 2, 2], [30, 29, 31, 31, 31]), (True, [3, 1, 3, 2, 2], [30, 31, 31, 31, 31])],
    )
    def test_year_rules_of_a_future_honour_extended_hours(
        self,
        date_rules: DateRules,
        context: ScheduleContext,
        extended: bool,
        starts: list[int],
        ends: list[int],
    ) -> None:
        start_rule = date_rules.year_start(FUTURE_SPY, extended_market_hours=extended)
        end_rule = date_rules.year_end(FUTURE_SPY, extended_market_hours=extended)

        assert day_numbers(start_rule, (date(2005, 1, 1), date(2009, 1, 31)), context) == starts
        assert day_numbers(end_rule, (date(2005, 1, 1), date(2010, 1, 1)), context) == ends


class TestWeekRules:
    def test_week_start_without_symbol_is_monday(
        self, date_rules: DateRules, context: ScheduleContext
    ) -> None:
        dates = dates_of(date_rules.week_start(), YEAR_2000, context)

        assert len(dates) == 52
        assert {day.weekday() for day in dates} == {0}

    @pytest.mark.parametrize("offset", range(7))
    def test_week_start_offset_moves_calendar_days(
        self, date_rules: DateRules, context: ScheduleContext, offset: int
    ) -> None:
        dates = dates_of(date_rules.week_start(offset), YEAR_2000, context)

        assert {day.weekday() for day in dates} == {offset}
        # 2000 has 53 Saturdays and Sundays.
        assert len(dates) == (53 if offset >= 5 else 52)

    @pytest.mark.parametrize("offset", range(7))
    def test_week_end_offset_moves_back_from_friday(
        self, date_rules: DateRules, context: ScheduleContext, offset: int
    ) -> None:
        dates = dates_of(date_rules.week_end(offset), YEAR_2000, context)

        assert {day.weekday() for day in dates} == {(4 - offset) % 7}
        # Offsets 5 and 6 reach back from the Friday of 2001's first week into 2000. LEAN's own test counts
        # 52 because it only walks weeks up to its query's end; rules here do not depend on the query.
        assert len(dates) == (53 if offset >= 5 else 52)

    @pytest.mark.parametrize(
        ("key", "expected"),
        [
            ("SPY", [3, 10, 18, 24, 31]),
            ("BTCUSD", [2, 9, 16, 23, 30]),
            ("EURUSD", [2, 9, 16, 23, 30]),
            ("FUTURE_SPY", [2, 9, 16, 23, 30]),
        ],
    )
    def test_week_start_with_symbol(
        self, date_rules: DateRules, context: ScheduleContext, key: str, expected: list[int]
    ) -> None:
        assert day_numbers(date_rules.week_start(SYMBOLS[key]), JANUARY_2000, context) == expected

    @pytest.mark.parametrize(
        ("key", "expected"),
        [("SPY", [5, 12, 20, 26]), ("BTCUSD", [4, 11, 18, 25]), ("EURUSD", [4, 11, 18, 25])],
    )
    def test_week_start_with_symbol_and_offset(
        self, date_rules: DateRules, context: ScheduleContext, key: str, expected: list[int]
    ) -> None:
        assert day_numbers(date_rules.week_start(SYMBOLS[key], 2), JANUARY_2000, context) == expected

    @pytest.mark.parametrize(
        ("extended", "expected"), [(False, [3, 10, 18, 24, 31]), (True, [2, 9, 16, 23, 30])]
    )
    def test_week_start_of_a_future_honours_extended_hours(
        self, date_rules: DateRules, context: ScheduleContext, extended: bool, expected: list[int]
    ) -> None:
        rule = date_rules.week_start(FUTURE_SPY, extended_market_hours=extended)

        assert day_numbers(rule, JANUARY_2000, context) == expected

    @pytest.mark.parametrize(
        ("key", "offset", "expected"),
        [
            ("SPY", 0, [7, 14, 21, 28]),
            ("BTCUSD", 0, [1, 8, 15, 22, 29]),
            ("EURUSD", 0, [7, 14, 21, 28]),
            ("FUTURE_SPY", 0, [7, 14, 21, 28]),
            ("SPY", 2, [5, 12, 19, 26]),
            ("BTCUSD", 2, [6, 13, 20, 27]),
            ("EURUSD", 2, [5, 12, 19, 26]),
        ],
    )
    def test_week_end_with_symbol(
        self, date_rules: DateRules, context: ScheduleContext, key: str, offset: int, expected: list[int]
    ) -> None:
        assert day_numbers(date_rules.week_end(SYMBOLS[key], offset), JANUARY_2000, context) == expected

    @pytest.mark.parametrize(("start_day", "expect_none"), [(3, False), (6, False), (7, True), (9, True)])
    def test_week_start_fires_in_the_week_the_span_starts(
        self, date_rules: DateRules, context: ScheduleContext, start_day: int, expect_none: bool
    ) -> None:
        dates = dates_of(date_rules.week_start(3), (date(2000, 1, start_day), date(2000, 1, 9)), context)

        assert dates == ([] if expect_none else [date(2000, 1, 6)])

    @pytest.mark.parametrize(("end_day", "expect_none"), [(3, True), (5, True), (6, False), (9, False)])
    def test_week_end_fires_in_the_week_the_span_ends(
        self, date_rules: DateRules, context: ScheduleContext, end_day: int, expect_none: bool
    ) -> None:
        dates = dates_of(date_rules.week_end(1), (date(2000, 1, 3), date(2000, 1, end_day)), context)

        assert dates == ([] if expect_none else [date(2000, 1, 6)])

    @pytest.mark.parametrize("offset", [5, 6])
    def test_week_offset_past_the_symbols_trading_days_is_refused(
        self, date_rules: DateRules, offset: int
    ) -> None:
        with pytest.raises(ValueError, match="between 0 and 4"):
            date_rules.week_start(SPY, offset)
        with pytest.raises(ValueError, match="between 0 and 4"):
            date_rules.week_end(SPY, offset)


class TestNamesAndWire:
    @pytest.mark.parametrize(
        ("make", "name"),
        [
            (lambda rules: rules.week_end(), "WeekEnd"),
            (lambda rules: rules.week_end(1), "WeekEnd-1"),
            (lambda rules: rules.week_end(SPY), "SPY: WeekEnd"),
            (lambda rules: rules.week_end(SPY, 2), "SPY: WeekEnd-2"),
            (lambda rules: rules.week_start(), "WeekStart"),
            (lambda rules: rules.week_start(1), "WeekStart+1"),
            (lambda rules: rules.week_start(SPY), "SPY: WeekStart"),
            (lambda rules: rules.week_start(SPY, 3), "SPY: WeekStart+3"),
            (lambda rules: rules.month_start(SPY, 5), "SPY: MonthStart+5"),
            (lambda rules: rules.every_day(), "EveryDay"),
            (lambda rules: rules.every_day("SPY"), "SPY: EveryDay"),
        ],
    )
    def test_rules_carry_leans_names(self, date_rules: DateRules, make: object, name: str) -> None:
        assert callable(make)
        assert make(date_rules).name == name

    def test_rules_round_trip_through_json_as_tagged_data(self, date_rules: DateRules) -> None:
        rules: list[DateRuleSpec] = [
            date_rules.every_day("SPY"),
            date_rules.month_end(SPY, 3),
            date_rules.on(2013, 10, 7),
            date_rules.every(DayOfWeek.MONDAY),
            date_rules.week_start(),
        ]

        encoded = msgspec.json.encode(rules)
        decoded = msgspec.json.decode(encoded, type=list[DateRuleSpec])

        assert decoded == rules
        assert b'"type":"MonthEnd"' in encoded
        assert isinstance(decoded[1], MonthEnd)
        assert decoded[0] == EveryDay(symbol=SymbolRef.of(SPY))


class TestWindowIndependence:
    @pytest.mark.parametrize(
        "make",
        [
            lambda rules: rules.month_end(SPY, 25),
            lambda rules: rules.month_start(SPY, 25),
            lambda rules: rules.week_end(BTCUSD, 6),
            lambda rules: rules.year_start(SPY, 348),
            lambda rules: rules.quarter_end(EURUSD, 40),
        ],
    )
    def test_dates_do_not_depend_on_how_the_span_is_cut(
        self, date_rules: DateRules, context: ScheduleContext, make: object
    ) -> None:
        assert callable(make)
        rule = make(date_rules)
        whole = rule.dates(date(2000, 1, 1), date(2002, 12, 31), context)

        pieces: list[date] = []
        start = date(2000, 1, 1)
        while start <= date(2002, 12, 31):
            end = min(start + timedelta(days=9), date(2002, 12, 31))
            pieces.extend(rule.dates(start, end, context))
            start = end + timedelta(days=1)

        assert pieces == whole
