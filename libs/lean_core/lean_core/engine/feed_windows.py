"""Time windows of a run: the feed reads, merges and serves one stretch of time at a time.

Each subscription is a stream of bars in time order (`SubscriptionStream`, or a frame read
whole for custom data). A window is the time up to its cut: every stream produces its bars
ending by the cut (reading a little beyond it, to know what follows), the end times of all
of them are the window's steps, and batches are taken from those steps. A batch that
needs more steps than the window has left pulls in the next window, so the batches are
the same whatever the window size; only as much of the run as a window holds is in memory.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, time, timedelta
from typing import Final, Protocol
from zoneinfo import ZoneInfo

import numpy as np

from lean_core.data.bars import Int64Array, local_to_ns, ns_to_local
from lean_core.data.custom_frame import CustomDataFrame
from lean_core.data.readers import ReadRequest
from lean_core.data.readers.read_ahead import ReadAhead, WindowRead
from lean_core.data.slice import BarFrame, FeedFrame, SliceBatch, build_slice_batch
from lean_core.data.subscription import SubscriptionDataConfig
from lean_core.data.subscription_stream import END_OF_STREAM
from lean_core.data.time_union import union_of_times
from lean_core.enums import Resolution

logger = logging.getLogger(__name__)

WHOLE_RUN: Final = 0
"""A window size meaning one window for the whole run."""

#: Calendar days per window, by the finest resolution read from day files (minute: see below).
_WINDOW_DAYS: Final = {Resolution.TICK: 1, Resolution.SECOND: 1}
#: Minute windows: each window costs every subscription a pass through its pipeline whatever its
#: length, so longer windows are faster, but a window's rows are all in memory at once (up to about
#: a thousand per subscription and day). A month for a few subscriptions, down to a week for many.
_MINUTE_WINDOW_DAYS: Final = (7, 28)
_MINUTE_WINDOW_ROWS: Final = 4_000_000
_MINUTE_ROWS_PER_DAY: Final = 1_000


class FrameStream(Protocol):
    """One subscription's bars, produced in time order as far as asked."""

    @property
    def done(self) -> bool:
        """Tell whether every bar has been produced."""

    def advance(self, until_ns: int) -> None:
        """Produce every bar ending at or before `until_ns`."""

    def take(self, until_ns: int) -> BarFrame:
        """Remove and return the produced bars ending at or before `until_ns`."""

    def ready_end_times(self, until_ns: int) -> Int64Array:
        """Return the end times of the produced, untaken bars ending at or before `until_ns`."""

    def planned_requests(self, after_ns: int | None, until_ns: int) -> list[ReadRequest]:
        """Return the day files a window from `after_ns` to `until_ns` is expected to open."""


class WholeFrameStream:
    """A frame read whole at once (custom data), served through the stream interface."""

    def __init__(self, frame: CustomDataFrame) -> None:
        self._ready = frame

    @property
    def done(self) -> bool:
        """Tell whether every point has been produced: always, they were read at once."""
        return True

    def advance(self, until_ns: int) -> None:
        """Nothing to read: every point is there already."""

    def take(self, until_ns: int) -> CustomDataFrame:
        """Remove and return the points ending at or before `until_ns`."""
        count = int(np.searchsorted(self._ready.end_time, until_ns, side="right"))
        taken = self._ready.select(slice(0, count))
        self._ready = self._ready.select(slice(count, None))
        return taken

    def ready_end_times(self, until_ns: int) -> Int64Array:
        """Return the end times of the untaken points ending at or before `until_ns`."""
        ends = self._ready.end_time
        return ends[: int(np.searchsorted(ends, until_ns, side="right"))]

    def planned_requests(self, after_ns: int | None, until_ns: int) -> list[ReadRequest]:
        """Return no files: the frame was read whole."""
        return []


def default_window_days(configs: Sequence[SubscriptionDataConfig]) -> int:
    """Return the window size for these subscriptions: days for intraday files, else the whole run.

    Hour and daily files hold all history, so a run of those reads everything at once anyway.
    """
    days = [_WINDOW_DAYS[c.resolution] for c in configs if c.resolution in _WINDOW_DAYS]
    minute = sum(1 for c in configs if c.resolution == Resolution.MINUTE)
    if minute:
        fewest, most = _MINUTE_WINDOW_DAYS
        days.append(max(fewest, min(most, _MINUTE_WINDOW_ROWS // (minute * _MINUTE_ROWS_PER_DAY))))
    return min(days) if days else WHOLE_RUN


def window_cuts(start_ns: int, end_ns: int, zone: ZoneInfo, days: int) -> Iterator[int]:
    """Yield the cut of each window: midnights `days` apart after `start_ns`, then the end of the run."""
    if days < 0:
        raise ValueError("a window holds at least one day (or 0: the whole run)")
    day = ns_to_local(start_ns, zone).date()
    while days:
        day += timedelta(days=days)
        cut = local_to_ns(datetime.combine(day, time()), zone)
        if cut >= end_ns:
            break
        yield cut
    yield END_OF_STREAM


class FeedWindows:
    """Merge the streams of a run window by window and hand out their steps batch by batch."""

    def __init__(
        self,
        streams: Sequence[FrameStream],
        zones: Sequence[ZoneInfo],
        cuts: Iterator[int],
        on_done: Callable[[int], None] | None = None,
        read_ahead: ReadAhead | None = None,
    ) -> None:
        """`read_ahead`: reads the next window's files while a window is processed and served."""
        self._streams = list(streams)
        self._zones = list(zones)
        self._cuts = cuts
        self._upcoming: int | None = next(cuts, None)
        self._on_done = on_done
        self._read_ahead = read_ahead
        self._window_read: WindowRead | None = None  # the next window's files, as the workers read them
        self._reported = [False] * len(self._streams)
        self._times: Int64Array = np.zeros(0, dtype=np.int64)  # the current window's unserved steps
        self._cut: int | None = None

    @property
    def exhausted(self) -> bool:
        """Tell whether the last window has been read."""
        return self._cut == END_OF_STREAM

    def fill(self, steps: int) -> None:
        """Read windows until `steps` steps are ready to serve, or the run is read to its end."""
        while len(self._times) < steps and not self.exhausted:
            self._advance()

    def next_batch(self, steps: int) -> SliceBatch | None:
        """Return the next `steps` steps (fewer at the end of the run), or None after the last."""
        self.fill(steps)
        if not len(self._times):
            return None
        last = int(self._times[min(steps, len(self._times)) - 1])
        self._times = self._times[steps:]
        pairs = zip(self._streams, self._zones, strict=True)
        return build_slice_batch([FeedFrame(stream.take(last), zone) for stream, zone in pairs])

    def _advance(self) -> None:
        """Read the next window: every stream up to its cut; its steps join the unserved ones."""
        cut = self._upcoming
        if cut is None:
            raise RuntimeError("every window has been read")
        previous, self._cut = self._cut, cut
        self._upcoming = upcoming = next(self._cuts, None)
        if self._read_ahead is not None:
            # This window's files were read while the last one was processed (the first window's
            # start now, beside the engine); the next window's are read while this one is. A run
            # of one window starts no worker.
            window, self._window_read = self._window_read, None
            if previous is None and upcoming is not None:
                window = self._read_ahead.submit(self._planned(None, cut))
            if upcoming is not None:
                self._window_read = self._read_ahead.submit(self._planned(cut, upcoming))
            if window is not None:
                window.catch_up()
        for index, stream in enumerate(self._streams):
            stream.advance(cut)
            if stream.done and not self._reported[index]:
                self._reported[index] = True
                if self._on_done is not None:
                    self._on_done(index)
        ends = [stream.ready_end_times(cut) for stream in self._streams]
        self._times = union_of_times(ends)

    def _planned(self, after_ns: int | None, until_ns: int) -> list[ReadRequest]:
        return [file for stream in self._streams for file in stream.planned_requests(after_ns, until_ns)]

    def close(self) -> None:
        """Stop the reads ahead still under way."""
        if self._read_ahead is not None:
            self._read_ahead.close()
