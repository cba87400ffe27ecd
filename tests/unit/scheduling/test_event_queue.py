"""The real-time side's queue: instants of many events handed out in LEAN's firing order."""

from __future__ import annotations

from datetime import datetime, timedelta

from lean_core.scheduling import (
    DateRules,
    DueEvent,
    ScheduleContext,
    ScheduledEvent,
    ScheduledEventQueue,
    TimeRules,
    local_to_utc_ns,
)
from lean_core.time import TimeZones

HOUR_NS = 3_600 * 10**9


def ns(moment: datetime) -> int:
    return local_to_utc_ns(moment, TimeZones.UTC)


def hourly(event_id: int, date_rules: DateRules, time_rules: TimeRules) -> ScheduledEvent:
    return ScheduledEvent(
        id=event_id,
        name=f"hourly {event_id}",
        date_rule=date_rules.every_day(),
        time_rule=time_rules.every(timedelta(hours=1)),
    )


def make_queue(context: ScheduleContext) -> ScheduledEventQueue:
    return ScheduledEventQueue(context, ns(datetime(2030, 1, 1)))


class TestScheduledEventQueue:
    def test_two_identical_events_both_fire_each_hour_in_creation_order(
        self, date_rules: DateRules, time_rules: TimeRules, context: ScheduleContext
    ) -> None:
        queue = make_queue(context)
        start = ns(datetime(2018, 1, 1, 5))
        queue.add(hourly(1, date_rules, time_rules), start)
        queue.add(hourly(2, date_rules, time_rules), start)

        fired: list[DueEvent] = []
        for step in range(12):
            fired += queue.pop_due(start + step * HOUR_NS)

        assert len(fired) == 24
        assert [due.event_id for due in fired[:4]] == [1, 2, 1, 2]
        assert fired[0].time_ns == start

    def test_exclusive_pop_leaves_instants_at_the_limit(
        self, date_rules: DateRules, time_rules: TimeRules, context: ScheduleContext
    ) -> None:
        queue = make_queue(context)
        start = ns(datetime(2018, 1, 1, 5))
        queue.add(hourly(1, date_rules, time_rules), start)

        before = queue.pop_due(start + HOUR_NS, inclusive=False)
        at = queue.pop_due(start + HOUR_NS)

        assert before == [DueEvent(start, 1)]
        assert at == [DueEvent(start + HOUR_NS, 1)]
        assert queue.next_time_ns() == start + 2 * HOUR_NS

    def test_instants_before_the_add_time_are_skipped(
        self, date_rules: DateRules, time_rules: TimeRules, context: ScheduleContext
    ) -> None:
        queue = make_queue(context)
        queue.add(hourly(1, date_rules, time_rules), ns(datetime(2018, 1, 1, 5, 30)))

        assert queue.next_time_ns() == ns(datetime(2018, 1, 1, 6))

    def test_events_are_merged_chronologically(
        self, date_rules: DateRules, time_rules: TimeRules, context: ScheduleContext
    ) -> None:
        queue = make_queue(context)
        start = ns(datetime(2013, 10, 7))
        queue.add(
            ScheduledEvent(
                id=1,
                name="close",
                date_rule=date_rules.every_day("SPY"),
                time_rule=time_rules.before_market_close("SPY"),
            ),
            start,
        )
        queue.add(
            ScheduledEvent(
                id=2,
                name="open",
                date_rule=date_rules.every_day("SPY"),
                time_rule=time_rules.after_market_open("SPY"),
            ),
            start,
        )

        fired = queue.pop_due(ns(datetime(2013, 10, 9)))

        assert [due.event_id for due in fired] == [2, 1, 2, 1]
        assert [due.time_ns for due in fired] == sorted(due.time_ns for due in fired)

    def test_an_event_arriving_at_a_busy_instant_waits_behind_those_already_there(
        self, date_rules: DateRules, time_rules: TimeRules, context: ScheduleContext
    ) -> None:
        queue = make_queue(context)
        start = ns(datetime(2018, 1, 1, 5))
        at_six = ScheduledEvent(
            id=2, name="six", date_rule=date_rules.every_day(), time_rule=time_rules.at(1, 0)
        )
        queue.add(hourly(1, date_rules, time_rules), start)
        queue.add(at_six, start)

        fired = queue.pop_due(start + HOUR_NS)

        # Event 1 fires at 05:00 first, then reaches 06:00 after event 2 was already waiting there.
        assert fired == [DueEvent(start, 1), DueEvent(start + HOUR_NS, 2), DueEvent(start + HOUR_NS, 1)]

    def test_repeated_instants_of_one_event_fire_back_to_back(
        self, date_rules: DateRules, time_rules: TimeRules, context: ScheduleContext
    ) -> None:
        queue = make_queue(context)
        start = ns(datetime(2014, 3, 9, 6, 45))
        half_hourly = ScheduledEvent(
            id=1,
            name="half hourly",
            date_rule=date_rules.every_day(),
            time_rule=time_rules.every(timedelta(minutes=30)),
        )
        other = ScheduledEvent(
            id=2, name="other", date_rule=date_rules.every_day(), time_rule=time_rules.at(3, 0)
        )
        queue.add(half_hourly, start)
        queue.add(other, start)

        fired = queue.pop_due(ns(datetime(2014, 3, 9, 7)))

        # 02:00, 02:30 and 03:00 New York all map to 07:00 UTC on the day clocks spring forward.
        assert [due.event_id for due in fired] == [1, 1, 1, 2]

    def test_removed_events_no_longer_fire(
        self, date_rules: DateRules, time_rules: TimeRules, context: ScheduleContext
    ) -> None:
        queue = make_queue(context)
        start = ns(datetime(2018, 1, 1, 5))
        queue.add(hourly(1, date_rules, time_rules), start)
        queue.add(hourly(2, date_rules, time_rules), start)

        queue.remove(1)

        assert 1 not in queue
        assert {due.event_id for due in queue.pop_due(start + 3 * HOUR_NS)} == {2}

    def test_events_stop_at_the_end_of_the_run(
        self, date_rules: DateRules, time_rules: TimeRules, context: ScheduleContext
    ) -> None:
        end = ns(datetime(2018, 1, 1, 8))
        queue = ScheduledEventQueue(context, end)
        queue.add(hourly(1, date_rules, time_rules), ns(datetime(2018, 1, 1, 5)))

        assert len(queue.pop_due(end + 10 * HOUR_NS)) == 3
        assert queue.next_time_ns() is None
        assert len(queue) == 0
