"""Would a resting order fill, trigger or trail at this time? The fill model's answer, on a copy.

The algorithm handler asks the transaction handler to scan resting orders at a time step only when
something can happen to one of them there. It knows by running each order's own fill model on a
copy of the order against the same prices the transaction handler holds: a scan at a step where no
model fills, triggers or trails anything changes nothing, so skipping its round trip cannot change a
result. (The buying-power check the transaction handler adds only ever follows a fill.)
"""

from __future__ import annotations

import copy
from datetime import datetime

from lean_core.enums import OrderStatus
from lean_core.orders.orders import Order
from lean_core.securities.security import Security

__all__ = ["may_change_at"]

_FILLED = (OrderStatus.FILLED, OrderStatus.PARTIALLY_FILLED)


def may_change_at(security: Security, order: Order, utc_time: datetime) -> bool:
    """Tell whether the order's fill model would fill it or update it (trigger, trail) at `utc_time`."""
    updated: list[Order] = []
    try:
        fill = security.fill_model.fill(security, copy.copy(order), utc_time, on_order_updated=updated.append)
    except ValueError:
        return True  # the transaction handler logs the model's failure: let it see this step
    return bool(updated) or (fill is not None and fill.status in _FILLED)
