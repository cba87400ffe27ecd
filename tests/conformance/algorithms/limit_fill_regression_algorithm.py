# Re-creation of LEAN's LimitFillRegressionAlgorithm: on every round hour place a 10-share SPY
# limit order at the current price, buying during the first two days and selling afterwards.
from AlgorithmImports import *


class LimitFillRegressionAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 11)
        self.set_cash(100000)
        self.add_equity("SPY", Resolution.SECOND)

    def on_data(self, data):
        if not data.contains_key("SPY"):
            return
        if self.time.minute != 0 or self.time.second != 0:
            return
        direction = 1 if self.time < self.start_date + timedelta(days=2) else -1
        self.limit_order("SPY", 10 * direction, data["SPY"].price)

    def on_order_event(self, order_event):
        self.debug(str(order_event))
