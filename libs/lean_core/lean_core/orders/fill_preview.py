"""What would a resting order's fill model do at this time? Its answer, on a copy of the order.

The algorithm handler runs each resting order's own fill model on a copy, against the same prices
the transaction handler holds, before it asks the transaction handler to scan:
- nothing happens: a scan would change nothing, so there is none to ask for;
- the order only triggers or trails: the algorithm already knows the order's new state, so it
  applies it to its own copy and tells the transaction handler to do the same, without waiting
  for an answer (the transaction handler checks that its scan agrees);
- the order fills (or the model fails): only the transaction handler can settle that (buying
  power, fees, the portfolio), so the algorithm waits for its answer.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime

from lean_core.enums import OrderStatus
from lean_core.orders.orders import Order
from lean_core.securities.security import Security

__all__ = ["RestingOrderPreview", "preview_resting_order"]

_FILLED = (OrderStatus.FILLED, OrderStatus.PARTIALLY_FILLED)


@dataclass(frozen=True, slots=True)
class RestingOrderPreview:
    """What a scan at one time would do to one resting order."""

    needs_scan: bool
    """The order would fill, or its model failed: only the transaction handler's scan can say how."""
    updated: Order | None = None
    """The order as its model left it, when it triggered or trailed without filling."""


_NOTHING = RestingOrderPreview(needs_scan=False)


def preview_resting_order(security: Security, order: Order, utc_time: datetime) -> RestingOrderPreview:
    """Run the order's fill model on a copy at `utc_time`; the order itself is left alone."""
    updated: list[Order] = []
    probe = copy.copy(order)
    try:
        fill = security.fill_model.fill(security, probe, utc_time, on_order_updated=updated.append)
    except ValueError:
        return RestingOrderPreview(needs_scan=True)  # the transaction handler logs the model's failure
    if fill is not None and fill.status in _FILLED:
        return RestingOrderPreview(needs_scan=True)
    return RestingOrderPreview(needs_scan=False, updated=probe) if updated else _NOTHING
