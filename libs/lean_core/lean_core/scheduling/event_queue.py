"""The real-time side's timeline: every scheduled event's instants merged into LEAN's firing order.

LEAN keeps its events sorted by next instant; an event due at the same instant as others goes after those
already waiting for it (creation order at first), and an event due several times at one instant fires those
times back to back. The queue reproduces that with a heap keyed by (instant, arrival number).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import NamedTuple

from lean_core.scheduling.rule_support import ScheduleContext
from lean_core.scheduling.schedule import ScheduledEvent, iter_event_times

__all__ = ["DueEvent", "ScheduledEventQueue"]


class DueEvent(NamedTuple):
    """One firing: the event's id and the instant it was scheduled for (UTC nanoseconds)."""

    time_ns: int
    event_id: int


@dataclass(slots=True)
class _Stream:
    """One event's remaining instants, with the next one peeked."""

    event: ScheduledEvent
    times: Iterator[int]
    arrival: int = 0
    next_ns: int | None = field(default=None)

    def advance(self) -> int | None:
        self.next_ns = next(self.times, None)
        return self.next_ns


class ScheduledEventQueue:
    """Pending instants of many scheduled events, handed out in LEAN's order up to a given time."""

    def __init__(
        self, context: ScheduleContext, end_ns: int, *, chunk: timedelta = timedelta(days=7)
    ) -> None:
        """Build an empty queue; no instant at or after `end_ns` (the algorithm's end) is ever produced."""
        self._context = context
        self._end_ns = end_ns
        self._chunk = chunk
        self._streams: dict[int, _Stream] = {}
        self._heap: list[tuple[int, int, int]] = []
        self._arrivals = 0

    def __len__(self) -> int:
        return len(self._streams)

    def __contains__(self, event_id: object) -> bool:
        return event_id in self._streams

    def add(self, event: ScheduledEvent, from_ns: int) -> None:
        """Add (or replace) an event, skipping its instants before `from_ns` as LEAN's `SkipEventsUntil`."""
        times = iter_event_times(
            event.date_rule, event.time_rule, from_ns, self._end_ns, self._context, chunk=self._chunk
        )
        stream = _Stream(event, times)
        self._streams[event.id] = stream
        self._push(stream)

    def remove(self, event_id: int) -> None:
        """Drop an event; its instants still in the heap are skipped when reached."""
        self._streams.pop(event_id, None)

    def next_time_ns(self) -> int | None:
        """Return the earliest pending instant, or None when nothing is left."""
        self._discard_stale()
        return self._heap[0][0] if self._heap else None

    def pop_due(self, until_ns: int, *, inclusive: bool = True) -> list[DueEvent]:
        """Remove and return, in firing order, the instants before `until_ns` (or at it, when inclusive).

        The engine asks once with `inclusive=False` before a time step (LEAN's `ScanPastEvents`, each fired
        with the algorithm clock at its own instant) and once inclusively during the step (`SetTime`).
        """
        due: list[DueEvent] = []
        while True:
            self._discard_stale()
            if not self._heap:
                return due
            time_ns, _, event_id = self._heap[0]
            if time_ns > until_ns or (time_ns == until_ns and not inclusive):
                return due
            heapq.heappop(self._heap)
            stream = self._streams[event_id]
            # LEAN fires every instant of one event that is due at once before looking at other events.
            while stream.next_ns == time_ns:
                due.append(DueEvent(time_ns, event_id))
                stream.advance()
            self._push(stream, advance=False)

    def _push(self, stream: _Stream, *, advance: bool = True) -> None:
        next_ns = stream.advance() if advance else stream.next_ns
        if next_ns is None:
            self._streams.pop(stream.event.id, None)
            return
        self._arrivals += 1
        stream.arrival = self._arrivals
        heapq.heappush(self._heap, (next_ns, stream.arrival, stream.event.id))

    def _discard_stale(self) -> None:
        """Pop heap entries of removed or replaced events."""
        while self._heap:
            _, arrival, event_id = self._heap[0]
            stream = self._streams.get(event_id)
            if stream is not None and stream.arrival == arrival:
                return
            heapq.heappop(self._heap)
