# Re-creation of LEAN's Python BasicTemplateForexAlgorithm: three currency pairs at minute
# resolution, bulk history requests (no symbols: every security) in initialize, prices logged.
from AlgorithmImports import *


class BasicTemplateForexAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_cash(100000)
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 11)

        for pair in ("EURUSD", "GBPUSD", "EURGBP"):
            self.add_forex(pair, Resolution.MINUTE)

        # Without symbols, history covers every security and comes back as slices.
        self.daily_history = self.history(5, Resolution.DAILY)
        self.hour_history = self.history(5, Resolution.HOUR)
        self.minute_history = self.history(5, Resolution.MINUTE)
        recent = self.history(TimeSpan.from_seconds(5), Resolution.SECOND)

        for data in sorted(recent, key=lambda s: s.time):
            for symbol in data.keys():  # noqa: SIM118 - a Slice, as LEAN writes it
                self.log(f"{symbol.value}: {data.time} > {data[symbol].value}")

    def on_data(self, data):
        for symbol in data.keys():  # noqa: SIM118 - a Slice, as LEAN writes it
            self.log(f"{symbol.value}: {data.time} > {data[symbol].value}")
