"""LEAN's config.json dialect: JSON with `//` and `/* */` comments and trailing commas, as LEAN reads it."""

from __future__ import annotations

import re

__all__ = ["strip_comments"]

_WHITESPACE = re.compile(rb"\s*")
_QUOTE, _BACKSLASH, _COMMA, _NEWLINE, _SPACE = (ord(char) for char in '"\\,\n ')


def strip_comments(raw: bytes) -> bytes:
    """Blank out comments and trailing commas, keeping every byte offset so errors still point at lines."""
    text = bytearray(raw)
    index, size = 0, len(raw)
    while index < size:
        if raw[index] == _QUOTE:
            index = _string_end(raw, index)
        elif raw.startswith(b"//", index):
            end = raw.find(b"\n", index)
            index = _blank(text, index, size if end < 0 else end)
        elif raw.startswith(b"/*", index):
            end = raw.find(b"*/", index + 2)
            index = _blank(text, index, size if end < 0 else end + 2)
        else:
            index += 1
    return _drop_trailing_commas(bytes(text))


def _drop_trailing_commas(raw: bytes) -> bytes:
    text = bytearray(raw)
    index, size = 0, len(raw)
    while index < size:
        if raw[index] == _QUOTE:
            index = _string_end(raw, index)
            continue
        if raw[index] == _COMMA:
            following = _WHITESPACE.match(raw, index + 1)
            if following is not None and raw[following.end() : following.end() + 1] in (b"}", b"]"):
                text[index] = _SPACE
        index += 1
    return bytes(text)


def _string_end(raw: bytes, start: int) -> int:
    """Return the index just past the JSON string opening at `start` (the whole rest if unterminated)."""
    index = start + 1
    while index < len(raw):
        if raw[index] == _BACKSLASH:
            index += 2
        elif raw[index] == _QUOTE:
            return index + 1
        else:
            index += 1
    return len(raw)


def _blank(text: bytearray, start: int, end: int) -> int:
    """Replace `text[start:end]` with spaces, keeping newlines, and return `end`."""
    for index in range(start, end):
        if text[index] != _NEWLINE:
            text[index] = _SPACE
    return end
