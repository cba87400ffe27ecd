"""Run one service process: `python -m services.<name>` or `leanbus service NAME`."""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import Sequence
from pathlib import Path

from lean_core.engine.service_handlers import ServiceFolders
from lean_core.engine.topology import Role
from services.common.log_setup import configure_logging
from services.common.service import Service, ServiceOptions
from services.common.shutdown import install_shutdown_handlers

__all__ = ["add_folder_arguments", "add_service_arguments", "main", "run_service"]

DEFAULT_NATS_URL = "nats://127.0.0.1:4222"


def add_folder_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the services' data and results folders (each defaults to an environment variable)."""
    parser.add_argument(
        "--data-folder",
        type=Path,
        default=Path(os.environ.get("LEAN_DATA_FOLDER", "data")),
        help="the LEAN data folder runs read unless they name their own (LEAN_DATA_FOLDER)",
    )
    parser.add_argument(
        "--results-folder",
        type=Path,
        default=Path(os.environ.get("LEANBUS_RESULTS_FOLDER", "backtests")),
        help="where the result service writes a run's files, in a folder per run (LEANBUS_RESULTS_FOLDER)",
    )


def add_service_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options every service takes (each defaults to an environment variable)."""
    parser.add_argument(
        "--nats-url", default=os.environ.get("NATS_URL", DEFAULT_NATS_URL), help="the NATS server (NATS_URL)"
    )
    add_folder_arguments(parser)
    parser.add_argument(
        "--service-id", default=os.environ.get("LEANBUS_SERVICE_ID"), help="this replica's id"
    )
    parser.add_argument("--log-level", default=os.environ.get("LEANBUS_LOG_LEVEL", "INFO"))
    parser.add_argument(
        "--http-port",
        type=int,
        default=int(os.environ.get("LEANBUS_HTTP_PORT", "8080")),
        help="the port of /metrics, /healthz and /readyz (0: any free port; LEANBUS_HTTP_PORT)",
    )
    parser.add_argument(
        "--http-host",
        default=os.environ.get("LEANBUS_HTTP_HOST", "127.0.0.1"),
        help="the address the probes bind (0.0.0.0 in a pod; LEANBUS_HTTP_HOST)",
    )


def run_service(role: Role, args: argparse.Namespace) -> int:
    """Serve `role` until SIGTERM or SIGINT, then drain the runs in flight; return the exit status."""
    configure_logging(str(role), args.log_level.upper())
    folders = ServiceFolders(data_folder=args.data_folder, results_folder=args.results_folder)
    options = ServiceOptions(
        role=role, nats_url=args.nats_url, folders=folders, http_host=args.http_host, http_port=args.http_port
    )
    if args.service_id:
        options.service_id = args.service_id
    asyncio.run(_serve(Service(options)))
    return 0


async def _serve(service: Service) -> None:
    await service.run(install_shutdown_handlers())


def main(role: Role, argv: Sequence[str] | None = None) -> int:
    """The entry point of `python -m services.<name>`."""
    parser = argparse.ArgumentParser(prog=f"python -m services.{role.value.replace('-', '_')}")
    add_service_arguments(parser)
    return run_service(role, parser.parse_args(argv))
