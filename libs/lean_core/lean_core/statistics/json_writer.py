"""JSON text as Json.NET writes it, for hashes and result files that must match LEAN byte for byte.

Json.NET differs from `json.dumps` where LEAN's outputs can be compared: decimals keep their
scale and whole ones gain ".0" (688 -> 688.0), doubles print .NET's shortest text, UTC times
are ISO 8601 with a "Z" and at most seven trimmed fraction digits, and a few more characters are
escaped. `Formatting.Indented` uses two spaces and one value per line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from enum import IntEnum
from functools import lru_cache
from typing import Any

from lean_core.statistics.formatting import json_decimal, json_double

__all__ = ["JsonValue", "RawJson", "format_json_time", "to_json"]


class RawJson(str):
    """Text that is already JSON and is written as it is."""

    __slots__ = ()


JsonValue = (
    None | bool | int | float | Decimal | str | datetime | Sequence["JsonValue"] | Mapping[str, "JsonValue"]
)

_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}
# Control characters, and the three line separators Json.NET escapes so the text is safe in JavaScript.
_NEEDS_ESCAPE = re.compile('["\\\\\x00-\x1f\u0085\u2028\u2029]')


def _escaped_char(match: re.Match[str]) -> str:
    char = match.group()
    return _ESCAPES.get(char) or f"\\u{ord(char):04x}"


def _escape(text: str) -> str:
    if _NEEDS_ESCAPE.search(text) is None:
        return '"' + text + '"'
    return '"' + _NEEDS_ESCAPE.sub(_escaped_char, text) + '"'


@lru_cache(maxsize=4096)
def _escaped_key(key: str) -> str:
    """Return a mapping key written as JSON: the same few keys recur in every order and point."""
    return _escape(key)


def format_json_time(value: datetime) -> str:
    """Return a UTC time as Json.NET's ISO format: "2013-10-07T13:31:00Z", fraction digits trimmed.

    A naive datetime is taken to be UTC, as lean_core keeps its times.
    """
    if value.tzinfo is not None and value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    text = (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
        f"T{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    )
    if value.microsecond:
        text += "." + f"{value.microsecond * 10:07d}".rstrip("0")
    return text + "Z"


# Checked in order: bool before int (True is an int), RawJson before str, IntEnum before int.
_SCALAR_WRITERS: tuple[tuple[type, Callable[[Any], str]], ...] = (
    (type(None), lambda _: "null"),
    (bool, lambda flag: "true" if flag else "false"),
    (RawJson, str),
    (IntEnum, lambda member: str(int(member))),
    (int, str),
    (float, json_double),
    (Decimal, json_decimal),
    (str, _escape),
    (datetime, lambda moment: _escape(format_json_time(moment))),
)


# The exact types written most, looked up before walking the isinstance chain.
_EXACT_WRITERS: dict[type, Callable[[Any], str]] = {
    kind: writer for kind, writer in _SCALAR_WRITERS if kind not in (RawJson, IntEnum)
}


def _scalar(value: JsonValue) -> str | None:
    """Write a scalar of a subclass of the written types (`_write` looks exact types up first)."""
    for kind, writer in _SCALAR_WRITERS:
        if isinstance(value, kind):
            return writer(value)
    return None


def to_json(value: JsonValue, *, indented: bool = False) -> str:
    """Serialise like `JsonConvert.SerializeObject` with `Formatting.None` or `Formatting.Indented`."""
    return _write(value, 0 if indented else None)


def _write(value: JsonValue, depth: int | None) -> str:
    kind = type(value)
    writer = _EXACT_WRITERS.get(kind)
    if writer is not None:
        return writer(value)
    if kind is not dict and kind is not list:
        scalar = _scalar(value)
        if scalar is not None:
            return scalar
    inner = _deeper(depth)
    if isinstance(value, Mapping):
        separator = ":" if depth is None else ": "
        items = [f"{_escaped_key(str(key))}{separator}{_write(item, inner)}" for key, item in value.items()]
        return _wrap("{", "}", items, depth)
    if isinstance(value, Sequence):
        return _wrap("[", "]", [_write(item, inner) for item in value], depth)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _deeper(depth: int | None) -> int | None:
    return None if depth is None else depth + 1


def _wrap(opening: str, closing: str, items: list[str], depth: int | None) -> str:
    if not items:
        return opening + closing
    if depth is None:
        return opening + ",".join(items) + closing
    inner = "\n" + "  " * (depth + 1)
    return opening + inner + ("," + inner).join(items) + "\n" + "  " * depth + closing
