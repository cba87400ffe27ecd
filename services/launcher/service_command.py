"""`leanbus service NAME`: run one service process in the foreground, as `python -m services.<name>` does."""

from __future__ import annotations

import argparse

from lean_core.engine.topology import Role
from services.common.main import add_service_arguments, run_service

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `service` verb."""
    parser = commands.add_parser(
        "service", help="run one service (data-feed, transaction, realtime, result, algorithm) until SIGTERM"
    )
    parser.add_argument(
        "role", metavar="NAME", choices=[role.value for role in Role], help="the service to run"
    )
    add_service_arguments(parser)
    parser.set_defaults(handler=run_service_command)


def run_service_command(args: argparse.Namespace) -> int:
    """Serve the role until SIGTERM or Ctrl-C, then drain its runs."""
    return run_service(Role(args.role), args)
