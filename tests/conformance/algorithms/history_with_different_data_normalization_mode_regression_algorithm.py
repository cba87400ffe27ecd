# Re-creation of LEAN's HistoryWithDifferentDataNormalizationModeRegressionAlgorithm: at the end, daily
# history of AAPL (raw, adjusted, split-adjusted) and of the ES continuous future (raw and three
# back-adjusted modes) must give the same number of bars per mode and a different close per mode at
# every bar.
from AlgorithmImports import *


class HistoryWithDifferentDataNormalizationModeRegressionAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2014, 1, 1)
        self.aapl = self.add_equity("AAPL", Resolution.DAILY).symbol
        self.es = self.add_future(Futures.Indices.SP_500_E_MINI, Resolution.DAILY).symbol

    def on_end_of_algorithm(self):
        equity_modes = [
            DataNormalizationMode.RAW,
            DataNormalizationMode.ADJUSTED,
            DataNormalizationMode.SPLIT_ADJUSTED,
        ]
        self.check_modes(self.aapl, equity_modes)
        future_modes = [
            DataNormalizationMode.RAW,
            DataNormalizationMode.BACKWARDS_RATIO,
            DataNormalizationMode.BACKWARDS_PANAMA_CANAL,
            DataNormalizationMode.FORWARD_PANAMA_CANAL,
        ]
        self.check_modes(self.es, future_modes)

    def check_modes(self, symbol, modes):
        closes = []
        for mode in modes:
            history = self.history(
                [symbol], self.start_date, self.end_date, Resolution.DAILY, data_normalization_mode=mode
            )
            if history.index.nlevels == 3:  # futures add an expiry level in front
                history = history.droplevel(0)
            closes.append(history.loc[symbol]["close"])

        if any(len(series) == 0 or len(series) != len(closes[0]) for series in closes):
            raise AssertionError(f"history of {symbol} has different bar counts per mode")
        for position in range(len(closes[0])):
            if len({series.iloc[position] for series in closes}) != len(modes):
                raise AssertionError(f"history of {symbol} repeats a close across modes at bar {position}")
