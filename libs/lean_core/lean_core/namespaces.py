"""Finding classes among a module's global names."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar, cast

__all__ = ["subclasses_in"]

T = TypeVar("T")


def subclasses_in(values: Iterable[object], base: type[T]) -> list[type[T]]:
    """Return the values that are subclasses of `base`, `base` itself excluded.

    Only each value's type is inspected: `isinstance` would read `__class__` from every object,
    which executes a lazily loaded module (the API's `pd`) that the algorithm never used.
    """
    found: list[type[T]] = []
    for value in values:
        if issubclass(type(value), type):
            candidate = cast("type[object]", value)
            if issubclass(candidate, base) and candidate is not base:
                found.append(candidate)
    return found
