"""The `leanbus` command line: verbs follow lean-cli where lean-cli has them."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from services.launcher import (
    backtest_command,
    data_commands,
    schema_command,
    service_command,
    stack_command,
    watch_command,
)


def build_parser() -> argparse.ArgumentParser:
    """Return the parser for every `leanbus` verb."""
    parser = argparse.ArgumentParser(
        prog="leanbus", description="LEAN-compatible backtesting on a message bus"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    backtest_command.register(commands)
    data_commands.register(commands)
    stack_command.register(commands)
    service_command.register(commands)
    watch_command.register(commands)
    schema_command.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `leanbus` command and return its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    return int(handler(args))


if __name__ == "__main__":
    sys.exit(main())
