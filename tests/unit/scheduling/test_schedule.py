"""Scheduled events: instants in windows, end-of-day events and the algorithm's schedule manager."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import msgspec
import pytest

from lean_core.enums import Market, SecurityType
from lean_core.scheduling import (
    DateRules,
    DateRuleSpec,
    ScheduleContext,
    ScheduledEvent,
    ScheduleManager,
    SymbolRef,
    TimeRules,
    TimeRuleSpec,
    algorithm_end_of_day_event,
    event_times,
    iter_event_times,
    local_to_utc_ns,
    security_end_of_day_event,
    utc_datetime,
)
from lean_core.symbols import Symbol
from lean_core.time import TimeZones

SPY = Symbol.create("SPY", SecurityType.EQUITY, Market.USA)
BTCUSD = Symbol.create("BTCUSD", SecurityType.CRYPTO, "bitfinex")
ES = Symbol.create("ES", SecurityType.FUTURE, "cme")

# The `events` fixture: the rules' instants in [start, end) as naive UTC datetimes.
Events = Callable[[DateRuleSpec, TimeRuleSpec, datetime, datetime], list[datetime]]


def ns(moment: datetime) -> int:
    return local_to_utc_ns(moment, TimeZones.UTC)


def new_york(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """Return a New York wall time as naive UTC."""
    return utc_datetime(local_to_utc_ns(datetime(year, month, day, hour, minute), TimeZones.NEW_YORK))


class TestEventTimes:
    def test_ten_minutes_after_the_open_each_trading_day(
        self, date_rules: DateRules, time_rules: TimeRules, events: Events
    ) -> None:
        found = events(
            date_rules.every_day("SPY"),
            time_rules.after_market_open("SPY", 10),
            datetime(2013, 10, 5),
            datetime(2013, 10, 12),
        )

        assert found == [datetime(2013, 10, day, 13, 40) for day in range(7, 12)]

    def test_window_is_closed_at_start_and_open_at_end(
        self, date_rules: DateRules, time_rules: TimeRules, events: Events
    ) -> None:
        rules = (date_rules.every_day("SPY"), time_rules.after_market_open("SPY", 10))

        assert events(*rules, datetime(2013, 10, 7, 13, 40), datetime(2013, 10, 8, 13, 40)) == [
            datetime(2013, 10, 7, 13, 40)
        ]

    def test_every_interval_runs_across_midnight(
        self, date_rules: DateRules, time_rules: TimeRules, events: Events
    ) -> None:
        found = events(
            date_rules.every_day(),
            time_rules.every(timedelta(hours=1)),
            new_york(2013, 10, 7, 22),
            new_york(2013, 10, 8, 2),
        )

        assert found == [
            new_york(2013, 10, 7, 22),
            new_york(2013, 10, 7, 23),
            *(new_york(2013, 10, 8, h) for h in (0, 1)),
        ]

    def test_clock_rule_keeps_local_time_across_the_fall_back(
        self, date_rules: DateRules, time_rules: TimeRules, events: Events
    ) -> None:
        found = events(
            date_rules.every_day("SPY"), time_rules.at(9, 31), datetime(2013, 11, 1), datetime(2013, 11, 6)
        )

        assert found == [
            datetime(2013, 11, 1, 13, 31),
            datetime(2013, 11, 4, 14, 31),
            datetime(2013, 11, 5, 14, 31),
        ]

    def test_weekly_event_before_close_follows_holidays_and_dst(
        self, date_rules: DateRules, time_rules: TimeRules, events: Events
    ) -> None:
        found = events(
            date_rules.week_start(SPY),
            time_rules.before_market_close(SPY, 3),
            datetime(2024, 2, 10),
            datetime(2024, 4, 1),
        )

        assert found == [
            datetime(2024, 2, 12, 20, 57),
            datetime(2024, 2, 20, 20, 57),  # Monday the 19th is a holiday
            datetime(2024, 2, 26, 20, 57),
            datetime(2024, 3, 4, 20, 57),
            datetime(2024, 3, 11, 19, 57),  # daylight saving time began on the 10th
            datetime(2024, 3, 18, 19, 57),
            datetime(2024, 3, 25, 19, 57),
        ]

    def test_week_start_without_extended_hours_meets_the_regular_open(
        self, date_rules: DateRules, time_rules: TimeRules, events: Events
    ) -> None:
        found = events(
            date_rules.week_start(ES, extended_market_hours=False),
            time_rules.after_market_open(ES),
            datetime(2024, 2, 10),
            datetime(2024, 2, 17),
        )

        assert found == [datetime(2024, 2, 12, 14, 30)]

    @pytest.mark.parametrize("cut_hours", [1, 7, 24, 61])
    def test_windows_cut_anywhere_give_the_same_instants(
        self, date_rules: DateRules, time_rules: TimeRules, context: ScheduleContext, cut_hours: int
    ) -> None:
        pairs = [
            (date_rules.every_day(), time_rules.every(timedelta(minutes=45))),
            (date_rules.month_end(SPY, 2), time_rules.before_market_close(SPY, 30, True)),
            (date_rules.every_day(SPY), time_rules.after_market_open(SPY, -600)),
        ]
        start, end = ns(datetime(2013, 10, 25)), ns(datetime(2013, 12, 3))
        step = cut_hours * 3_600 * 10**9

        for date_rule, time_rule in pairs:
            whole = event_times(date_rule, time_rule, start, end, context)
            pieces: list[int] = []
            for window_start in range(start, end, step):
                pieces += event_times(
                    date_rule, time_rule, window_start, min(window_start + step, end), context
                )
            assert pieces == whole
            assert whole == sorted(whole)
            assert (
                list(iter_event_times(date_rule, time_rule, start, end, context, chunk=timedelta(hours=5)))
                == whole
            )

    def test_empty_or_reversed_window_has_no_instants(
        self, date_rules: DateRules, time_rules: TimeRules, context: ScheduleContext
    ) -> None:
        start = ns(datetime(2013, 10, 7))

        assert event_times(date_rules.every_day(), time_rules.midnight, start, start, context) == []
        with pytest.raises(ValueError, match="chunk"):
            next(
                iter_event_times(
                    date_rules.every_day(), time_rules.midnight, start, start + 1, context, chunk=timedelta(0)
                )
            )


class TestEndOfDay:
    def test_security_end_of_day_is_ten_minutes_before_the_close(self, context: ScheduleContext) -> None:
        event = security_end_of_day_event(7, SPY)

        found = [
            utc_datetime(x)
            for x in event.times(ns(datetime(2013, 11, 27)), ns(datetime(2013, 12, 1)), context)
        ]

        assert event.name == "SPY.EndOfDay"
        assert found == [new_york(2013, 11, 27, 15, 50), new_york(2013, 11, 29, 12, 50)]

    def test_security_end_of_day_with_extended_hours_uses_the_extended_close(
        self, context: ScheduleContext
    ) -> None:
        event = security_end_of_day_event(7, SPY, extended_market_hours=True)

        found = event.times(ns(datetime(2013, 10, 7)), ns(datetime(2013, 10, 8, 12)), context)

        assert [utc_datetime(x) for x in found] == [new_york(2013, 10, 7, 19, 50)]

    def test_always_open_security_ends_its_day_at_midnight(self, context: ScheduleContext) -> None:
        event = security_end_of_day_event(8, BTCUSD)
        hours = context.hours(SymbolRef.of(BTCUSD))

        found = event.times(ns(datetime(2013, 10, 7)), ns(datetime(2013, 10, 9, 12)), context)

        # Each date's end of day is the next midnight in the exchange's zone (UTC for this crypto market).
        expected = [local_to_utc_ns(datetime(2013, 10, day), hours.time_zone) for day in (7, 8, 9)]
        assert found == expected

    def test_algorithm_end_of_day_is_two_minutes_before_midnight_on_trading_days(
        self, context: ScheduleContext
    ) -> None:
        equities_only = algorithm_end_of_day_event(1, [SPY])
        with_crypto = algorithm_end_of_day_event(1, [SPY, BTCUSD])
        window = (ns(new_york(2013, 10, 11)), ns(new_york(2013, 10, 15)))

        assert equities_only.name == "Algorithm.EndOfDay"
        assert [utc_datetime(x) for x in equities_only.times(*window, context)] == [
            new_york(2013, 10, 11, 23, 58),
            new_york(2013, 10, 14, 23, 58),
        ]
        assert len(with_crypto.times(*window, context)) == 4


class TestScheduleManager:
    def test_on_names_numbers_and_announces_events(
        self, date_rules: DateRules, time_rules: TimeRules
    ) -> None:
        added: list[ScheduledEvent] = []
        manager = ScheduleManager(date_rules, time_rules, on_added=added.append)

        first = manager.on(date_rules.every_day("SPY"), time_rules.after_market_open("SPY", 10), lambda: None)
        second = manager.on("rebalance", date_rules.month_start(), time_rules.at(10, 0))

        assert (first.id, second.id) == (1, 2)
        assert first.name == "SPY: EveryDay: SPY: 10 min after MarketOpen"
        assert second.name == "rebalance"
        assert added == [first, second]
        assert manager.events == [first, second]

    def test_fire_runs_the_callback_until_the_event_is_removed(
        self, date_rules: DateRules, time_rules: TimeRules
    ) -> None:
        removed: list[ScheduledEvent] = []
        calls: list[str] = []
        manager = ScheduleManager(date_rules, time_rules, on_removed=removed.append)
        event = manager.on(date_rules.every_day(), time_rules.noon, lambda: calls.append("noon"))

        assert manager.fire(event.id)
        manager.remove(event)

        assert not manager.fire(event.id)
        assert calls == ["noon"]
        assert removed == [event]
        assert manager.get(event.id) is None

    def test_engine_events_share_the_numbering(self, date_rules: DateRules, time_rules: TimeRules) -> None:
        manager = ScheduleManager(date_rules, time_rules)
        manager.on(date_rules.every_day(), time_rules.midnight)

        end_of_day = security_end_of_day_event(manager.next_id(), SPY)
        manager.add(end_of_day, lambda: None)

        assert end_of_day.id == 2
        assert manager.on(date_rules.every_day(), time_rules.midnight).id == 3

    def test_on_refuses_wrong_arguments(self, date_rules: DateRules, time_rules: TimeRules) -> None:
        manager = ScheduleManager(date_rules, time_rules)

        with pytest.raises(TypeError, match="date_rule, time_rule"):
            manager.on(date_rules.every_day())  # type: ignore[call-overload]

    def test_events_travel_as_json_and_compute_the_same_instants(
        self, date_rules: DateRules, time_rules: TimeRules, context: ScheduleContext
    ) -> None:
        manager = ScheduleManager(date_rules, time_rules)
        event = manager.on(date_rules.month_end("SPY", 1), time_rules.before_market_close("SPY", 15))
        window = (ns(datetime(2013, 1, 1)), ns(datetime(2014, 1, 1)))

        received = msgspec.json.decode(msgspec.json.encode(event), type=ScheduledEvent)

        assert received == event
        assert received.times(*window, context) == event.times(*window, context)
        assert len(received.times(*window, context)) == 12
        assert utc_datetime(received.times(*window, context)[10]) == new_york(2013, 11, 27, 15, 45)
        assert date(2013, 12, 30) == utc_datetime(received.times(*window, context)[11]).date()
