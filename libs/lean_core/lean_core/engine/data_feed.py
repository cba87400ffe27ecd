"""The data-feed handler: reads the subscriptions window by window and hands out slice batches on credit.

LEAN's file-system data feed, as whole-array work: each subscription's bars come from the
subscription pipeline a window of days at a time (`feed_windows`), the steps of all of them
are merged per window, and batches of consecutive steps go out only as the consumer grants
credit (`DataBatchRequest`). The next window is read when the current one's steps run out,
so memory holds about a window of data, never the whole run, and the batches are the same
as a whole-run read would give.
"""

from __future__ import annotations

import logging
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

import numpy as np
import numpy.typing as npt

from lean_core.bus import messages as m
from lean_core.bus.codec import pack_array, pack_frame
from lean_core.bus.subjects import Stream
from lean_core.data.bars import OpenInterestFrame, QuoteBarFrame, TickFrame, TradeBarFrame, ns_to_local
from lean_core.data.custom_data import CustomDataTypes, Globals
from lean_core.data.custom_frame import CustomDataFrame
from lean_core.data.custom_reader import read_custom_data
from lean_core.data.fill_forward import FillForwarder, fill_forward_plan
from lean_core.data.normalization import local_day_numbers
from lean_core.data.readers.read_ahead import ReadAhead
from lean_core.data.slice import FeedFrame, SliceBatch, build_slice_batch
from lean_core.data.subscription import (
    SubscriptionDataConfig,
    SubscriptionDataReader,
    fill_forward_resolution,
)
from lean_core.data.subscription_stream import SubscriptionStream
from lean_core.engine.feed_windows import (
    FeedWindows,
    FrameStream,
    WholeFrameStream,
    default_window_days,
    window_cuts,
)
from lean_core.engine.ports import Outbox
from lean_core.enums import DataNormalizationMode, Resolution, SecurityType, TickType
from lean_core.errors import LeanError, MissingDataError
from lean_core.symbols import Symbol
from lean_core.time.exchange_hours import SecurityExchangeHours
from lean_core.time.time_zones import get_time_zone

logger = logging.getLogger(__name__)

DEFAULT_BATCH_STEPS = 2048
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


@dataclass(frozen=True, slots=True)
class _Feed:
    spec: m.SubscriptionSpec
    config: SubscriptionDataConfig


def config_for(reader: SubscriptionDataReader, spec: m.SubscriptionSpec) -> SubscriptionDataConfig:
    """Build the reader's config for a wire subscription spec."""
    if spec.custom_type:
        # Custom data carries its zones: its market-hours entry exists only in the algorithm.
        return SubscriptionDataConfig(
            Symbol.parse(spec.symbol_id, spec.symbol_value),
            spec.resolution,
            spec.tick_type,
            get_time_zone(spec.data_time_zone),
            get_time_zone(spec.exchange_time_zone),
            fill_forward=spec.fill_forward,
            extended_market_hours=spec.extended_market_hours,
            data_normalization_mode=spec.data_normalization_mode,
            is_internal=spec.is_internal,
        )
    return reader.create_config(
        Symbol.parse(spec.symbol_id, spec.symbol_value),
        spec.resolution,
        spec.tick_type,
        fill_forward=spec.fill_forward,
        extended_market_hours=spec.extended_market_hours,
        data_normalization_mode=spec.data_normalization_mode,
        is_internal=spec.is_internal,
    )


class DataFeedHandler:
    """Serve slice batches for one run."""

    def __init__(
        self,
        reader: SubscriptionDataReader,
        run_id: str,
        *,
        batch_steps: int = DEFAULT_BATCH_STEPS,
        custom_types: CustomDataTypes | None = None,
        window_days: int | None = None,
        read_ahead: Executor | None = None,
    ):
        """`window_days`: calendar days read at a time (0: the whole run; None: by resolution).

        `read_ahead`: an executor (a process pool) that reads the next window's day files while a
        window is processed and served; it needs the reader's cache to hand them over.
        """
        if batch_steps < 1:
            raise ValueError("batch_steps must be at least 1")
        if window_days is not None and window_days < 0:
            raise ValueError("window_days must be 0 (the whole run) or more")
        self.reader = reader
        self.custom_types = custom_types if custom_types is not None else CustomDataTypes()
        self.run_id = run_id
        self.batch_steps = batch_steps
        self.window_days = window_days
        self.read_ahead = read_ahead
        self._feeds: list[_Feed] = []
        self._windows: FeedWindows | None = None
        self._batches_sent = 0
        self._data_points = 0
        self._finished = False

    # -- set-up -------------------------------------------------------------------------------
    def on_initialized(self, message: m.AlgorithmInitialized) -> Outbox:
        """Open every subscription over the run's range (warm-up included) and read the first window."""
        try:
            self._feeds = [_Feed(spec, config_for(self.reader, spec)) for spec in message.subscriptions]
            configs = [feed.config for feed in self._feeds]
            span = fill_forward_resolution(configs)
            streams = [self._stream(feed, message, span) for feed in self._feeds]
            days = self.window_days if self.window_days is not None else default_window_days(configs)
            zone = get_time_zone(message.time_zone)
            cuts = window_cuts(message.warmup_start_ns, message.end_ns, zone, days)
            zones = [config.exchange_time_zone for config in configs]
            self._windows = FeedWindows(
                streams, zones, cuts, lambda index: self._log_missing(streams[index]), self._read_ahead()
            )
            self._windows.fill(self.batch_steps)
        except (LeanError, OSError) as error:
            logger.exception("data feed set-up failed")
            self._finished = True
            return [
                (
                    Stream.CONTROL,
                    m.DataFeedFinished(run_id=self.run_id, batches=0, data_points=0, error=str(error)),
                )
            ]
        return []

    def _read_ahead(self) -> ReadAhead | None:
        cache = self.reader.cache
        if self.read_ahead is None or cache is None:
            return None
        try:
            return ReadAhead(self.read_ahead, cache)
        except OSError as error:  # no writable place for the hand-off (a read-only file system)
            logger.warning("reading ahead is off: %s; the engine reads the files itself", error)
            return None

    def _stream(self, feed: _Feed, init: m.AlgorithmInitialized, span: timedelta) -> FrameStream:
        config = feed.config
        zone = config.exchange_time_zone
        start = ns_to_local(init.warmup_start_ns, zone).replace(tzinfo=None)
        # The benchmark starts a trading day early and is not filled forward; a currency
        # conversion feed is read like the algorithm's own data.
        primes = config.is_internal and not feed.spec.converts_currency
        if primes:
            hours = self.reader.exchange_hours(config.symbol)
            start = datetime.combine(hours.get_previous_trading_day(start.date()), time())
        end = ns_to_local(init.end_ns, zone).replace(tzinfo=None)
        if feed.spec.custom_type:
            return WholeFrameStream(self._read_custom(feed, start, end, span))
        if config.tick_type == TickType.OPEN_INTEREST:
            raise LeanError(f"{config.symbol.value}: open interest subscriptions are not served yet")
        return SubscriptionStream(self.reader, config, start, end, None if primes else span)

    @staticmethod
    def _log_missing(stream: FrameStream) -> None:
        if isinstance(stream, SubscriptionStream) and stream.missing_days:
            symbol = stream.config.symbol.value
            logger.info("%s: no data file for %d day(s)", symbol, len(stream.missing_days))

    def _read_custom(self, feed: _Feed, start: datetime, end: datetime, span: timedelta) -> CustomDataFrame:
        """Read a custom subscription through its type's `get_source` and `reader`."""
        config = feed.config
        data_class = self.custom_types.resolve(feed.spec.custom_type)
        Globals.data_folder = str(self.reader.data_folder)  # the sources users build point here
        hours = SecurityExchangeHours.always_open(config.exchange_time_zone)
        read = read_custom_data(data_class, config, hours, start, end)
        if read.missing_sources:
            logger.info("%s: %d source(s) not found", config.symbol.value, len(read.missing_sources))
        frame = read.frame
        shared = len(frame) - len(np.unique(frame.end_time))
        if shared:
            # A step holds one point per subscription: the last of those ending together wins.
            logger.warning(
                "%s: %d %s point(s) end at the same time as a later one and are not delivered",
                config.symbol.value,
                shared,
                feed.spec.custom_type,
            )
        if not config.fill_forward or config.resolution == Resolution.TICK or not len(frame):
            return frame
        forwarder = FillForwarder(
            hours, config.data_time_zone, config.increment, span, extended_market_hours=True
        )
        source, starts, ends, filled = fill_forward_plan(forwarder, frame.time, frame.end_time, end)
        if not filled.any():
            return frame
        forwarded = frame.select(source)
        return replace(forwarded, time=starts, end_time=ends, is_fill_forward=filled)

    # -- batches ------------------------------------------------------------------------------
    def on_batch_request(self, message: m.DataBatchRequest) -> Outbox:
        """Send up to `count` batches, and the finish notice after the last one (or a read error)."""
        out: Outbox = []
        for _ in range(max(message.count, 0)):
            if self._finished:
                break
            try:
                batch = self._next_batch()
            except (LeanError, OSError) as error:
                logger.exception("data feed failed after %d batch(es)", self._batches_sent)
                out.append((Stream.CONTROL, self._finish(str(error))))
                break
            if batch is None:
                out.append((Stream.CONTROL, self._finish("")))
                break
            out.append((Stream.SLICES, batch))
        return out

    def _finish(self, error: str) -> m.DataFeedFinished:
        self._finished = True
        if self._windows is not None:
            self._windows.close()
        return m.DataFeedFinished(
            run_id=self.run_id, batches=self._batches_sent, data_points=self._data_points, error=error
        )

    def _next_batch(self) -> m.DataBatch | None:
        steps = self._windows.next_batch(self.batch_steps) if self._windows is not None else None
        if steps is None:
            return None
        frames = [self._pack(index, feed, steps) for index, feed in enumerate(steps.frames)]
        points = sum(frame.length for frame in frames)
        self._data_points += points
        batch = m.DataBatch(
            run_id=self.run_id,
            seq=self._batches_sent,
            index=self._batches_sent,
            times=pack_array(steps.times),
            frames=[frame for frame in frames if frame.length],
            data_points=points,
        )
        self._batches_sent += 1
        return batch

    def _pack(self, index: int, feed: FeedFrame, steps: SliceBatch) -> m.FrameColumns:
        window = steps.rows[index]
        frame = feed.frame
        if isinstance(frame, TickFrame):
            return pack_frame(index, frame, window)
        present = window[window >= 0]
        if not len(present):
            return pack_frame(index, frame.select(slice(0, 0)), np.full(len(window), -1, dtype=np.int64))
        low, high = int(present[0]), int(present[-1]) + 1
        local_rows = np.where(window >= 0, window - low, -1).astype(np.int64)
        part = frame.select(slice(low, high))
        return pack_frame(index, part, local_rows, self._price_factors(self._feeds[index].config, part.time))

    def _price_factors(
        self, config: SubscriptionDataConfig, times: npt.NDArray[np.int64]
    ) -> list[tuple[int, str]]:
        """Return (first row, exact factor) runs for a normalised equity frame."""
        if config.symbol.security_type != SecurityType.EQUITY or not len(times):
            return []
        if config.data_normalization_mode == DataNormalizationMode.RAW:
            return []
        map_file = self.reader.map_files.resolve_symbol(config.symbol)
        factor_file = self.reader.factor_files.get(map_file.permtick if map_file else config.symbol.permtick)
        if factor_file is None or not len(factor_file):
            return []
        days = local_day_numbers(times, config.exchange_time_zone) + _EPOCH_ORDINAL
        runs: list[tuple[int, str]] = []
        # The first row of each day (rows run in time order): a diff, not a sort.
        firsts = np.flatnonzero(np.concatenate(([True], days[1:] != days[:-1])))
        for row, day in zip(firsts.tolist(), days[firsts].tolist(), strict=True):
            factor = factor_file.scaling_factors(date.fromordinal(int(day))).factor(
                config.data_normalization_mode
            )
            if not runs or runs[-1][1] != str(factor):
                runs.append((int(row), str(factor)))
        return runs

    # -- history ------------------------------------------------------------------------------
    def on_history(self, message: m.HistoryRequest) -> m.HistoryReply:
        """Read subscriptions over a past range and answer with one batch.

        As LEAN's history provider: bars ending in (start, end], ticks in [start, end], each
        subscription filled forward at its own resolution, with its normalisation's factor runs.
        """
        try:
            configs = [config_for(self.reader, spec) for spec in message.subscriptions]
            frames = [self._history_frame(config, message.start_ns, message.end_ns) for config in configs]
        except (LeanError, OSError) as error:
            return m.HistoryReply(run_id=self.run_id, error=str(error))
        steps = build_slice_batch(frames)
        packed = [
            pack_frame(index, feed.frame, steps.rows[index], self._price_factors(config, feed.frame.time))
            for index, (feed, config) in enumerate(zip(steps.frames, configs, strict=True))
        ]
        points = sum(len(feed.frame) for feed in steps.frames)
        batch = m.DataBatch(
            run_id=self.run_id, index=-1, times=pack_array(steps.times), frames=packed, data_points=points
        )
        return m.HistoryReply(run_id=self.run_id, batch=batch)

    def _history_frame(self, config: SubscriptionDataConfig, start_ns: int, end_ns: int) -> FeedFrame:
        zone = config.exchange_time_zone
        start = ns_to_local(start_ns, zone)
        end = ns_to_local(end_ns, zone)
        try:
            frame = self.reader.read(config, start, end).frame
        except MissingDataError as error:
            # LEAN's history provider answers a missing file with no data, not with an error.
            logger.info("%s history: %s", config.symbol.value, error)
            frame = _empty_frame(config)
        if isinstance(frame, OpenInterestFrame):
            raise LeanError(f"{config.symbol.value}: open interest history is not served yet")
        if isinstance(frame, TickFrame):
            keep = (frame.time >= start_ns) & (frame.time <= end_ns)
        else:
            # The reader keeps bars that overlap the range; history wants those that ended in it,
            # so nothing after `end` (no look-ahead) and nothing that ended at `start`.
            keep = (frame.end_time > start_ns) & (frame.end_time <= end_ns)
        return FeedFrame(frame if keep.all() else frame.select(keep), zone)


def _empty_frame(config: SubscriptionDataConfig) -> TradeBarFrame | QuoteBarFrame | TickFrame:
    """Return a subscription's frame without rows."""
    if config.resolution == Resolution.TICK:
        return TickFrame.empty(config.symbol, config.tick_type)
    if config.tick_type == TickType.QUOTE:
        return QuoteBarFrame.empty(config.symbol)
    return TradeBarFrame.empty(config.symbol)
