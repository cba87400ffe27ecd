"""LEAN's `RollingWindow`: a fixed-size history indexed newest first."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

__all__ = ["RollingWindow"]

T = TypeVar("T")


class RollingWindow(Generic[T]):
    """Keep the last `size` items added; `window[0]` is the newest, `window[count - 1]` the oldest.

    Indexing follows LEAN: an index at or past `count` returns None (and an index at or past
    `size` grows the window to fit it); a negative index counts from the oldest item, and one
    reaching further back than `size` raises IndexError.
    """

    __slots__ = ("_items", "_most_recently_removed", "_samples", "_size", "_tail")

    def __init__(self, size: int) -> None:
        if size < 0:
            raise ValueError(f"RollingWindow must have size of at least 0, got size={size}")
        self._size = size
        # a ring buffer: `_tail` is the slot of the oldest item once the buffer is full
        self._items: list[T] = []
        self._tail = 0
        self._samples = 0
        self._most_recently_removed: T | None = None

    # -- state ------------------------------------------------------------------------------
    @property
    def size(self) -> int:
        """Return the capacity; setting it resizes the window, keeping the newest items."""
        return self._size

    @size.setter
    def size(self, value: int) -> None:
        if value < 0:
            raise ValueError(f"RollingWindow must have size of at least 0, got size={value}")
        self._resize(value)

    @property
    def count(self) -> int:
        """Return how many items the window holds now."""
        return len(self._items)

    @property
    def samples(self) -> int:
        """Return how many items were ever added (since the last reset)."""
        return self._samples

    @property
    def is_ready(self) -> bool:
        """Return True once at least `size` items were added."""
        return self._samples >= self._size

    @property
    def most_recently_removed(self) -> T:
        """Return the item that last fell off the back; IndexError while none has."""
        if self._samples <= self._size:
            raise IndexError("No items have been removed yet!")
        return self._most_recently_removed  # type: ignore[return-value]

    # -- mutation ---------------------------------------------------------------------------
    def add(self, item: T) -> None:
        """Add `item` as the newest entry, pushing the oldest out when full."""
        self._samples += 1
        items = self._items
        size = self._size
        if len(items) < size:
            items.append(item)
            return
        if size == 0:
            # nothing fits: the item falls off at once
            self._most_recently_removed = item
            return
        tail = self._tail
        self._most_recently_removed = items[tail]
        items[tail] = item
        self._tail = tail + 1 if tail + 1 < size else 0

    def reset(self) -> None:
        """Empty the window and zero its sample count."""
        self._items.clear()
        self._tail = 0
        self._samples = 0
        self._most_recently_removed = None

    # -- access -----------------------------------------------------------------------------
    def __getitem__(self, index: int) -> T | None:
        items = self._items
        count = len(items)
        if index < 0:
            if self._size + index < 0:
                raise IndexError(f"index {index} reaches past the window size {self._size}")
            index += count
            if index < 0:
                return None
        if index >= count:
            if index >= self._size:
                self._resize(index + 1)
            return None
        return items[(count + self._tail - index - 1) % count]

    def __setitem__(self, index: int, item: T) -> None:
        if index < 0:
            if self._size + index < 0:
                raise IndexError(f"index {index} reaches past the window size {self._size}")
            index += self._size
        if index >= len(self._items):
            if index >= self._size:
                self._resize(index + 1)
            # as LEAN does, pad with empty entries added as the newest, then overwrite the slot
            for _ in range(index + 1 - len(self._items)):
                self.add(None)  # type: ignore[arg-type]
        count = len(self._items)
        self._items[(count + self._tail - index - 1) % count] = item

    def __iter__(self) -> Iterator[T]:
        items = self._items
        tail = self._tail
        # newest first: the slots before the tail, then those from the tail, both reversed
        snapshot = items[:tail][::-1] + items[tail:][::-1]
        return iter(snapshot)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"RollingWindow(size={self._size}, count={len(self._items)}, samples={self._samples})"

    # -- internals --------------------------------------------------------------------------
    def _normalise(self) -> None:
        """Rotate the ring so the list runs oldest to newest and the tail is slot 0."""
        if self._tail:
            tail = self._tail
            self._items[:] = self._items[tail:] + self._items[:tail]
            self._tail = 0

    def _resize(self, size: int) -> None:
        self._normalise()
        excess = len(self._items) - size
        if excess > 0:
            del self._items[:excess]
        self._size = size
