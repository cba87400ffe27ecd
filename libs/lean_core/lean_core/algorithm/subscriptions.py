"""What the algorithm subscribed to, and what feeds its consolidators."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from lean_core.data.consolidators import ConsolidatorBase
from lean_core.enums import Resolution, TickType
from lean_core.securities.security import Security
from lean_core.symbols import Symbol


@dataclass(frozen=True, slots=True)
class Subscription:
    """One subscription the algorithm made."""

    security: Security
    resolution: Resolution
    tick_type: TickType
    fill_forward: bool
    extended_market_hours: bool
    is_internal: bool = False
    #: An internal feed that only converts a cash currency (it starts with the run).
    converts_currency: bool = False


@dataclass(slots=True)
class Registration:
    """A consolidator fed by one symbol's trades or quotes."""

    symbol: Symbol
    tick_type: TickType
    consolidator: ConsolidatorBase[Any]
    time_zone: Any


class ConsolidatorHost(Protocol):
    """The algorithm, as the subscription manager sees it."""

    _registrations: list[Registration]

    def subscription_manager_add_consolidator(self, symbol: Any, consolidator: Any) -> None: ...


class SubscriptionManager:
    """LEAN's `algorithm.subscription_manager`: attach consolidators to subscriptions, or detach them."""

    def __init__(self, algorithm: ConsolidatorHost) -> None:
        self._algorithm = algorithm

    def add_consolidator(
        self, symbol: Any, consolidator: ConsolidatorBase[Any], tick_type: Any = None
    ) -> None:
        """Feed `consolidator` with the symbol's data from now on."""
        self._algorithm.subscription_manager_add_consolidator(symbol, consolidator)

    def remove_consolidator(self, symbol: Any, consolidator: ConsolidatorBase[Any]) -> None:
        """Stop feeding `consolidator` (whatever symbol it was attached to, as LEAN finds it by instance)."""
        self._algorithm._registrations[:] = [
            registration
            for registration in self._algorithm._registrations
            if registration.consolidator is not consolidator
        ]
