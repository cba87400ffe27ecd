# Re-creation of LEAN's SecurityToSymbolRegressionAlgorithm: a daily scheduled event,
# keyed by the Security object rather than its Symbol, buys SPY one minute after the open.
from AlgorithmImports import *


class SecurityToSymbolRegressionAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 11)
        spy = self.add_equity("SPY", Resolution.MINUTE)
        self._spy = spy
        self.schedule.on(
            self.date_rules.every_day(spy), self.time_rules.after_market_open(spy, 1), self._buy_once
        )

    def _buy_once(self):
        if not self.portfolio.invested:
            self.set_holdings(self._spy, 1)
