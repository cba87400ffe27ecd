"""`leanbus schema`: the JSON Schema of every wire message, so a consumer can be written in any language.

The schemas come from the msgspec Structs themselves, so they cannot drift from the code. On the
wire messages are msgpack, not JSON: the schema describes the same maps, with `bytes` fields as
msgpack binary (JSON Schema calls them base64 strings) and decimals as text.
"""

from __future__ import annotations

import argparse
import json
import sys
import typing
from pathlib import Path
from typing import Any

import msgspec

from lean_core.bus import codec
from lean_core.bus import messages as m

__all__ = ["ALL_MESSAGES_FILE", "message_types", "register", "union_schema"]

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
ALL_MESSAGES_FILE = "leanbus-messages.json"
_WIRE_NOTE = (
    "Encoded as msgpack on NATS subjects lean.<run_id>.<stream>; the `type` field names the message "
    f"(schema_version {m.SCHEMA_VERSION}). Fields may be added with defaults: ignore those you do not know."
)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `schema` verb."""
    parser = commands.add_parser("schema", help="print or write the JSON Schema of every wire message")
    parser.add_argument(
        "--output",
        type=Path,
        help="write one file per message and leanbus-messages.json here (default: stdout)",
    )
    parser.set_defaults(handler=run_schema_command)


def message_types() -> tuple[type[m.Message], ...]:
    """Return every message the codec decodes, in the union's order."""
    return typing.get_args(codec.AnyMessage)


def union_schema() -> dict[str, Any]:
    """Return one document: any message, told apart by its `type` tag, with every definition in `$defs`."""
    return _document(msgspec.json.schema(codec.AnyMessage), "leanbus wire message", _WIRE_NOTE)


def message_schema(kind: type[m.Message]) -> dict[str, Any]:
    """Return a self-contained document for one message type."""
    return _document(msgspec.json.schema(kind), kind.__name__, _WIRE_NOTE)


def run_schema_command(args: argparse.Namespace) -> int:
    """Print the union document, or write it and a file per message to `--output`."""
    if args.output is None:
        print(_dumps(union_schema()))
        return 0
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / ALL_MESSAGES_FILE).write_text(_dumps(union_schema()) + "\n")
    for kind in message_types():
        (args.output / f"{kind.__name__}.json").write_text(_dumps(message_schema(kind)) + "\n")
    print(
        f"wrote {ALL_MESSAGES_FILE} and {len(message_types())} message schemas to {args.output}",
        file=sys.stderr,
    )
    return 0


def _document(schema: dict[str, Any], title: str, description: str) -> dict[str, Any]:
    # msgspec puts a single Struct's own definition in $defs and refers to it; keep its keys and
    # put the dialect and a title first, which is what readers of the file look for.
    return {"$schema": JSON_SCHEMA_DIALECT, "title": title, "description": description, **schema}


def _dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=False)
