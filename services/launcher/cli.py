"""The `leanbus` command line: verbs follow lean-cli where lean-cli has them."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Iterable, Sequence

#: Each verb and the module that registers and runs it.
_COMMANDS: dict[str, str] = {
    "backtest": "services.launcher.backtest_command",
    "data": "services.launcher.data_commands",
    "stack": "services.launcher.stack_command",
    "service": "services.launcher.service_command",
    "watch": "services.launcher.watch_command",
    "schema": "services.launcher.schema_command",
}


def build_parser(verbs: Iterable[str] | None = None) -> argparse.ArgumentParser:
    """Return the parser for these `leanbus` verbs (every one by default)."""
    parser = argparse.ArgumentParser(
        prog="leanbus", description="LEAN-compatible backtesting on a message bus"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for verb in _COMMANDS if verbs is None else verbs:
        importlib.import_module(_COMMANDS[verb]).register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `leanbus` command and return its exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    # Only the verb given is imported: a backtest does not load the services' NATS client, say.
    # Without a known verb, every verb is there for the help and the error message.
    verb = arguments[0] if arguments and arguments[0] in _COMMANDS else None
    parser = build_parser(None if verb is None else [verb])
    args = parser.parse_args(arguments)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    return int(handler(args))


if __name__ == "__main__":
    sys.exit(main())
