# Re-creation of LEAN's LimitIfTouchedRegressionAlgorithm: keep one 10-share SPY limit-if-touched
# order open (buying before the 9th, selling from then on), shrink it by one share and round its
# trigger price to five significant digits on every bar, and cancel it once one share is left.
import math
from collections import deque
from decimal import ROUND_HALF_EVEN, Decimal

from AlgorithmImports import *


def round_significant(value, digits):
    """Round like LEAN's RoundToSignificantDigits (banker's rounding on the scaled decimal)."""
    value = Decimal(str(value))
    if value == 0:
        return 0.0
    scale = Decimal(10) ** (math.floor(math.log10(abs(float(value)))) + 1)
    return float(scale * (value / scale).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN))


class LimitIfTouchedRegressionAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 11)
        self.set_cash(100000)
        self.add_equity("SPY")

        self._direction = 1
        self._ticket = None
        # (time, fill price, limit price, trigger price) of the fills LEAN reports
        self._expected_fills = deque(
            [
                ("10/10/2013 13:31:00", 144.6434, 144.3551, 143.61),
                ("10/10/2013 15:57:00", 145.6636, 145.6434, 144.89),
                ("10/11/2013 15:37:00", 146.7185, 146.6723, 145.92),
            ]
        )

    def on_data(self, data):
        if not data.contains_key("SPY"):
            return

        if len(self.transactions.get_open_orders()) == 0:
            self._direction = 1 if self.time.day < 9 else -1
            price = data["SPY"].price
            quantity = 10 * self._direction
            self._ticket = self.limit_if_touched_order(
                "SPY",
                quantity,
                trigger_price=price - 0.25 * self._direction,
                limit_price=price - self._direction,
                tag=f"LIT - Quantity: {quantity}",
            )
            return

        if self._ticket is None:
            return
        if self._ticket.quantity == 1:
            self.transactions.cancel_open_orders()
            self._ticket = None
            return

        quantity = int(self._ticket.quantity - self._direction)
        self._ticket.update_quantity(quantity, f"LIT - Quantity: {quantity}")
        self._ticket.update_trigger_price(round_significant(self._ticket.get("TRIGGER_PRICE"), 5))

    def on_order_event(self, order_event):
        if order_event.status != OrderStatus.FILLED:
            return
        expected_time, fill, limit, trigger = self._expected_fills.popleft()
        actual = (
            order_event.utc_time.strftime("%m/%d/%Y %H:%M:%S"),
            round(float(order_event.fill_price), 4),
            round(float(order_event.limit_price), 4),
            round(float(order_event.trigger_price), 4),
        )
        if actual != (expected_time, fill, limit, trigger):
            raise AssertionError(f"fill {actual} differs from LEAN's {(expected_time, fill, limit, trigger)}")
