"""A run's `AlgorithmInitialized` for handler tests: the fields a test cares about, defaults for the rest."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lean_core.bus import messages as m
from lean_core.enums import AccountType


def initialized(
    start_ns: int,
    end_ns: int,
    subscriptions: list[m.SubscriptionSpec] | None = None,
    **fields: Any,
) -> m.AlgorithmInitialized:
    """Return a New York, USD, $100,000 margin-account run from `start_ns` to `end_ns` (no warm-up).

    `fields` override any other field of the message.
    """
    defaults: dict[str, Any] = {
        "run_id": "r",
        "name": "test",
        "warmup_start_ns": start_ns,
        "time_zone": "America/New_York",
        "account_currency": "USD",
        "starting_cash": Decimal(100000),
        "account_type": AccountType.MARGIN,
        "brokerage": "Default",
        "trading_days_per_year": 252,
        "securities": [],
    }
    return m.AlgorithmInitialized(
        start_ns=start_ns, end_ns=end_ns, subscriptions=subscriptions or [], **{**defaults, **fields}
    )
