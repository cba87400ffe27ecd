"""SecurityExchangeHours on hand-built schedules: LEAN's rules for segments, opens and closes."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from lean_core.enums import MarketHoursState
from lean_core.errors import MarketHoursError
from lean_core.time.market_hours import MarketHoursSegment, SecurityExchangeHours
from lean_core.time.time_zones import TimeZones

PRE, MARKET, POST = MarketHoursState.PRE_MARKET, MarketHoursState.MARKET, MarketHoursState.POST_MARKET
FRIDAY = date(2020, 7, 3)


def hm(text: str) -> timedelta:
    hours, minutes = text.split(":")
    return timedelta(hours=int(hours), minutes=int(minutes))


def seg(start: str, end: str, state: MarketHoursState = MARKET) -> MarketHoursSegment:
    return MarketHoursSegment(hm(start), hm(end), state)


def equity_hours(
    holidays: tuple[date, ...] = (), early_closes: dict[date, timedelta] | None = None
) -> SecurityExchangeHours:
    """Return US-equity-like hours: 04:00 pre, 09:30-16:00 market, post to 20:00, Monday to Friday."""
    day = (seg("04:00", "09:30", PRE), seg("09:30", "16:00"), seg("16:00", "20:00", POST))
    weekly = {weekday: day for weekday in range(5)}
    return SecurityExchangeHours(TimeZones.NEW_YORK, weekly, holidays=holidays, early_closes=early_closes)


def future_hours(early_closes: dict[date, timedelta] | None = None) -> SecurityExchangeHours:
    """Return CME-equity-future-like hours: Sunday 18:00 to Friday 17:00 with a daily 17:00-18:00 break."""
    weekday = (seg("00:00", "09:30", PRE), seg("09:30", "17:00"), seg("18:00", "24:00", POST))
    weekly: dict[int, tuple[MarketHoursSegment, ...]] = {day: weekday for day in range(4)}
    weekly[4] = weekday[:2]
    weekly[6] = (seg("18:00", "24:00", PRE),)
    return SecurityExchangeHours(TimeZones.NEW_YORK, weekly, early_closes=early_closes)


def forex_hours() -> SecurityExchangeHours:
    """Return Oanda-like forex hours: Sunday 17:03 to Friday 16:58, closed 16:58-17:03 daily."""
    weekly: dict[int, tuple[MarketHoursSegment, ...]] = {
        day: (seg("00:00", "16:58"), seg("17:03", "24:00")) for day in range(4)
    }
    weekly[4] = (seg("00:00", "16:58"),)
    weekly[6] = (seg("17:03", "24:00"),)
    return SecurityExchangeHours(TimeZones.NEW_YORK, weekly)


def friday_hours(early_close: str | None = None, late_open: str | None = None) -> SecurityExchangeHours:
    """Return a schedule whose Friday is 00:00-08:30 pre and 08:30-16:00 market, with optional changes."""
    return SecurityExchangeHours(
        TimeZones.NEW_YORK,
        {4: (seg("00:00", "08:30", PRE), seg("08:30", "16:00"))},
        early_closes={FRIDAY: hm(early_close)} if early_close else None,
        late_opens={FRIDAY: hm(late_open)} if late_open else None,
    )


class TestSegments:
    def test_regular_day_has_only_the_market_segment_without_extended_hours(self) -> None:
        assert equity_hours().segments(date(2013, 10, 7)) == [seg("09:30", "16:00")]

    def test_regular_day_has_all_segments_with_extended_hours(self) -> None:
        segments = equity_hours().segments(date(2013, 10, 7), extended_market_hours=True)

        assert [(s.start, s.end) for s in segments] == [
            (hm("04:00"), hm("09:30")),
            (hm("09:30"), hm("16:00")),
            (hm("16:00"), hm("20:00")),
        ]

    def test_holiday_has_no_segments(self) -> None:
        hours = equity_hours(holidays=(date(2013, 11, 28),))

        assert hours.segments(date(2013, 11, 28), extended_market_hours=True) == []

    @pytest.mark.parametrize(
        ("early_close", "late_open", "expected"),
        [
            (None, None, [seg("00:00", "08:30", PRE), seg("08:30", "16:00")]),
            ("12:00", None, [seg("00:00", "08:30", PRE), seg("08:30", "12:00")]),
            ("07:00", None, [seg("00:00", "07:00", PRE)]),
            ("17:00", None, [seg("00:00", "08:30", PRE), seg("08:30", "16:00")]),
            (None, "10:00", [seg("10:00", "16:00")]),
            (None, "07:00", [seg("07:00", "08:30", PRE), seg("08:30", "16:00")]),
            (None, "17:00", [seg("00:00", "08:30", PRE), seg("08:30", "16:00")]),
            ("12:00", "13:00", [seg("00:00", "08:30", PRE), seg("08:30", "12:00"), seg("13:00", "16:00")]),
            ("15:00", "14:00", [seg("14:00", "15:00")]),
            ("07:00", "14:00", [seg("00:00", "07:00", PRE), seg("14:00", "16:00")]),
            ("07:00", "06:00", [seg("06:00", "07:00", PRE)]),
            ("08:30", None, [seg("00:00", "08:30", PRE)]),
            (None, "16:00", [seg("16:00", "16:00")]),
            ("13:00", "13:00", [seg("00:00", "08:30", PRE), seg("08:30", "13:00"), seg("13:00", "13:00")]),
        ],
    )
    def test_early_close_and_late_open_reshape_the_day_as_lean_does(
        self, early_close: str | None, late_open: str | None, expected: list[MarketHoursSegment]
    ) -> None:
        hours = friday_hours(early_close, late_open)

        assert hours.segments(FRIDAY, extended_market_hours=True) == expected

    def test_early_close_drops_post_market_and_later_sessions(self) -> None:
        hours = future_hours(early_closes={date(2013, 11, 29): hm("13:15")})

        segments = hours.segments(date(2013, 11, 29), extended_market_hours=True)

        assert segments == [seg("00:00", "09:30", PRE), seg("09:30", "13:15")]

    def test_early_close_in_a_gap_also_drops_the_segment_before_it_like_lean(self) -> None:
        # LEAN's GetMarketHours keeps one segment fewer when the close falls between two segments.
        hours = future_hours(early_closes={date(2013, 11, 27): hm("17:30")})

        assert hours.segments(date(2013, 11, 27), extended_market_hours=True) == [seg("00:00", "09:30", PRE)]


class TestIsOpen:
    @pytest.mark.parametrize(
        ("moment", "extended", "expected"),
        [
            (datetime(2013, 10, 7, 9, 30), False, True),
            (datetime(2013, 10, 7, 9, 29, 59), False, False),
            (datetime(2013, 10, 7, 15, 59, 59), False, True),
            (datetime(2013, 10, 7, 16, 0), False, False),
            (datetime(2013, 10, 7, 4, 0), True, True),
            (datetime(2013, 10, 7, 19, 59), True, True),
            (datetime(2013, 10, 7, 20, 0), True, False),
            (datetime(2013, 10, 5, 12, 0), True, False),
        ],
    )
    def test_moment_is_open_inside_a_segment_start_inclusive_end_exclusive(
        self, moment: datetime, extended: bool, expected: bool
    ) -> None:
        assert equity_hours().is_open(moment, extended) is expected

    def test_moment_after_an_early_close_is_closed(self) -> None:
        hours = equity_hours(early_closes={date(2013, 11, 29): hm("13:00")})

        assert hours.is_open(datetime(2013, 11, 29, 12, 59), False)
        assert not hours.is_open(datetime(2013, 11, 29, 13, 0), False)
        assert not hours.is_open(datetime(2013, 11, 29, 17, 0), True)

    @pytest.mark.parametrize(
        ("start", "end", "expected"),
        [
            (datetime(2013, 10, 7, 9, 29), datetime(2013, 10, 7, 9, 30), False),
            (datetime(2013, 10, 7, 9, 29), datetime(2013, 10, 7, 9, 31), True),
            (datetime(2013, 10, 7, 15, 59), datetime(2013, 10, 7, 16, 0), True),
            (datetime(2013, 10, 7, 16, 0), datetime(2013, 10, 7, 16, 1), False),
            (datetime(2013, 10, 5), datetime(2013, 10, 7), False),
            (datetime(2013, 10, 5), datetime(2013, 10, 7, 9, 31), True),
            (datetime(2013, 10, 7, 9, 30), datetime(2013, 10, 7, 9, 30), True),
        ],
    )
    def test_interval_is_open_when_any_moment_in_it_is(
        self, start: datetime, end: datetime, expected: bool
    ) -> None:
        assert equity_hours().is_open_between(start, end) is expected

    def test_date_with_only_extended_hours_is_open_only_with_extended_hours(self) -> None:
        sunday = date(2013, 10, 6)

        assert not future_hours().is_date_open(sunday)
        assert future_hours().is_date_open(sunday, extended_market_hours=True)

    def test_holiday_date_is_not_open(self) -> None:
        assert not equity_hours(holidays=(date(2013, 11, 28),)).is_date_open(date(2013, 11, 28))


class TestNextMarketOpen:
    @pytest.mark.parametrize(
        ("local", "extended", "expected"),
        [
            (datetime(2013, 10, 7, 9, 30), False, datetime(2013, 10, 8, 9, 30)),
            (datetime(2013, 10, 4, 18, 0), False, datetime(2013, 10, 7, 9, 30)),
            (datetime(2013, 10, 4, 18, 0), True, datetime(2013, 10, 7, 4, 0)),
            (datetime(2013, 11, 27, 17, 0), False, datetime(2013, 11, 29, 9, 30)),
        ],
    )
    def test_next_open_is_the_next_session_start_strictly_after(
        self, local: datetime, extended: bool, expected: datetime
    ) -> None:
        hours = equity_hours(holidays=(date(2013, 11, 28),))

        assert hours.get_next_market_open(local, extended) == expected

    @pytest.mark.parametrize(
        ("local", "extended", "expected"),
        [
            (datetime(2022, 1, 1), True, datetime(2022, 1, 2, 18, 0)),
            (datetime(2022, 1, 1), False, datetime(2022, 1, 3, 9, 30)),
            (datetime(2022, 1, 3, 12, 0), True, datetime(2022, 1, 3, 18, 0)),
            (datetime(2022, 1, 3, 12, 0), False, datetime(2022, 1, 4, 9, 30)),
        ],
    )
    def test_next_open_skips_sessions_that_continue_over_midnight(
        self, local: datetime, extended: bool, expected: datetime
    ) -> None:
        assert future_hours().get_next_market_open(local, extended) == expected

    def test_next_open_after_an_early_close_that_ends_the_day_is_the_next_day(self) -> None:
        hours = forex_hours()
        early = SecurityExchangeHours(
            hours.time_zone,
            {day: hours.weekday_segments(day) for day in range(7)},
            early_closes={date(2013, 12, 31): hm("14:00")},
        )

        assert early.get_next_market_open(datetime(2013, 12, 31, 15, 0), False) == datetime(2014, 1, 1, 0, 0)

    def test_always_open_market_has_no_next_open(self) -> None:
        hours = SecurityExchangeHours.always_open(TimeZones.UTC)

        with pytest.raises(MarketHoursError, match="always open"):
            hours.get_next_market_open(datetime(2020, 1, 1), False)


class TestNextMarketClose:
    @pytest.mark.parametrize(
        ("local", "extended", "expected"),
        [
            (datetime(2013, 10, 7, 10, 0), False, datetime(2013, 10, 7, 16, 0)),
            (datetime(2013, 10, 7, 10, 0), True, datetime(2013, 10, 7, 20, 0)),
            (datetime(2013, 10, 7, 16, 0), False, datetime(2013, 10, 8, 16, 0)),
            (datetime(2013, 11, 29, 10, 0), False, datetime(2013, 11, 29, 13, 0)),
        ],
    )
    def test_next_close_is_the_next_session_end_strictly_after(
        self, local: datetime, extended: bool, expected: datetime
    ) -> None:
        hours = equity_hours(early_closes={date(2013, 11, 29): hm("13:00")})

        assert hours.get_next_market_close(local, extended) == expected

    def test_next_close_skips_the_midnight_join_of_a_continuous_session(self) -> None:
        assert forex_hours().get_next_market_close(datetime(2013, 10, 7, 18, 0), False) == datetime(
            2013, 10, 8, 16, 58
        )

    def test_next_close_of_a_future_with_extended_hours_runs_through_the_night(self) -> None:
        assert future_hours().get_next_market_close(datetime(2022, 1, 3, 17, 30), True) == datetime(
            2022, 1, 4, 17, 0
        )

    def test_last_daily_close_is_the_days_final_session_end(self) -> None:
        local = datetime(2013, 10, 7, 10, 0)

        assert forex_hours().get_last_daily_market_close(local, False) == datetime(2013, 10, 8, 0, 0)

    def test_always_open_market_has_no_next_close(self) -> None:
        with pytest.raises(MarketHoursError, match="market close"):
            SecurityExchangeHours.always_open(TimeZones.UTC).get_next_market_close(
                datetime(2020, 1, 1), False
            )


class TestPreviousMarketOpen:
    def test_previous_open_is_the_latest_session_start(self) -> None:
        assert equity_hours().get_previous_market_open(datetime(2013, 10, 7, 12, 0), False) == datetime(
            2013, 10, 7, 9, 30
        )

    def test_previous_open_of_an_overnight_session_is_where_it_began_after_the_break(self) -> None:
        local = datetime(2022, 1, 4, 3, 0)

        assert future_hours().get_previous_market_open(local, True) == datetime(2022, 1, 3, 18, 0)


class TestTradingDays:
    @pytest.mark.parametrize(
        ("day", "expected"),
        [(date(2013, 11, 27), date(2013, 11, 29)), (date(2013, 10, 4), date(2013, 10, 7))],
    )
    def test_next_trading_day_skips_weekends_and_holidays(self, day: date, expected: date) -> None:
        assert equity_hours(holidays=(date(2013, 11, 28),)).get_next_trading_day(day) == expected

    def test_previous_trading_day_skips_weekends_and_holidays(self) -> None:
        hours = equity_hours(holidays=(date(2013, 11, 28),))

        assert hours.get_previous_trading_day(date(2013, 11, 29)) == date(2013, 11, 27)
        assert hours.get_previous_trading_day(date(2013, 10, 7)) == date(2013, 10, 4)

    def test_trading_day_search_gives_up_on_a_never_open_exchange(self) -> None:
        with pytest.raises(MarketHoursError, match="no trading day"):
            SecurityExchangeHours(TimeZones.UTC, {}).get_next_trading_day(date(2020, 1, 1))


class TestProperties:
    def test_always_open_hours_are_always_open(self) -> None:
        assert SecurityExchangeHours.always_open(TimeZones.UTC).is_always_open

    @pytest.mark.parametrize("hours", [equity_hours(), future_hours(), forex_hours()])
    def test_hours_with_closed_time_are_not_always_open(self, hours: SecurityExchangeHours) -> None:
        assert not hours.is_always_open

    def test_regular_market_duration_is_the_most_common_session_length(self) -> None:
        assert equity_hours().regular_market_duration == timedelta(hours=6, minutes=30)

    def test_dates_are_read_only(self) -> None:
        hours = equity_hours(early_closes={date(2013, 11, 29): hm("13:00")})

        with pytest.raises(TypeError):
            hours.early_closes[date(2013, 11, 29)] = hm("12:00")  # type: ignore[index]

    @pytest.mark.parametrize(("start", "end"), [("10:00", "09:00"), ("-1:00", "09:00"), ("00:00", "25:00")])
    def test_segment_rejects_bounds_outside_one_day(self, start: str, end: str) -> None:
        with pytest.raises(ValueError, match="segment must satisfy"):
            seg(start, end)

    def test_overlapping_segments_are_refused(self) -> None:
        with pytest.raises(ValueError, match="overlap"):
            SecurityExchangeHours(TimeZones.UTC, {0: (seg("09:00", "12:00"), seg("11:00", "13:00"))})
