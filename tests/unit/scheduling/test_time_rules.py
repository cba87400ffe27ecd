"""Time rules against LEAN's sample market-hours database, re-creating LEAN's `TimeRulesTests` cases."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal

import msgspec
import numpy as np
import pytest

from lean_core.enums import Market, OptionRight, OptionStyle, SecurityType
from lean_core.scheduling import (
    ExchangeHoursLookup,
    MarketOpen,
    ScheduleContext,
    TimeRules,
    TimeRuleSpec,
    local_to_utc_ns,
    utc_datetime,
)
from lean_core.symbols import Symbol
from lean_core.symbols.symbol import CANONICAL_EXPIRY
from lean_core.time import TimeZones, local_ns_to_utc_ns

SPY = Symbol.create("SPY", SecurityType.EQUITY, Market.USA)
BTCUSD = Symbol.create("BTCUSD", SecurityType.CRYPTO, "bitfinex")
EURUSD = Symbol.create("EURUSD", SecurityType.FOREX, Market.OANDA)
XAUUSD = Symbol.create("XAUUSD", SecurityType.CFD, Market.OANDA)
ES = Symbol.create("ES", SecurityType.FUTURE, "cme")
HSI = Symbol.create_future("HSI", "hkfe", date(2025, 1, 27))
SPX = Symbol.create("SPX", SecurityType.INDEX, Market.USA)
SPX_OPTIONS = Symbol.create_option(
    SPX, Market.USA, OptionStyle.EUROPEAN, OptionRight.CALL, 0, CANONICAL_EXPIRY
)
SPY_OPTIONS = Symbol.create_option(
    SPY, Market.USA, OptionStyle.AMERICAN, OptionRight.CALL, 0, CANONICAL_EXPIRY
)
JANUARY_2022 = [date(2022, 1, day) for day in range(1, 10)]


def rules_in_utc(hours_lookup: ExchangeHoursLookup, securities: Iterable[Symbol] = (SPY,)) -> TimeRules:
    held = list(securities)
    return TimeRules(hours_lookup, TimeZones.UTC, securities=lambda: held)


def times(rule: TimeRuleSpec, dates: list[date], context: ScheduleContext) -> list[datetime]:
    return [utc_datetime(ns) for ns in rule.utc_times(dates, context)]


def times_of_day(rule: TimeRuleSpec, dates: list[date], context: ScheduleContext) -> list[float]:
    """Return each event's UTC time of day in hours."""
    return [
        (moment - datetime.combine(moment.date(), datetime.min.time())) / timedelta(hours=1)
        for moment in times(rule, dates, context)
    ]


@pytest.fixture
def utc_rules(hours_lookup: ExchangeHoursLookup) -> TimeRules:
    return rules_in_utc(hours_lookup)


class TestClockRules:
    def test_at_reads_the_time_in_the_algorithm_zone(
        self, hours_lookup: ExchangeHoursLookup, context: ScheduleContext
    ) -> None:
        new_york = TimeRules(hours_lookup, TimeZones.NEW_YORK).at(timedelta(hours=12))
        utc = TimeRules(hours_lookup, TimeZones.UTC).at(12, 0)

        assert times_of_day(utc, [date(2000, 1, 1)], context) == [12]
        assert times_of_day(new_york, [date(2000, 1, 1)], context) == [17]

    def test_at_with_an_explicit_zone(self, time_rules: TimeRules, context: ScheduleContext) -> None:
        rule = time_rules.at(9, 30, TimeZones.LONDON)

        assert times(rule, [date(2013, 10, 7)], context) == [datetime(2013, 10, 7, 8, 30)]
        assert rule.name == "9.5"

    def test_at_a_repeated_wall_time_takes_the_later_instant(
        self, time_rules: TimeRules, context: ScheduleContext
    ) -> None:
        # 01:30 happens twice in New York on 3 November 2013; LEAN picks the second (EST) one.
        assert times(time_rules.at(1, 30), [date(2013, 11, 3)], context) == [datetime(2013, 11, 3, 6, 30)]

    def test_at_a_skipped_wall_time_takes_the_transition(
        self, time_rules: TimeRules, context: ScheduleContext
    ) -> None:
        # 02:30 never happens in New York on 9 March 2014; LEAN moves it to 03:00 EDT.
        assert times(time_rules.at(2, 30), [date(2014, 3, 9)], context) == [datetime(2014, 3, 9, 7, 0)]

    def test_midnight_and_noon(self, time_rules: TimeRules, context: ScheduleContext) -> None:
        assert times(time_rules.midnight, [date(2013, 10, 7)], context) == [datetime(2013, 10, 7, 4)]
        assert times(time_rules.noon, [date(2013, 10, 7)], context) == [datetime(2013, 10, 7, 16)]

    def test_noon_adds_twelve_hours_to_midnight_in_utc_on_a_clock_change(
        self, time_rules: TimeRules, context: ScheduleContext
    ) -> None:
        # Midnight is 04:00 UTC (EDT); twelve hours on is 11:00 EST, as LEAN computes it.
        assert times(time_rules.noon, [date(2013, 11, 3)], context) == [datetime(2013, 11, 3, 16)]

    def test_now_is_the_algorithm_time_whatever_the_date(self, hours_lookup: ExchangeHoursLookup) -> None:
        now = datetime(2021, 7, 27, 1, 10, 10, 500_000)
        rules = TimeRules(hours_lookup, TimeZones.NEW_YORK, utc_now=lambda: now)
        context = ScheduleContext(hours_lookup, TimeZones.NEW_YORK)

        assert times(rules.now, [date(2021, 7, 27)], context) == [now]
        assert rules.now.utc_times([], context) == []


class TestEvery:
    @pytest.mark.parametrize("minutes", [0, -1])
    def test_every_refuses_a_non_positive_interval(self, time_rules: TimeRules, minutes: int) -> None:
        with pytest.raises(ValueError, match="interval"):
            time_rules.every(timedelta(minutes=minutes))

    def test_every_half_second_covers_the_day(
        self, utc_rules: TimeRules, hours_lookup: ExchangeHoursLookup
    ) -> None:
        rule = utc_rules.every(timedelta(milliseconds=500))

        found = rule.utc_times([date(2019, 6, 28)], ScheduleContext(hours_lookup, TimeZones.UTC))

        assert len(found) == 2 * 86_400
        assert utc_datetime(found[1]) == datetime(2019, 6, 28, 0, 0, 0, 500_000)
        assert np.all(np.diff(found) == 500_000_000)

    def test_every_half_hour_on_the_fall_back_day_skips_the_repeated_hour(
        self, time_rules: TimeRules, context: ScheduleContext
    ) -> None:
        found = times(time_rules.every(timedelta(minutes=30)), [date(2013, 11, 3)], context)

        assert len(found) == 48
        assert found[:5] == [
            datetime(2013, 11, 3, 4, 0),
            datetime(2013, 11, 3, 4, 30),
            datetime(2013, 11, 3, 6, 0),
            datetime(2013, 11, 3, 6, 30),
            datetime(2013, 11, 3, 7, 0),
        ]

    def test_every_half_hour_on_the_spring_forward_day_repeats_the_transition(
        self, time_rules: TimeRules, context: ScheduleContext
    ) -> None:
        found = times(time_rules.every(timedelta(minutes=30)), [date(2014, 3, 9)], context)

        assert found[3:7] == [datetime(2014, 3, 9, 6, 30)] + [datetime(2014, 3, 9, 7, 0)] * 3


class TestMarketOpen:
    @pytest.mark.parametrize(
        ("minutes", "extended", "hour"),
        [(0, False, 14.5), (30, False, 15), (0, True, 9), (30, True, 9.5)],
    )
    def test_after_market_open_of_spy(
        self, utc_rules: TimeRules, context: ScheduleContext, minutes: int, extended: bool, hour: float
    ) -> None:
        rule = utc_rules.after_market_open(SPY, minutes, extended)

        assert times_of_day(rule, [date(2000, 1, 3)], context) == [hour]

    def test_ten_minutes_after_spy_open(self, time_rules: TimeRules, context: ScheduleContext) -> None:
        rule = time_rules.after_market_open("SPY", 10)

        assert times(rule, [date(2013, 10, 7)], context) == [datetime(2013, 10, 7, 13, 40)]
        assert rule.name == "SPY: 10 min after MarketOpen"

    @pytest.mark.parametrize(("extended", "hour"), [(True, 8.5), (False, 14)])
    def test_before_market_open(
        self, utc_rules: TimeRules, context: ScheduleContext, extended: bool, hour: float
    ) -> None:
        rule = utc_rules.before_market_open(SPY, 30, extended)

        assert times_of_day(rule, [date(2000, 1, 3)], context) == [hour]
        assert rule.name == f"SPY: 30 min before {'ExtendedMarketOpen' if extended else 'MarketOpen'}"

    def test_regular_open_of_a_continuous_future(
        self, utc_rules: TimeRules, context: ScheduleContext
    ) -> None:
        weekdays = [date(2022, 1, day) for day in (3, 4, 5, 6, 7, 10)]

        found = times(utc_rules.after_market_open(ES), weekdays, context)

        assert found == [
            datetime.combine(day, datetime.min.time()) + timedelta(hours=14.5) for day in weekdays
        ]

    def test_extended_open_of_a_continuous_future_is_each_days_first_session(
        self, utc_rules: TimeRules, context: ScheduleContext
    ) -> None:
        found = times(utc_rules.after_market_open(ES, 0, True), JANUARY_2022, context)

        assert found == [
            datetime(2022, 1, 2, 23),  # Sunday 18:00 New York: the week's first session
            datetime(2022, 1, 3, 5),
            datetime(2022, 1, 4, 5),
            datetime(2022, 1, 5, 5),
            datetime(2022, 1, 6, 5),
            datetime(2022, 1, 7, 5),
            datetime(2022, 1, 9, 23),
        ]

    @pytest.mark.parametrize(("extended", "hour"), [(True, 16), (False, 1.25)])
    def test_open_of_an_exchange_with_several_sessions(
        self, utc_rules: TimeRules, context: ScheduleContext, extended: bool, hour: float
    ) -> None:
        rule = utc_rules.after_market_open(HSI, extended_market_open=extended)

        assert times_of_day(rule, [date(2000, 1, 4)], context) == [hour]


class TestMarketClose:
    @pytest.mark.parametrize(
        ("minutes", "extended", "hour"),
        [(0, False, 21), (30, False, 20.5), (0, True, 1), (30, True, 0.5)],
    )
    def test_before_market_close_of_spy(
        self, utc_rules: TimeRules, context: ScheduleContext, minutes: int, extended: bool, hour: float
    ) -> None:
        rule = utc_rules.before_market_close(SPY, minutes, extended)

        assert times_of_day(rule, [date(2000, 1, 3)], context) == [hour]

    @pytest.mark.parametrize(("extended", "hour"), [(True, 1.5), (False, 21.5)])
    def test_after_market_close(
        self, utc_rules: TimeRules, context: ScheduleContext, extended: bool, hour: float
    ) -> None:
        rule = utc_rules.after_market_close(SPY, 30, extended)

        assert times_of_day(rule, [date(2000, 1, 3)], context) == [hour]
        assert rule.name == f"SPY: 30 min after {'ExtendedMarketClose' if extended else 'MarketClose'}"

    def test_extended_close_of_spy_skips_closed_days(
        self, utc_rules: TimeRules, context: ScheduleContext
    ) -> None:
        found = times(utc_rules.before_market_close(SPY, 0, True), JANUARY_2022, context)

        assert found == [datetime(2022, 1, day, 1) for day in (4, 5, 6, 7, 8)]

    def test_close_on_an_early_close_day(self, time_rules: TimeRules, context: ScheduleContext) -> None:
        rule = time_rules.before_market_close("SPY", 10)
        days = [date(2013, 11, 27), date(2013, 11, 28), date(2013, 11, 29)]

        # Thanksgiving is a holiday; the day after closes at 13:00 EST.
        assert times(rule, days, context) == [datetime(2013, 11, 27, 20, 50), datetime(2013, 11, 29, 17, 50)]

    @pytest.mark.parametrize(("extended", "hour"), [(True, 16), (False, 8.5)])
    def test_close_of_an_exchange_with_several_sessions(
        self, utc_rules: TimeRules, context: ScheduleContext, extended: bool, hour: float
    ) -> None:
        rule = utc_rules.before_market_close(HSI, extended_market_close=extended)

        assert times_of_day(rule, [date(2000, 1, 3)], context) == [hour]


class TestMarketRulesWithoutSymbol:
    def test_default_to_spy_without_securities(
        self, hours_lookup: ExchangeHoursLookup, context: ScheduleContext
    ) -> None:
        rules = TimeRules(hours_lookup, TimeZones.UTC)

        assert times_of_day(rules.after_market_open(30), [date(2000, 1, 3)], context) == [15]
        assert times_of_day(rules.before_market_close(30), [date(2000, 1, 3)], context) == [20.5]
        assert rules.after_market_open(30).name == "30 min after MarketOpen"

    def test_always_open_securities_are_ignored(
        self, hours_lookup: ExchangeHoursLookup, context: ScheduleContext
    ) -> None:
        rule = rules_in_utc(hours_lookup, [BTCUSD]).after_market_open()

        assert isinstance(rule, MarketOpen)
        assert [ref.value for ref in rule.candidates] == ["SPY"]
        assert times_of_day(rule, [date(2000, 1, 3)], context) == [14.5]

    @pytest.mark.parametrize(
        ("security", "extended", "open_time", "close_time"),
        [
            (ES, True, datetime(2022, 1, 3, 5), datetime(2022, 1, 4, 5)),
            (ES, False, datetime(2022, 1, 3, 14, 30), datetime(2022, 1, 3, 22)),
            (EURUSD, False, datetime(2022, 1, 3, 5), datetime(2022, 1, 4, 5)),
            (XAUUSD, False, datetime(2022, 1, 3, 5), datetime(2022, 1, 4, 5)),
            (SPY_OPTIONS, False, datetime(2022, 1, 3, 14, 30), datetime(2022, 1, 3, 21)),
            (SPX_OPTIONS, False, datetime(2022, 1, 3, 14, 30), datetime(2022, 1, 3, 21, 15)),
        ],
    )
    def test_earliest_open_and_latest_close_across_securities(
        self,
        hours_lookup: ExchangeHoursLookup,
        context: ScheduleContext,
        security: Symbol,
        extended: bool,
        open_time: datetime,
        close_time: datetime,
    ) -> None:
        rules = rules_in_utc(hours_lookup, [SPY, security])

        assert times(rules.after_market_open(0, extended), [date(2022, 1, 3)], context) == [open_time]
        assert times(rules.before_market_close(0, extended), [date(2022, 1, 3)], context) == [close_time]

    def test_option_contracts_of_one_underlying_share_one_exchange(
        self, hours_lookup: ExchangeHoursLookup
    ) -> None:
        contracts = [
            Symbol.create_option(
                SPY, Market.USA, OptionStyle.AMERICAN, OptionRight.CALL, Decimal(strike), date(2024, 1, 19)
            )
            for strike in range(100, 110)
        ]

        rule = rules_in_utc(hours_lookup, contracts).after_market_open()

        assert isinstance(rule, MarketOpen)
        assert len(rule.candidates) == 2


class TestConversionAndWire:
    @pytest.mark.parametrize(
        "local",
        [
            datetime(2013, 11, 3, 0, 59),
            datetime(2013, 11, 3, 1, 0),
            datetime(2013, 11, 3, 1, 59, 59),
            datetime(2013, 11, 3, 2, 0),
            datetime(2014, 3, 9, 1, 59),
            datetime(2014, 3, 9, 2, 0),
            datetime(2014, 3, 9, 2, 45, 30),
            datetime(2014, 3, 9, 3, 0),
            datetime(2013, 10, 7, 9, 30),
        ],
    )
    def test_scalar_conversion_agrees_with_the_vectorised_one(self, local: datetime) -> None:
        local_ns = int((local - datetime(1970, 1, 1)) / timedelta(microseconds=1)) * 1000

        vectorised = int(local_ns_to_utc_ns(np.array([local_ns]), TimeZones.NEW_YORK)[0])

        assert local_to_utc_ns(local, TimeZones.NEW_YORK) == vectorised

    def test_time_rules_round_trip_through_msgpack(self, time_rules: TimeRules) -> None:
        rules: list[TimeRuleSpec] = [
            time_rules.at(9, 31),
            time_rules.every(timedelta(minutes=5)),
            time_rules.after_market_open(SPY, 10),
            time_rules.before_market_close(15),
            time_rules.noon,
        ]

        decoded = msgspec.msgpack.decode(msgspec.msgpack.encode(rules), type=list[TimeRuleSpec])

        assert decoded == rules
