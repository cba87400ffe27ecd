# Re-creation of LEAN's DailyResolutionVsTimeSpanRegressionAlgorithm: two RSIs on SPY, one fed daily
# bars (ending at the 4pm close) and one fed 24-hour bars (ending at midnight), both warmed up from
# 20 daily trade bars of history; each update checks the two stay one bar apart.
from AlgorithmImports import *


class DailyResolutionVsTimeSpanRegressionAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2013, 1, 1)
        self.set_end_date(2013, 1, 5)
        self.spy = self.add_equity("SPY", Resolution.HOUR).symbol
        self.settings.daily_precise_end_time = True

        self.rsi_close = RelativeStrengthIndex(14, MovingAverageType.WILDERS)
        self.register_indicator(self.spy, self.rsi_close, Resolution.DAILY)
        self.rsi_midnight = RelativeStrengthIndex(14, MovingAverageType.WILDERS)
        self.register_indicator(self.spy, self.rsi_midnight, timedelta(days=1))

        history = self.history(TradeBar, self.spy, 20, Resolution.DAILY)
        for end_time, bar in history.loc[self.spy].iterrows():
            self.rsi_close.update(end_time, bar["close"])
            self.rsi_midnight.update(end_time, bar["close"])
        if not self.rsi_close.is_ready or not self.rsi_midnight.is_ready:
            raise AssertionError("Indicators not ready.")

        self.rsi_close.updated += self.on_close_rsi_updated
        self.rsi_midnight.updated += self.on_midnight_rsi_updated

    def on_close_rsi_updated(self, sender, point):
        if self.time.time() != time(16, 0):
            raise AssertionError(f"the daily RSI must update at 4 PM, not at {self.time}")
        if self.rsi_close.samples - 1 != self.rsi_midnight.samples:
            raise AssertionError("the daily RSI must be one sample ahead of the 24-hour RSI")
        if self.rsi_close.previous.value != self.rsi_midnight.current.value:
            raise AssertionError("the daily RSI's previous value must be the 24-hour RSI's value")
        if self.rsi_close.current.value == self.rsi_midnight.current.value:
            raise AssertionError("the two RSIs must differ right after the daily update")

    def on_midnight_rsi_updated(self, sender, point):
        if self.time.time() != time(0, 0):
            raise AssertionError(f"the 24-hour RSI must update at midnight, not at {self.time}")
        if self.rsi_close.samples != self.rsi_midnight.samples:
            raise AssertionError("the two RSIs must have the same number of samples at midnight")
        if self.rsi_close.current.value != self.rsi_midnight.current.value:
            raise AssertionError("the two RSIs must agree at midnight")

    def on_end_of_algorithm(self):
        if self.rsi_close.samples <= 20:
            raise AssertionError("The number of samples must be greater than 20")
