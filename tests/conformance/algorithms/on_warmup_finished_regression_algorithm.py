# Re-creation of LEAN's OnWarmupFinishedRegressionAlgorithm: a one-day time warm-up must
# call on_warmup_finished exactly once; no trades.
from AlgorithmImports import *


class OnWarmupFinishedRegressionAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2013, 10, 8)
        self.set_end_date(2013, 10, 11)
        self.set_cash(100000)
        self.add_equity("SPY", Resolution.MINUTE)
        self.set_warmup(timedelta(days=1))
        self._warmup_finished_calls = 0

    def on_warmup_finished(self):
        self._warmup_finished_calls += 1

    def on_end_of_algorithm(self):
        if self._warmup_finished_calls != 1:
            raise AssertionError(f"on_warmup_finished ran {self._warmup_finished_calls} times, expected once")
