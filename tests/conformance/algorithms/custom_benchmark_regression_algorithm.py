# Re-creation of LEAN's CustomBenchmarkRegressionAlgorithm (C# only in LEAN): AAPL hourly bought with
# the whole portfolio, with AAPL as the benchmark, beside a custom data type on the same ticker whose
# local source does not exist (so it never delivers a point).
from AlgorithmImports import *


class CustomBenchmarkRegressionAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 11)

        self.add_equity("AAPL", Resolution.HOUR)
        self.add_data(DummyCustomData, "AAPL")

        # the ticker names the equity, not the custom data
        self.set_benchmark("AAPL")

    def on_data(self, data):
        if not self.portfolio.invested:
            self.set_holdings("AAPL", 1)
            self.debug("Purchased Stock")


class DummyCustomData(PythonData):
    def get_source(self, config, date, is_live_mode):
        return SubscriptionDataSource("NonExistingFile", SubscriptionTransportMedium.LOCAL_FILE)

    def reader(self, config, line, date, is_live_mode):
        return None
