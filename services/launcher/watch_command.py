"""`leanbus watch RUN_ID`: follow a run from outside it, as any extra consumer of its subjects can.

It only listens: it subscribes to a run's control, results and order-event subjects (or every
run's, with `*`), decodes each message with the wire codec and prints one line per fact. Nothing
in a run waits for it, so it can attach and leave at any time. `RunView` turns messages into lines
and holds no connection, which keeps the formatting testable without a server.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import nats
from nats.aio.client import Client
from nats.aio.msg import Msg

from lean_core.bus import codec
from lean_core.bus import messages as m
from lean_core.bus.subjects import Stream, all_runs, check_run_id, subject
from lean_core.data.bars import ns_to_local
from lean_core.engine.progress import last_step_ns, run_fraction
from lean_core.enums import pascal_name
from lean_core.orders.events import OrderEvent
from lean_core.time.time_zones import TimeZones
from services.common.main import DEFAULT_NATS_URL
from services.common.shutdown import install_shutdown_handlers
from services.launcher.report import format_failure, statistics_lines

__all__ = ["ALL_RUNS", "RunView", "format_order_event", "register", "watch", "watched_subjects"]

ALL_RUNS = "*"
WATCHED_STREAMS = (Stream.CONTROL, Stream.RESULTS, Stream.ORDER_EVENTS)
_RECONNECT_ATTEMPTS = 5
"""Tries, a second apart, before giving up on the server: at the start and after a drop alike."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `watch` verb."""
    parser = commands.add_parser(
        "watch", help="print a run's order events, progress and statistics as they happen"
    )
    parser.add_argument("run_id", metavar="RUN_ID", help="the run to follow, or '*' for every run")
    parser.add_argument(
        "--nats-url", default=os.environ.get("NATS_URL", DEFAULT_NATS_URL), help="the NATS server (NATS_URL)"
    )
    parser.set_defaults(handler=run_watch_command)


def watched_subjects(run_id: str) -> list[str]:
    """Return the subjects to follow for one run, or wildcards for every run."""
    if run_id == ALL_RUNS:
        return [all_runs(stream) for stream in WATCHED_STREAMS]
    return [subject(run_id, stream) for stream in WATCHED_STREAMS]


# -- formatting (pure) ------------------------------------------------------------------------------
def _number(value: Decimal) -> str:
    """A decimal without the trailing zeros of its scale (prices travel with LEAN's full precision)."""
    return f"{value.normalize():f}"


def _utc(ns: int) -> str:
    return f"{ns_to_local(ns, TimeZones.UTC):%Y-%m-%d %H:%M:%S} UTC"


def format_order_event(event: OrderEvent) -> str:
    """One order event: time, order, symbol, direction, status, and the fill and fee when it filled."""
    line = (
        f"{_utc(event.utc_time_ns)} order {event.order_id} {event.symbol_value} "
        f"{pascal_name(event.direction)} {pascal_name(event.status)} quantity {_number(event.quantity)}"
    )
    if event.fill_quantity:
        price = f"{_number(event.fill_price)} {event.fill_price_currency}"
        line += f" filled {_number(event.fill_quantity)} @ {price}"
    if event.order_fee_amount:
        line += f" fee {_number(event.order_fee_amount)} {event.order_fee_currency}"
    return line + (f" ({event.message})" if event.message else "")


def format_progress(progress: m.AlgorithmProgress, span: tuple[int, int] | None) -> str | None:
    """Percent done (when the run's span is known), the current date and the data points so far."""
    last = last_step_ns(progress)
    if last is None:
        return None
    day = ns_to_local(last, TimeZones.UTC).date()
    fraction = None if span is None else run_fraction(*span, last)
    percent = "" if fraction is None else f"{fraction:.1%} "
    return f"progress {percent}{day} {progress.data_points:,} data points"


def format_initialized(message: m.AlgorithmInitialized) -> str:
    """The run's name, dates and starting cash."""
    start = ns_to_local(message.start_ns, TimeZones.UTC).date()
    end = ns_to_local(message.end_ns, TimeZones.UTC).date()
    return (
        f"started {message.name}: {start} to {end}, "
        f"cash {message.starting_cash} {message.account_currency}, {len(message.subscriptions)} subscriptions"
    )


def format_finished(message: m.AlgorithmFinished) -> str:
    """The algorithm's status, and its error when it failed."""
    return f"algorithm finished: {message.status}" + (f": {message.error}" if message.error else "")


def format_results(message: m.ResultsWritten) -> list[str]:
    """The statistics table, and where the result service wrote the files."""
    lines = statistics_lines(message.status, message.statistics)
    if message.error:
        lines.append(f"results error: {message.error}")
    lines += [f"file {path}" for path in message.files]
    return lines


def format_feed_finished(message: m.DataFeedFinished) -> str:
    """The data feed's total, and its error when it failed."""
    return f"data feed finished: {message.data_points:,} data points" + (
        f", error: {message.error}" if message.error else ""
    )


# The messages whose lines depend on nothing seen before; the others are handled in `RunView.lines`.
_FORMATTERS: dict[type[m.Message], Callable[[Any], list[str]]] = {
    m.OrderEvents: lambda message: [format_order_event(event) for event in message.events],
    m.AlgorithmInitialized: lambda message: [format_initialized(message)],
    m.AlgorithmFinished: lambda message: [format_finished(message)],
    m.ServiceFailed: lambda message: [format_failure(message)],
    m.DataFeedFinished: lambda message: [format_feed_finished(message)],
    m.ResultsWritten: format_results,
}


@dataclass(slots=True)
class RunView:
    """What the watcher knows of the runs it follows, and the lines each new message adds.

    Lines are prefixed with the run id, so the runs of `watch '*'` can be told apart.
    """

    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    written: set[str] = field(default_factory=set)

    def receive(self, subject_name: str, data: bytes) -> list[str]:
        """Decode one message and return its lines; a malformed one gives a warning line, never an error."""
        try:
            message = codec.decode(data)
        except Exception as error:  # a consumer must outlive any message a producer gets wrong
            return [f"warning: malformed message on {subject_name} ignored: {error}"]
        return [f"[{message.run_id}] {line}" for line in self.lines(message)]

    def lines(self, message: m.Message) -> list[str]:
        """Return what a decoded message says, in words (nothing for messages a watcher does not show)."""
        if isinstance(message, m.AlgorithmInitialized):
            self.spans[message.run_id] = (message.start_ns, message.end_ns)
        elif isinstance(message, m.ResultsWritten):
            self.written.add(message.run_id)
            self.spans.pop(message.run_id, None)
        elif isinstance(message, m.AlgorithmProgress):
            line = format_progress(message, self.spans.get(message.run_id))
            return [line] if line else []
        formatter = _FORMATTERS.get(type(message))
        return formatter(message) if formatter is not None else []


# -- the command --------------------------------------------------------------------------------------
def run_watch_command(args: argparse.Namespace) -> int:
    """Follow the run until its results are written (one run) or until Ctrl-C / SIGTERM."""
    if args.run_id != ALL_RUNS:
        try:
            check_run_id(args.run_id)
        except ValueError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    try:
        return asyncio.run(watch(args.nats_url, args.run_id))
    except (OSError, nats.errors.Error) as error:
        print(f"error: cannot reach NATS at {args.nats_url}: {error}", file=sys.stderr)
        return 1


async def watch(nats_url: str, run_id: str) -> int:
    """Print the run's messages as they arrive; return once a single run's results are written.

    Returns 0, or 1 when the connection to NATS was lost for good.
    """
    stop = install_shutdown_handlers()
    view = RunView()
    client = await _connect(nats_url, stop)

    async def on_message(msg: Msg) -> None:
        for line in view.receive(msg.subject, msg.data):
            print(line, flush=True)
        if run_id in view.written:
            stop.set()

    try:
        for name in watched_subjects(run_id):
            await client.subscribe(name, cb=on_message)
        await client.flush()
        print(f"watching {', '.join(watched_subjects(run_id))} on {nats_url}", file=sys.stderr, flush=True)
        await stop.wait()
        if client.is_closed:
            print(f"error: lost the connection to NATS at {nats_url}", file=sys.stderr)
            return 1
        return 0
    finally:
        await client.close()


async def _connect(nats_url: str, stop: asyncio.Event) -> Client:
    """Connect, failing within seconds when nobody answers; say so when the connection drops or ends."""

    async def quiet(error: Exception) -> None:
        return None  # the client's default logs a traceback per attempt; the outcome is reported below

    async def disconnected() -> None:
        if stop.is_set():
            return  # our own close
        print("warning: disconnected from NATS, reconnecting", file=sys.stderr, flush=True)

    async def closed() -> None:
        stop.set()

    return await nats.connect(
        nats_url,
        name="leanbus-watch",
        connect_timeout=2,
        max_reconnect_attempts=_RECONNECT_ATTEMPTS,
        reconnect_time_wait=1,
        error_cb=quiet,
        disconnected_cb=disconnected,
        closed_cb=closed,
    )
