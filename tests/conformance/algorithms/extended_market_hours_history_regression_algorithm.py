# Re-creation of LEAN's ExtendedMarketHoursHistoryRegressionAlgorithm: SPY minute bars with extended
# hours and no fill-forward; every hour a 5-bar history at the resolution the clock allows (minute in
# regular hours, hour in pre/post market, daily while closed) must hold exactly 5 bars.
from AlgorithmImports import *


class ExtendedMarketHoursHistoryRegressionAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 9)
        self.set_cash(100000)
        self.add_equity("SPY", Resolution.MINUTE, extended_market_hours=True, fill_forward=False)
        self.minute_calls = 0
        self.hour_calls = 0
        self.daily_calls = 0
        every_hour = self.time_rules.every(timedelta(hours=1))
        self.schedule.on(self.date_rules.every_day(), every_hour, self.check_history)

    def check_history(self):
        spy = self.securities["SPY"]
        hours = spy.exchange.hours
        regular = hours.is_open(self.time, False)
        extended = not regular and hours.is_open(self.time, True)
        if regular:
            self.minute_calls += 1
            self.expect_bars(spy.symbol, Resolution.MINUTE)
        elif extended:
            self.hour_calls += 1
            self.expect_bars(spy.symbol, Resolution.HOUR)
        else:
            self.daily_calls += 1
            self.expect_bars(spy.symbol, Resolution.DAILY)

    def expect_bars(self, symbol, resolution):
        count = len(self.history(TradeBar, symbol, 5, resolution).index)
        if count != 5:
            raise AssertionError(f"{resolution.name} history at {self.time} has {count} bars, not 5")

    def on_data(self, data):
        if not self.portfolio.invested:
            self.set_holdings("SPY", 1)

    def on_end_of_algorithm(self):
        # Three days: 6 regular-hours checks a day, 10 in pre/post market (4-9am, 4-8pm), and the
        # closed hours (midnight-3am and 8-11pm, the last day stopping at 8pm).
        expected = {"minute": 3 * 6, "hour": 3 * 10, "daily": 2 * 8 + 5}
        actual = {"minute": self.minute_calls, "hour": self.hour_calls, "daily": self.daily_calls}
        if actual != expected:
            raise AssertionError(f"history calls per resolution {actual}, expected {expected}")
