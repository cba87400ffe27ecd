"""The realtime handler: the clock. It owns the schedule and says which events fire when.

The algorithm asks once per batch for the events up to the batch's last step; this handler
answers from a queue that merges every event's instants in LEAN's firing order. LEAN's own
"Daily Sampling" event (every calendar midnight in the algorithm's zone) is scheduled here,
after the events the algorithm created in initialize(), as LEAN creates it after Initialize.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

from lean_core.bus import messages as m
from lean_core.engine.ports import Outbox
from lean_core.scheduling.date_rules import EveryDay
from lean_core.scheduling.event_queue import ScheduledEventQueue
from lean_core.scheduling.rule_support import ScheduleContext, database_exchange_hours
from lean_core.scheduling.schedule import ScheduledEvent
from lean_core.scheduling.time_rules import At
from lean_core.time.market_hours_database import MarketHoursDatabase

logger = logging.getLogger(__name__)

DAILY_SAMPLING_EVENT_ID = 0


def daily_sampling_event() -> ScheduledEvent:
    """Return LEAN's daily performance sampling event: every calendar day at midnight."""
    return ScheduledEvent(
        id=DAILY_SAMPLING_EVENT_ID,
        name="Daily Sampling",
        date_rule=EveryDay(),
        time_rule=At(time_of_day=timedelta(0)),
    )


class RealtimeHandler:
    """Keep one run's schedule and answer clock requests."""

    def __init__(self, market_hours: MarketHoursDatabase, run_id: str) -> None:
        self.market_hours = market_hours
        self.run_id = run_id
        self._queue: ScheduledEventQueue | None = None
        self._pending: list[tuple[ScheduledEvent, int]] = []
        self._removed: set[int] = set()

    def on_initialized(self, message: m.AlgorithmInitialized) -> Outbox:
        """Start the clock for the run's span and schedule what was asked so far."""
        context = ScheduleContext(database_exchange_hours(self.market_hours), ZoneInfo(message.time_zone))
        self._queue = ScheduledEventQueue(context, message.end_ns + 1)
        # Events scheduled in initialize() fire from the warm-up start (the clock then shows the start date).
        for event, _ in self._pending:
            if event.id not in self._removed:
                self._queue.add(event, message.warmup_start_ns)
        self._pending.clear()
        self._queue.add(daily_sampling_event(), message.warmup_start_ns)
        return []

    def on_schedule(self, message: m.ScheduleEventRequest | m.RemoveScheduledEventRequest) -> m.Message:
        """Add or remove an event."""
        if isinstance(message, m.RemoveScheduledEventRequest):
            self._removed.add(message.event_id)
            if self._queue is not None:
                self._queue.remove(message.event_id)
            return m.ScheduleAcknowledged(run_id=self.run_id, event_id=message.event_id)
        if self._queue is None:
            self._pending.append((message.event, message.from_ns))
        else:
            self._queue.add(message.event, message.from_ns)
        return m.ScheduleAcknowledged(run_id=self.run_id, event_id=message.event.id)

    def on_clock_request(self, message: m.ClockEventsRequest) -> m.ClockEventsReply:
        """Return the events due up to `until_ns`, in firing order."""
        if self._queue is None:
            return m.ClockEventsReply(run_id=self.run_id, events=[])
        due = self._queue.pop_due(message.until_ns, inclusive=True)
        events = [m.ClockEvent(event_id=event.event_id, utc_ns=event.time_ns) for event in due]
        return m.ClockEventsReply(run_id=self.run_id, events=events)
