"""`leanbus stack`: a nats-server and the five services on this machine, until Ctrl-C or SIGTERM.

The stack is the distributed topology in miniature: every service is its own process on a real
NATS server with JetStream, exactly as in a cluster, so `leanbus backtest --nats` against it
exercises what a deployment runs. Stopping goes services first (they drain their runs while the
server is still there), then the server.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from services.common.main import add_folder_arguments, settle_options
from services.common.nats_server import NatsServer, NatsServerError
from services.common.stack import ServiceStack, StackError

__all__ = ["register"]

DEFAULT_PORT = 4222
_POLL_SECONDS = 0.5


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `stack` verb."""
    parser = commands.add_parser("stack", help="run nats-server and the five services locally until Ctrl-C")
    add_folder_arguments(parser)
    parser.add_argument(
        "--log-folder", type=Path, help="where each service's log goes (default: <results-folder>/logs)"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"the NATS client port (default {DEFAULT_PORT}; 0: any free)",
    )
    parser.add_argument("--store-dir", type=Path, help="the JetStream store (default: a temporary folder)")
    parser.set_defaults(handler=run_stack_command)


def run_stack_command(args: argparse.Namespace) -> int:
    """Start the server and the services, print how to use them, and stop everything on a signal."""
    settle_options(args, os.environ)
    if not args.data_folder.is_dir():
        print(f"error: the data folder {args.data_folder} does not exist", file=sys.stderr)
        return 1
    stop = _stop_on_signals()
    server = NatsServer(port=args.port, store_dir=args.store_dir)
    try:
        server.start()
    except NatsServerError as error:
        server.stop()  # removes its temporary folder
        print(f"error: nats-server did not start: {error}", file=sys.stderr)
        return 1
    results = args.results_folder.resolve()
    stack = ServiceStack(
        server.url,
        data_folder=args.data_folder.resolve(),
        results_folder=results,
        log_folder=(args.log_folder or results / "logs").resolve(),
    )
    try:
        stack.start()
        _print_banner(server, stack)
        return _serve(stack, stop)
    except StackError as error:
        print(
            f"error: the stack did not come up: {_summary(error)}; logs in {stack.log_folder}",
            file=sys.stderr,
        )
        return 1
    finally:
        stack.stop()
        server.stop()
        print("stack stopped", file=sys.stderr, flush=True)


def _summary(error: StackError) -> str:
    """The failure and the last line of the service's log (its exception, when it crashed)."""
    lines = [line for line in str(error).splitlines() if line.strip()]
    return lines[0].rstrip(":") + (f": {lines[-1].strip()}" if len(lines) > 1 else "")


def _stop_on_signals() -> threading.Event:
    """Turn the first SIGINT or SIGTERM into an event; the main loop then stops the stack in order."""
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, on_signal)
    return stop


def _serve(stack: ServiceStack, stop: threading.Event) -> int:
    """Wait for a signal; a service that exits on its own ends the stack with an error."""
    while not stop.wait(_POLL_SECONDS):
        for service in stack.processes.values():
            code = service.process.poll()
            if code is not None:
                print(
                    f"error: the {service.role} service exited with {code}; see {service.log_path}",
                    file=sys.stderr,
                )
                return 1
    return 0


def _print_banner(server: NatsServer, stack: ServiceStack) -> None:
    lines = [
        f"NATS         {server.url}  (JetStream store {server.store_dir})",
        *(
            f"{service.role:<12} pid {service.process.pid:<8} {service.health_url}/readyz"
            for service in stack.processes.values()
        ),
        f"logs         {stack.log_folder}",
        f"results      {stack.results_folder}",
        "",
        f"submit:      leanbus backtest my_algorithm.py --nats {server.url}",
        f"follow:      leanbus watch '*' --nats-url {server.url}",
        "Ctrl-C or SIGTERM stops the services, then the server.",
    ]
    print("\n".join(lines), flush=True)
