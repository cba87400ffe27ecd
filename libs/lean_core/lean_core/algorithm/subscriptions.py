"""What the algorithm subscribed to, and what feeds its consolidators."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


@dataclass(slots=True)
class Registration:
    """A consolidator fed by one symbol's trades or quotes."""

    symbol: Symbol
    tick_type: TickType
    consolidator: ConsolidatorBase[Any]
    time_zone: Any
