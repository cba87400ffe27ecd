"""QCAlgorithm's indicator helpers: LEAN's names, and indicators kept current from the subscription."""

from __future__ import annotations

from collections import deque
from pathlib import Path
from typing import Any

import pytest

from lean_core.algorithm.qc_algorithm import QCAlgorithm
from lean_core.engine.embedded import BacktestRun
from lean_core.enums import Resolution
from lean_core.indicators import (
    AverageDirectionalIndex,
    IchimokuKinkoHyo,
    IndicatorBase,
    KaufmanAdaptiveMovingAverage,
    PythonIndicator,
    Stochastic,
    VolumeWeightedAveragePriceIndicator,
)

pytestmark = pytest.mark.lean_data


class PythonMean(PythonIndicator):
    """A mean of the last `period` closes written as an algorithm would write it."""

    def __init__(self, period: int) -> None:
        super().__init__("python mean")
        self.closes: deque[float] = deque(maxlen=period)

    def update(self, input: Any) -> bool:
        self.closes.append(input.value)
        self.value = sum(self.closes) / len(self.closes)
        return len(self.closes) == self.closes.maxlen


class HelperAlgorithm(QCAlgorithm):
    """Creates indicators through the helpers and, beside each, a twin it feeds by hand."""

    def initialize(self) -> None:
        self.set_start_date(2013, 10, 1)
        self.set_end_date(2013, 11, 15)
        self.spy = self.add_equity("SPY", Resolution.DAILY).symbol
        self.eurusd = self.add_forex("EURUSD", Resolution.HOUR).symbol
        self.helpers: dict[str, IndicatorBase[Any]] = {
            "sto": self.sto(self.spy, 14),
            "adx": self.adx(self.spy, 14),
            "kama": self.kama(self.spy, 10),
            "ichimoku": self.ichimoku(self.spy, 9, 26, 26, 52, 26, 26),
            "vwap": self.vwap(self.spy, 10),
            "high_sma": self.sma(self.spy, 5, selector=lambda bar: bar.high),
            "forex_adx": self.adx(self.eurusd, 14),
            "close_max": self.max(self.spy, 3, Resolution.DAILY),
            "custom": PythonMean(5),
        }
        self.register_indicator(self.spy, self.helpers["custom"], Resolution.DAILY)
        self.twins: dict[str, IndicatorBase[Any]] = {
            "sto": Stochastic(14, 14, 3),
            "adx": AverageDirectionalIndex(14),
            "kama": KaufmanAdaptiveMovingAverage(10),
            "ichimoku": IchimokuKinkoHyo(9, 26, 26, 52, 26, 26),
            "vwap": VolumeWeightedAveragePriceIndicator(10),
            "custom": PythonMean(5),
        }
        self.differences: list[str] = []
        self.bars: list[Any] = []

    def on_data(self, data: Any) -> None:
        bar = data.bars.get(self.spy)
        if bar is None:
            return
        self.bars.append(bar)
        for key, twin in self.twins.items():
            twin.update(bar)
            if twin.current.value != self.helpers[key].current.value:
                self.differences.append(f"{key} at {bar.end_time}")


@pytest.fixture(scope="module")
def algorithm(lean_data_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> HelperAlgorithm:
    algorithm = HelperAlgorithm()
    result = BacktestRun(
        algorithm, data_folder=lean_data_folder, output_folder=tmp_path_factory.mktemp("out")
    ).run()
    assert result.status == "Completed", result.error
    return algorithm


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("sto", "STO(14,14,3,SPY_day)"),
        ("adx", "ADX(14,SPY_day)"),
        ("kama", "KAMA(10,2,30,SPY_day)"),
        ("ichimoku", "ICHIMOKU(9,26,26,52,26,26,SPY_day)"),
        ("vwap", "VWAP(10,SPY_day)"),
        ("forex_adx", "ADX(14,EURUSD_hr)"),
    ],
)
def test_helpers_name_indicators_as_lean_does(algorithm: HelperAlgorithm, key: str, name: str) -> None:
    assert algorithm.helpers[key].name == name


def test_helper_and_registered_indicators_follow_the_subscription_bar_by_bar(
    algorithm: HelperAlgorithm,
) -> None:
    assert algorithm.differences == []
    assert all(algorithm.helpers[key].is_ready for key in ("sto", "adx", "kama", "vwap", "custom"))


def test_a_selector_picks_the_value_a_price_indicator_takes(algorithm: HelperAlgorithm) -> None:
    highs = [bar.high for bar in algorithm.bars[-5:]]

    assert algorithm.helpers["high_sma"].current.value == pytest.approx(sum(highs) / 5)


def test_without_a_selector_a_price_indicator_takes_the_close(algorithm: HelperAlgorithm) -> None:
    closes = [bar.close for bar in algorithm.bars[-3:]]

    assert algorithm.helpers["close_max"].current.value == max(closes)


def test_bar_indicators_take_quote_bars_from_a_forex_subscription(algorithm: HelperAlgorithm) -> None:
    forex_adx = algorithm.helpers["forex_adx"]

    assert forex_adx.is_ready
    assert 0 < forex_adx.current.value < 100


def test_create_indicator_name_replaces_the_joint_parenthesis(algorithm: HelperAlgorithm) -> None:
    assert algorithm.create_indicator_name(algorithm.spy, "SMA(5)", Resolution.MINUTE) == "SMA(5,SPY_min)"
    assert algorithm.create_indicator_name(algorithm.spy, "OBV", None) == "OBV(SPY_day)"
