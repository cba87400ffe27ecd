"""What the algorithm subscribed to, and what feeds its consolidators."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from lean_core.data.consolidators import (
    ConsolidatorBase,
    IdentityDataConsolidator,
    QuoteBarConsolidator,
    TradeBarConsolidator,
)
from lean_core.enums import Resolution, TickType
from lean_core.indicators import IndicatorBase
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


class StepFeed(Protocol):
    """Values computed ahead for a registration's indicator, published at the steps that have a bar."""

    def publish(self) -> bool:
        """Publish the current step's value, if it has one; False when the step must stream instead."""


@dataclass(slots=True)
class Registration:
    """A consolidator fed by one symbol's trades or quotes.

    What the algorithm's time step asks of it every step is decided here, once: whether it
    reads trade bars (else quote bars), and whether the consolidator needs scanning.
    """

    symbol: Symbol
    tick_type: TickType
    consolidator: ConsolidatorBase[Any]
    time_zone: Any
    #: True when fed by the symbol's trade bars (or custom data), False for its quote bars
    reads_trades: bool = field(init=False)
    #: whether the consolidator is time based, or None when it must be asked every step
    time_based: bool | None = field(init=False)
    #: the indicator a helper fed straight from this registration's bars, which may take the
    #: batch path; None when anything else reads the consolidator
    indicator: IndicatorBase[Any] | None = None
    #: this batch's values of `indicator`, published step by step instead of the consolidator
    feed: StepFeed | None = None

    def __post_init__(self) -> None:
        self.reads_trades = self.tick_type == TickType.TRADE
        self.time_based = fixed_time_based(self.consolidator)


def fixed_time_based(consolidator: object) -> bool | None:
    """Return a built-in consolidator's `is_time_based` (it never changes), or None for any other.

    A consolidator of the user's own class may compute `is_time_based` as it goes, so the time
    step keeps asking it; an object without the attribute is not time based.
    """
    kind = type(consolidator)
    if kind is IdentityDataConsolidator:
        return False
    if kind is TradeBarConsolidator or kind is QuoteBarConsolidator:
        return bool(getattr(consolidator, "is_time_based", False))
    return None


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
