"""The algorithm handler: runs the user's QCAlgorithm over slice batches, step by step.

Each time step follows LEAN's `AlgorithmManager` order: past scheduled events (on old
prices), the clock, security prices, warm-up end, resting-order fills, scheduled events at
the step, securities changed, consolidators, `on_data`, then the portfolio sample. Orders and
history go out as requests; the results of each batch go out as one `AlgorithmProgress`.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

import msgspec
import numpy as np
import numpy.typing as npt

from lean_core.algorithm.qc_algorithm import QCAlgorithm
from lean_core.algorithm.security_factory import SecurityFactory
from lean_core.algorithm.transactions import ExactOrderProvider
from lean_core.bus import messages as m
from lean_core.bus.codec import pack_array, unpack_frame, unpack_rows, unpack_times
from lean_core.bus.subjects import Stream
from lean_core.data.bars import (
    local_datetimes,
    local_to_ns,
)
from lean_core.data.custom_frame import CustomDataFrame
from lean_core.data.slice import Slice
from lean_core.engine.capacity_feed import CapacityFeed
from lean_core.engine.frame_rows import FrameRows
from lean_core.engine.indicator_feeds import finish_indicator_feeds, start_indicator_feeds
from lean_core.engine.ports import INITIAL_BATCH_CREDIT, Notifier, Outbox, Requester
from lean_core.engine.realtime_handler import DAILY_SAMPLING_EVENT_ID
from lean_core.engine.run_setup import RunOverrides, build_initialized, prepare_run
from lean_core.engine.security_updates import exact_factors
from lean_core.engine.step_data import BatchSteps
from lean_core.enums import OrderType
from lean_core.errors import LeanError
from lean_core.orders.fill_preview import preview_resting_order
from lean_core.orders.orders import Order
from lean_core.orders.records import order_to_record
from lean_core.scheduling.schedule import ScheduledEvent
from lean_core.securities.security import Security
from lean_core.statistics.capacity import CapacityEstimator
from lean_core.time.time_zones import TimeZones

logger = logging.getLogger(__name__)

_HOUR_NS = 3_600_000_000_000
_RatedRequest = TypeVar(
    "_RatedRequest", m.SubmitOrderRequest, m.UpdateOrderRequest, m.CancelOrderRequest, m.ScanOrdersRequest
)
_UTC = TimeZones.UTC
_RESTING = frozenset(
    {
        OrderType.LIMIT,
        OrderType.STOP_MARKET,
        OrderType.STOP_LIMIT,
        OrderType.MARKET_ON_OPEN,
        OrderType.MARKET_ON_CLOSE,
        OrderType.LIMIT_IF_TOUCHED,
        OrderType.TRAILING_STOP,
    }
)


class RunStoppedError(Exception):
    """The run was asked to stop (Ctrl-C, SIGTERM or `quit()`)."""


@dataclass(slots=True)
class SecurityChanges:
    """Securities added to and removed from the algorithm (LEAN's `SecurityChanges`)."""

    added_securities: list[Security] = field(default_factory=list)
    removed_securities: list[Security] = field(default_factory=list)

    def __str__(self) -> str:
        added = ", ".join(s.symbol.value for s in self.added_securities)
        removed = ", ".join(s.symbol.value for s in self.removed_securities)
        return f"SecurityChanges: Added: {added} Removed: {removed}"


@dataclass(slots=True)
class _Progress:
    times: list[int] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    daily: list[m.DailySample] = field(default_factory=list)
    trades_seen: int = 0
    warm_up_finished_value: Decimal | None = None


class AlgorithmHandler:
    """Drive one algorithm instance; implements the algorithm's runtime and order link."""

    def __init__(
        self,
        algorithm: QCAlgorithm,
        factory: SecurityFactory,
        run_id: str,
        request: Requester,
        overrides: RunOverrides | None = None,
        notify: Notifier | None = None,
    ) -> None:
        """`notify` sends the requests the algorithm does not wait on; without it they are
        requests whose replies are dropped (in one process a request costs no round trip)."""
        self.algorithm = algorithm
        self._factory = factory
        self._run_id = run_id
        self._request = request
        self._notify: Notifier = notify if notify is not None else self._request_ignoring_reply
        self.overrides = overrides or RunOverrides()
        self.stop_requested = False
        self.finished = False
        self._by_subscription: dict[int, tuple[Security, bool]] = {}
        self._benchmark: Security | None = None
        self._clock_ns = 0
        self._start_ns = 0
        self._run_start_ns = 0
        self._pending_changes: SecurityChanges | None = None
        self._progress = _Progress()
        self._start_equity = Decimal(0)
        self._data_points = 0
        self._capacity: CapacityFeed | None = None
        self._slice: Slice | None = None
        self._batch: BatchSteps | None = None
        self._batch_index = -1
        self._local_times: list[datetime] = []
        self._utc_times: list[datetime] = []
        self._next_settlement_scan_ns = 0

    # -- AlgorithmRuntime / OrderLink -----------------------------------------------------------
    @property
    def run_id(self) -> str:
        """Return the run id."""
        return self._run_id

    @property
    def security_factory(self) -> SecurityFactory:
        """Return the factory that builds securities."""
        return self._factory

    def current_utc_ns(self) -> int:
        """Return the algorithm's current time."""
        return self.algorithm._utc_ns

    def submit(self, request: m.SubmitOrderRequest) -> m.OrderReply:
        """Send an order submission to the transaction handler."""
        return self._order_reply(self._request(Stream.ORDER_REQUESTS, self._with_rates(request)))

    def update(self, request: m.UpdateOrderRequest) -> m.OrderReply:
        """Send an order update."""
        return self._order_reply(self._request(Stream.ORDER_REQUESTS, self._with_rates(request)))

    def cancel(self, request: m.CancelOrderRequest) -> m.OrderReply:
        """Send an order cancellation."""
        return self._order_reply(self._request(Stream.ORDER_REQUESTS, self._with_rates(request)))

    def schedule(self, event: ScheduledEvent) -> None:
        """Add an event to the realtime handler's schedule, from the algorithm's current time."""
        request = m.ScheduleEventRequest(run_id=self._run_id, event=event, from_ns=self.algorithm._utc_ns)
        self._request(Stream.CLOCK_REQUESTS, request)

    def unschedule(self, event_id: int) -> None:
        """Remove an event from the realtime handler's schedule."""
        self._request(
            Stream.CLOCK_REQUESTS, m.RemoveScheduledEventRequest(run_id=self._run_id, event_id=event_id)
        )

    def history(self, request: m.HistoryRequest) -> m.HistoryReply:
        """Ask the data feed for past data."""
        reply = self._request(Stream.DATA_REQUESTS, request)
        if not isinstance(reply, m.HistoryReply):
            raise TypeError(f"expected a HistoryReply, got {type(reply).__name__}")
        return reply

    def _order_reply(self, reply: m.Message) -> m.OrderReply:
        if not isinstance(reply, m.OrderReply):
            raise TypeError(f"expected an OrderReply, got {type(reply).__name__}")
        if self._capacity is not None and reply.events:
            self._capacity.on_order_events(list(reply.events))
        return reply

    def _with_rates(self, request: _RatedRequest) -> _RatedRequest:
        """Attach the cash conversion rates (the transaction handler takes them from the algorithm)
        and the batch the request belongs to (over a network it may overtake the batch itself)."""
        rates = self.algorithm.portfolio.cash_book.exact_conversion_rates()
        if rates:
            return msgspec.structs.replace(request, conversion_rates=rates, batch_index=self._batch_index)
        return msgspec.structs.replace(request, batch_index=self._batch_index)

    def _request_ignoring_reply(self, stream: Stream, message: m.Message) -> None:
        self._request(stream, message)

    def _scan_resting_orders(self, now: datetime, utc_ns: int) -> None:
        """Let resting orders fill, trigger or trail at this step, asking only when it matters.

        Each resting order's fill model previews the step (`fill_preview`). A fill takes a round
        trip to the transaction handler; triggers and trails alone are applied here and sent on
        without waiting; a step where nothing happens sends nothing. Orders submitted in this
        step are left out, as the transaction handler's scan leaves them.
        """
        securities = self.algorithm.securities
        updated: list[Order] = []
        for order in self.algorithm.transactions.exact_open_orders():
            if order.type not in _RESTING or order.time == now:
                continue
            security = securities.get(order.symbol)
            if security is None:
                continue
            preview = preview_resting_order(security, order, now)
            if preview.needs_scan:
                scan = self._with_rates(m.ScanOrdersRequest(run_id=self._run_id, utc_ns=utc_ns))
                reply = self._order_reply(self._request(Stream.ORDER_REQUESTS, scan))
                self.algorithm.transactions.apply_reply(reply)
                return
            if preview.updated is not None:
                updated.append(preview.updated)
        if updated:
            records = [order_to_record(order) for order in updated]
            scan = m.ScanOrdersRequest(run_id=self._run_id, utc_ns=utc_ns, expected_updates=records)
            self._notify(Stream.ORDER_REQUESTS, self._with_rates(scan))
            self.algorithm.transactions.apply_reply(m.OrderReply(run_id=self._run_id, orders=records))

    # -- start --------------------------------------------------------------------------------
    def start(self) -> Outbox:
        """Run initialize() and announce the run; on failure, finish at once with the error."""
        algorithm = self.algorithm
        algorithm._attach(self, self)
        try:
            setup = prepare_run(algorithm, self._factory, self.overrides)
        except Exception as error:
            return self._finish("RuntimeError", error)
        self._benchmark = setup.benchmark
        estimator = CapacityEstimator(algorithm.start_date.date(), algorithm.end_date.date())
        self._capacity = CapacityFeed(estimator, algorithm.securities, algorithm.portfolio)
        algorithm.portfolio.order_provider = ExactOrderProvider(algorithm.transactions)
        self._by_subscription = setup.by_subscription
        self._start_ns = algorithm._start_ns()
        self._clock_ns = setup.warmup_start_ns - 1
        self._run_start_ns = setup.warmup_start_ns
        algorithm._is_warming_up = setup.warmup_start_ns < self._start_ns
        algorithm._set_utc_ns(setup.warmup_start_ns)
        self._start_equity = algorithm.portfolio.exact_total_portfolio_value
        self._pending_changes = SecurityChanges(list(algorithm._added_securities))
        initialized = build_initialized(algorithm, setup, self._run_id)
        return [
            (Stream.CONTROL, initialized),
            (Stream.DATA_REQUESTS, m.DataBatchRequest(run_id=self._run_id, count=INITIAL_BATCH_CREDIT)),
        ]

    # -- batches ------------------------------------------------------------------------------
    def on_batch(self, batch: m.DataBatch) -> Outbox:
        """Run every step of a batch; ask for the next one; report progress."""
        if self.finished:
            return []
        times = unpack_times(batch)
        self._batch_index = batch.index
        steps = self._batch_steps(batch, len(times))
        self._enter(steps)
        # The time zone is fixed once initialize ends: convert the batch's step times at once.
        self._local_times = local_datetimes(times, self.algorithm.time_zone)
        self._utc_times = local_datetimes(times, _UTC)
        reply = self._request(
            Stream.CLOCK_REQUESTS,
            m.ClockEventsRequest(run_id=self._run_id, after_ns=self._clock_ns, until_ns=int(times[-1])),
        )
        events = reply.events if isinstance(reply, m.ClockEventsReply) else []
        self._clock_ns = int(times[-1])
        self._data_points += batch.data_points
        try:
            self._run_batch(steps, times, events)
        except RunStoppedError:
            return self._finish_stopped()
        except Exception as error:
            return self._finish("RuntimeError", error)
        return [
            self._progress_message(),
            (Stream.DATA_REQUESTS, m.DataBatchRequest(run_id=self._run_id, count=1)),
        ]

    def _batch_steps(self, batch: m.DataBatch, step_count: int) -> BatchSteps:
        frames = []
        for packed in batch.frames:
            security, internal = self._by_subscription[packed.subscription]
            frame = unpack_frame(packed, security.symbol)
            if isinstance(frame, CustomDataFrame):  # points are rebuilt as the user's own class
                frame = frame.with_class(self.algorithm._custom_data_info[security.symbol].data_class)
            factors = exact_factors(packed.price_factors)
            frames.append(FrameRows(security, frame, unpack_rows(packed), factors, internal))
        return BatchSteps(frames, step_count)

    def _enter(self, batch: BatchSteps) -> None:
        """Finish applying the previous batch's prices, then read them from the new one."""
        if self._batch is not None:
            self._batch.detach()
        self._batch = batch
        batch.attach()

    def _run_batch(self, steps: BatchSteps, times: npt.NDArray[np.int64], events: list[m.ClockEvent]) -> None:
        """Run the batch's steps, its helper indicators computed ahead (see `indicator_feeds`)."""
        registrations = self.algorithm._registrations
        first_step = int(np.searchsorted(times, self._run_start_ns))
        feeds = start_indicator_feeds(registrations, steps, first_step)
        try:
            self._run_steps(times, events)
        finally:
            finish_indicator_feeds(registrations, feeds)

    def _run_steps(self, times: npt.NDArray[np.int64], events: list[m.ClockEvent]) -> None:
        next_event = 0
        for index in range(len(times)):
            if self.stop_requested or self.algorithm._quit_requested:
                raise RunStoppedError
            utc_ns = int(times[index])
            if utc_ns < self._run_start_ns:
                # Data read ahead of the run (the benchmark's previous day) only primes prices, as
                # LEAN's feed hands it over before the first time slice.
                self._advance(index, self._utc_times[index])
                continue
            next_event = self._fire_events(events, next_event, utc_ns, inclusive=False)
            self._step(index, utc_ns)
            next_event = self._fire_events(events, next_event, utc_ns, inclusive=True)
            self._after_events(utc_ns)

    def _step(self, index: int, utc_ns: int) -> None:
        algorithm = self.algorithm
        now = self._utc_times[index]
        algorithm._set_clock(utc_ns, self._local_times[index], now)
        algorithm.securities.set_utc_time(now)
        self._slice = self._advance(index, now)
        algorithm.portfolio.cash_book.update_rates()
        if utc_ns >= self._next_settlement_scan_ns:
            # LEAN settles cash once an hour, after the step's prices (AlgorithmManager's model scan).
            algorithm.portfolio.scan(now)
            self._next_settlement_scan_ns = utc_ns - utc_ns % _HOUR_NS + _HOUR_NS
        if algorithm._is_warming_up and utc_ns >= self._start_ns:
            algorithm._is_warming_up = False
            self._start_equity = algorithm.portfolio.exact_total_portfolio_value
            self._progress.warm_up_finished_value = self._start_equity
            algorithm.on_warmup_finished()
        self._scan_resting_orders(now, utc_ns)

    def _after_events(self, utc_ns: int) -> None:
        algorithm = self.algorithm
        if self._pending_changes is not None:
            changes, self._pending_changes = self._pending_changes, None
            algorithm.on_securities_changed(changes)
        data = self._slice
        if data is None:
            raise RuntimeError("a time step ran before its prices were updated")
        algorithm._update_consolidators(data)
        if data.has_data:
            algorithm.on_data(data)
        if not algorithm._is_warming_up:
            self._progress.times.append(utc_ns)
            self._progress.values.append(float(algorithm.portfolio.exact_total_portfolio_value))
            if self._capacity is not None:
                self._capacity.on_step(data.utc_time, data)

    def _advance(self, index: int, utc_time: datetime) -> Slice:
        """Move the batch to step `index`: prices follow when read, and the step's slice."""
        batch = self._batch
        if batch is None:
            raise RuntimeError("a time step ran outside a batch")
        batch.advance(index)
        return batch.slice(index, self._local_times[index], utc_time)

    # -- scheduled events ---------------------------------------------------------------------
    def _fire_events(
        self,
        events: list[m.ClockEvent],
        position: int,
        utc_ns: int,
        *,
        inclusive: bool,
    ) -> int:
        while position < len(events):
            event = events[position]
            due = event.utc_ns <= utc_ns if inclusive else event.utc_ns < utc_ns
            if not due:
                break
            self._fire(event)
            position += 1
        return position

    def _fire(self, event: m.ClockEvent) -> None:
        algorithm = self.algorithm
        now = algorithm._utc_ns
        algorithm._set_utc_ns(event.utc_ns)
        try:
            if event.event_id == DAILY_SAMPLING_EVENT_ID:
                if not algorithm._is_warming_up:
                    self._progress.daily.append(self._sample(event.utc_ns))
                return
            algorithm.schedule.fire(event.event_id)
        finally:
            algorithm._set_utc_ns(max(now, algorithm._utc_ns))

    def _sample(self, utc_ns: int) -> m.DailySample:
        portfolio = self.algorithm.portfolio
        benchmark = self._benchmark.exact_price if self._benchmark is not None else Decimal(0)
        return m.DailySample(
            utc_ns=utc_ns,
            total_portfolio_value=portfolio.exact_total_portfolio_value,
            benchmark_value=benchmark,
            total_sale_volume=portfolio.exact_total_sale_volume,
        )

    # -- progress and end ---------------------------------------------------------------------
    def _progress_message(self) -> tuple[Stream, m.Message]:
        progress, self._progress = self._progress, _Progress(trades_seen=self._progress.trades_seen)
        records = self.algorithm.portfolio.transaction_records
        trades = [
            m.TradeRecord(utc_ns=_utc_ns(time), profit_loss=pnl, is_win=win)
            for time, pnl, win in records[progress.trades_seen :]
        ]
        self._progress.trades_seen = len(records)
        logs, charts = self.algorithm._drain_logs()
        return (
            Stream.RESULTS,
            m.AlgorithmProgress(
                run_id=self._run_id,
                step_times=pack_array(np.asarray(progress.times, dtype=np.int64)),
                step_values=pack_array(np.asarray(progress.values, dtype=np.float64)),
                daily_samples=progress.daily,
                trades=trades,
                logs=logs,
                charts=charts,
                data_points=self._data_points,
                warm_up_finished_value=progress.warm_up_finished_value,
            ),
        )

    def on_feed_finished(self, message: m.DataFeedFinished) -> Outbox:
        """Run the end of the algorithm and report how it finished."""
        if self.finished:
            return []
        if message.error:
            return self._finish("RuntimeError", RuntimeError(f"data feed failed: {message.error}"))
        try:
            self.algorithm.on_end_of_algorithm()
        except Exception as error:
            return self._finish("RuntimeError", error)
        return self._finish("Completed")

    def on_service_failed(self, message: m.ServiceFailed) -> Outbox:
        """End the run as failed: another service of it cannot go on."""
        if self.finished:
            return []
        return self._finish("RuntimeError", ServiceFailedError(message.role, message.error))

    def _finish_stopped(self) -> Outbox:
        """End a stopped run: after `quit()` LEAN's loop ends as usual, so `on_end_of_algorithm` runs."""
        if self.algorithm._quit_requested and not self.stop_requested:
            try:
                self.algorithm.on_end_of_algorithm()
            except Exception as error:
                return self._finish("RuntimeError", error)
        return self._finish("Stopped")

    def stop(self) -> None:
        """Ask the run to stop after the current step."""
        self.stop_requested = True

    def _finish(self, status: str, error: BaseException | None = None) -> Outbox:
        self.finished = True
        algorithm = self.algorithm
        text, stack = "", ""
        if error is not None:
            text = f"{type(error).__name__}: {error}"
            stack = "".join(traceback.format_exception(error))
            algorithm.error(f"Runtime Error: {text}")
            algorithm.error(f"Stack Trace: {stack.rstrip()}")  # operators read the log, not the JSON
        progress = self._progress_message()
        final = self._sample(algorithm._utc_ns) if self._start_ns else None
        capacity, lowest = Decimal(0), ""
        if self._capacity is not None and self._slice is not None:
            # LEAN's loop also ends normally on quit(); a stop request or an error cuts it short.
            ran_to_end = status == "Completed" or (status == "Stopped" and not self.stop_requested)
            self._capacity.on_finish(algorithm.utc_time, self._slice, ran_to_end=ran_to_end)
            capacity = self._capacity.estimator.capacity
            lowest = self._capacity.estimator.lowest_capacity_asset
        portfolio = algorithm.portfolio
        finished = m.AlgorithmFinished(
            run_id=self._run_id,
            status=status,
            start_equity=self._start_equity,
            end_utc_ns=algorithm._utc_ns,
            final_sample=final,
            error=text,
            stack_trace=stack,
            total_fees=portfolio.exact_total_fees,
            holdings_value=portfolio.exact_total_holdings_value,
            unrealized=portfolio.exact_total_unrealized_profit,
            net_profit=portfolio.exact_total_net_profit,
            estimated_capacity=capacity,
            lowest_capacity_asset=lowest,
        )
        return [progress, (Stream.CONTROL, finished)]


class ServiceFailedError(LeanError):
    """Another service of the run failed; the run ends with its reason."""

    def __init__(self, role: str, reason: str) -> None:
        self.role = role
        super().__init__(f"the {role} service failed: {reason}")


def _utc_ns(moment: datetime) -> int:
    """Return a transaction record's time (aware, or naive UTC) as UTC nanoseconds."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(_UTC).replace(tzinfo=None)
    return local_to_ns(moment, _UTC)
