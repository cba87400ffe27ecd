"""The algorithm's securities by symbol (LEAN's `SecurityManager`); a ticker string works as a key too."""

from __future__ import annotations

from collections.abc import Callable, ItemsView, Iterator, KeysView, Mapping, ValuesView
from datetime import datetime
from typing import TYPE_CHECKING

from lean_core.securities.decimals import as_utc
from lean_core.securities.security import SecurityClock
from lean_core.symbols import Symbol

if TYPE_CHECKING:
    from lean_core.securities.security import Security

__all__ = ["SecurityManager"]


class _HeldSecurities:
    """The securities holding a position, in the manager's order: rebuilt only after a position changed.

    The portfolio's totals run every time step; over the held securities alone, an algorithm with
    hundreds of subscriptions and a few positions pays for the few.
    """

    __slots__ = ("_held", "_securities")

    def __init__(self, securities: dict[Symbol, Security]) -> None:
        self._securities = securities
        self._held: tuple[Security, ...] | None = None

    def changed(self) -> None:
        self._held = None

    def get(self) -> tuple[Security, ...]:
        held = self._held
        if held is None:
            securities = self._securities.values()
            held = self._held = tuple(s for s in securities if s.holdings.exact_quantity != 0)
        return held


class SecurityManager(Mapping[Symbol, "Security"]):
    """Securities keyed by symbol; lookups also take the ticker or the identifier string."""

    def __init__(self) -> None:
        self._securities: dict[Symbol, Security] = {}
        self._by_id: dict[str, Security] = {}
        self._on_added: list[Callable[[Security], None]] = []
        self._held = _HeldSecurities(self._securities)
        self.utc_time: datetime | None = None
        self._clock = SecurityClock()

    def _resolve(self, key: Symbol | str) -> Symbol | None:
        if isinstance(key, Symbol):
            return key
        found = self._by_id.get(key)
        if found is not None:
            return found.symbol
        wanted = key.upper()
        for symbol in self._securities:
            if symbol.value == wanted:
                return symbol
        return None

    def __getitem__(self, key: Symbol | str) -> Security:
        symbol = self._resolve(key)
        if symbol is None or symbol not in self._securities:
            raise KeyError(
                f"This asset symbol ({key}) was not found in your security list. "
                "Please add this security before using it."
            )
        return self._securities[symbol]

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, Symbol | str):
            return False
        symbol = self._resolve(key)
        return symbol is not None and symbol in self._securities

    def __iter__(self) -> Iterator[Symbol]:
        return iter(self._securities)

    def __len__(self) -> int:
        return len(self._securities)

    def keys(self) -> KeysView[Symbol]:
        """Return the symbols."""
        return self._securities.keys()

    def values(self) -> ValuesView[Security]:
        """Return the securities."""
        return self._securities.values()

    def items(self) -> ItemsView[Symbol, Security]:
        """Return (symbol, security) pairs."""
        return self._securities.items()

    def get(self, key: Symbol | str, default: Security | None = None) -> Security | None:  # type: ignore[override]
        """Return the security of a symbol or ticker, or `default`."""
        symbol = self._resolve(key)
        return self._securities.get(symbol, default) if symbol is not None else default

    def contains_key(self, key: Symbol | str) -> bool:
        """Tell whether the symbol (or ticker) is known."""
        return key in self

    def get_by_id(self, symbol_id: str) -> Security | None:
        """Return the security whose identifier string is `symbol_id` (a fast path for order events)."""
        return self._by_id.get(symbol_id)

    def add(self, security: Security) -> Security:
        """Add a security (an existing one with the same symbol is kept and returned)."""
        existing = self._securities.get(security.symbol)
        if existing is not None:
            return existing
        self._securities[security.symbol] = security
        self._by_id[str(security.symbol.id)] = security
        security.share_clock(self._clock)
        security.holdings.notify_changes(self._held.changed)
        self._held.changed()
        for callback in self._on_added:
            callback(security)
        return security

    def held(self) -> tuple[Security, ...]:
        """Return the securities with a nonzero quantity, in the order they were added."""
        return self._held.get()

    def on_added(self, callback: Callable[[Security], None]) -> None:
        """Call `callback` with each security added from now on."""
        self._on_added.append(callback)

    def set_utc_time(self, utc: datetime) -> None:
        """Set the current time of every security (LEAN's time keeper)."""
        self.utc_time = self._clock.utc_time = as_utc(utc)
