"""Run one service process: `python -m services.<name>` or `leanbus service NAME`.

Every option comes, in order of precedence, from the command line, its environment variable, the
config.json named by `--config` (or `LEANBUS_CONFIG`), then the built-in default; so a container
takes its settings from its environment or from a mounted config.json, and a flag still wins.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from lean_core.config import LauncherConfigError, ServiceConfig, load_service_config
from lean_core.engine.service_handlers import ServiceFolders
from lean_core.engine.topology import Role
from lean_core.errors import ConfigurationError
from services.common.garbage_collection import tune_for_engine
from services.common.log_setup import configure_logging
from services.common.probe import DEFAULT_HTTP_PORT
from services.common.service import Service, ServiceOptions
from services.common.shutdown import install_shutdown_handlers

__all__ = [
    "CONFIG_VARIABLE",
    "DEFAULT_NATS_URL",
    "add_folder_arguments",
    "add_service_arguments",
    "main",
    "run_service",
    "service_module",
    "settle_options",
]

DEFAULT_NATS_URL = "nats://127.0.0.1:4222"
CONFIG_VARIABLE = "LEANBUS_CONFIG"

#: Each option's destination, environment variable, parser of that variable's text, and default.
_OPTIONS: tuple[tuple[str, str, Callable[[str], object], object], ...] = (
    ("nats_url", "NATS_URL", str, DEFAULT_NATS_URL),
    ("data_folder", "LEAN_DATA_FOLDER", Path, Path("data")),
    ("results_folder", "LEANBUS_RESULTS_FOLDER", Path, Path("backtests")),
    ("service_id", "LEANBUS_SERVICE_ID", str, None),
    ("log_level", "LEANBUS_LOG_LEVEL", str, "INFO"),
    ("http_port", "LEANBUS_HTTP_PORT", int, DEFAULT_HTTP_PORT),
    ("http_host", "LEANBUS_HTTP_HOST", str, "127.0.0.1"),
)


def add_folder_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the services' data and results folders (each defaults to an environment variable)."""
    parser.add_argument(
        "--data-folder",
        type=Path,
        help="the LEAN data folder runs read unless they name their own (LEAN_DATA_FOLDER; default data)",
    )
    parser.add_argument(
        "--results-folder",
        type=Path,
        help="where the result service writes a run's files, in a folder per run "
        "(LEANBUS_RESULTS_FOLDER; default backtests)",
    )


def add_service_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options every service takes (each defaults to an environment variable, then config.json)."""
    parser.add_argument(
        "--config",
        type=Path,
        help=f"a LEAN-style config.json with nats-url, data-folder, results-folder, log-level, http-host "
        f"and http-port; the environment and flags win over it ({CONFIG_VARIABLE})",
    )
    parser.add_argument("--nats-url", help=f"the NATS server (NATS_URL; default {DEFAULT_NATS_URL})")
    add_folder_arguments(parser)
    parser.add_argument("--service-id", help="this replica's id (LEANBUS_SERVICE_ID; default random)")
    parser.add_argument("--log-level", help="debug, info, warning or error (LEANBUS_LOG_LEVEL; default info)")
    parser.add_argument(
        "--http-port",
        type=int,
        help="the port of /metrics, /healthz and /readyz (0: any free port; LEANBUS_HTTP_PORT; default 8080)",
    )
    parser.add_argument(
        "--http-host",
        help="the address the probes bind (0.0.0.0 in a pod; LEANBUS_HTTP_HOST; default 127.0.0.1)",
    )


def settle_options(args: argparse.Namespace, environ: Mapping[str, str]) -> None:
    """Fill each option the command line left out: its environment variable, config.json, then default.

    Raise `ConfigurationError` naming the variable or the config key of a bad value.
    """
    config_file = getattr(args, "config", None) or environ.get(CONFIG_VARIABLE) or None
    config = load_service_config(Path(config_file)) if config_file else ServiceConfig()
    for dest, variable, parse, default in _OPTIONS:
        if not hasattr(args, dest) or getattr(args, dest) is not None:
            continue
        text = environ.get(variable, "")
        if text:
            setattr(args, dest, _parsed(parse, text, variable))
        else:
            from_file = getattr(config, dest, None)
            setattr(args, dest, default if from_file is None else from_file)


def _parsed(parse: Callable[[str], object], text: str, variable: str) -> object:
    try:
        return parse(text)
    except ValueError:
        source = f"environment variable {variable}"
        raise LauncherConfigError(f"cannot read {text!r}", source=source) from None


def run_service(role: Role, args: argparse.Namespace) -> int:
    """Serve `role` until SIGTERM or SIGINT, then drain the runs in flight; return the exit status."""
    try:
        settle_options(args, os.environ)
    except ConfigurationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    configure_logging(str(role), args.log_level.upper())
    tune_for_engine()
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


def service_module(role: Role) -> str:
    """Return the module that runs a role's service: `python -m services.data_feed`, ..."""
    return f"services.{role.value.replace('-', '_')}"


def main(role: Role, argv: Sequence[str] | None = None) -> int:
    """The entry point of `python -m services.<name>`."""
    parser = argparse.ArgumentParser(prog=f"python -m {service_module(role)}")
    add_service_arguments(parser)
    return run_service(role, parser.parse_args(argv))
