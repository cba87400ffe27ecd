"""The engine's batch path: helper indicators over a year of generated minute data, against streaming twins.

Each helper indicator (`self.sma(...)` and the rest) takes the batch path; its twin, the same class
registered with `register_indicator`, streams through its consolidator. Both see the same bars in
the same run, and every value each publishes (its own and its parts') must be the same, in order.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from lean_core.algorithm.qc_algorithm import QCAlgorithm
from lean_core.data.synthetic import GeneratorSettings
from lean_core.data.synthetic_folder import generate_data_folder
from lean_core.engine.embedded import BacktestRun
from lean_core.enums import Resolution, SecurityType
from lean_core.indicators import IndicatorBase, MovingAverageType
from lean_core.indicators.batch import IndicatorBatch, adapter_for

Events = list[tuple[str, Any, float]]

# helper name, its arguments after the symbol
HELPERS: list[tuple[str, tuple[Any, ...]]] = [
    ("sma", (10,)),
    ("sma", (30,)),
    ("ema", (10,)),
    ("sum", (7,)),
    ("rsi", (14,)),
    ("macd", (12, 26, 9)),
    ("mom", (10,)),
    ("roc", (10,)),
    ("lwma", (10,)),
    ("std", (20,)),
    ("bb", (20, 2)),
    # a bar indicator; the helper's average defaults to a simple one (as LEAN's), the class's to
    # Wilder's: named, so the twin takes the same
    ("atr", (14, MovingAverageType.WILDERS)),
    ("max", (20,)),
    ("min", (20,)),
]


def _parts(indicator: IndicatorBase[Any]) -> dict[str, IndicatorBase[Any]]:
    """Return the indicator and the indicators it holds as attributes (bands, averages...), by name."""
    parts = {"": indicator}
    for kind in type(indicator).__mro__:
        for name in getattr(kind, "__slots__", ()):
            value = getattr(indicator, name, None)
            if isinstance(value, IndicatorBase):
                parts[name] = value
    return parts


def _record(indicator: IndicatorBase[Any], events: Events) -> None:
    for name, part in _parts(indicator).items():
        part.updated += _recorder(name, events)


def _recorder(name: str, events: Events) -> Callable[[Any, Any], None]:
    return lambda sender, point: events.append((name, point.time, point.value))


class TwinsAlgorithm(QCAlgorithm):
    """Helper indicators and their streaming twins on one symbol, recording every published value."""

    def initialize(self) -> None:
        self.set_start_date(2023, 1, 3)
        self.set_end_date(2023, 12, 29)
        self.set_cash(100_000)
        self._add_twins(HELPERS, warm_up=False)

    def _add_twins(self, helpers: list[tuple[str, tuple[Any, ...]]], *, warm_up: bool) -> None:
        """Make each helper's indicator and its registered twin on SPY, recording what both publish.

        With `warm_up`, both take history first: the batch path goes on from that state.
        """
        symbol = self.add_equity("SPY", Resolution.MINUTE).symbol
        self.pairs: list[tuple[IndicatorBase[Any], IndicatorBase[Any], Events, Events]] = []
        for helper, arguments in helpers:
            batched = getattr(self, helper)(symbol, *arguments)
            twin = type(batched)(*arguments)
            self.register_indicator(symbol, twin)
            if warm_up:
                for indicator in (batched, twin):
                    self.warm_up_indicator(symbol, indicator)
            batched_events: Events = []
            twin_events: Events = []
            _record(batched, batched_events)
            _record(twin, twin_events)
            self.pairs.append((batched, twin, batched_events, twin_events))
        self.steps_in_batch_mode = 0

    def on_data(self, data: Any) -> None:
        if isinstance(self.pairs[0][0]._batch, IndicatorBatch):
            self.steps_in_batch_mode += 1


@pytest.fixture(scope="module")
def year_run(tmp_path_factory: pytest.TempPathFactory) -> TwinsAlgorithm:
    folder = tmp_path_factory.mktemp("year")
    settings = GeneratorSettings(
        start=date(2023, 1, 3), end=date(2023, 12, 29), security_type=SecurityType.EQUITY,
        market="usa", seed=11, tickers=("SPY",),
    )  # fmt: skip
    generate_data_folder(settings, folder)
    algorithm = TwinsAlgorithm()
    result = BacktestRun(algorithm, data_folder=folder, output_folder=folder / "out").run()
    assert result.status == "Completed", result.error
    return algorithm


def test_every_helper_with_a_kernel_took_the_batch_path(year_run: TwinsAlgorithm) -> None:
    assert all(adapter_for(batched) is not None for batched, *_ in year_run.pairs)
    assert year_run.steps_in_batch_mode > 90_000  # a year of regular-session minutes: 97,110 bars


@pytest.mark.parametrize("index", range(len(HELPERS)), ids=[f"{name}{args}" for name, args in HELPERS])
def test_batch_and_streaming_publish_the_same_values_all_year(year_run: TwinsAlgorithm, index: int) -> None:
    batched, twin, batched_events, twin_events = year_run.pairs[index]

    assert len(batched_events) > 90_000
    assert batched_events == twin_events
    assert batched.samples == twin.samples
    assert [point.value for point in batched.window] == [point.value for point in twin.window]


class WarmedUpTwinsAlgorithm(TwinsAlgorithm):
    """Helper indicators warmed up by history and by the algorithm's warm-up, with streaming twins."""

    def initialize(self) -> None:
        self.set_start_date(2013, 10, 8)
        self.set_end_date(2013, 10, 10)
        self.set_warm_up(200)
        self._add_twins([("sma", (20,)), ("rsi", (14,)), ("bb", (20, 2))], warm_up=True)


def test_indicators_warmed_up_by_history_go_on_through_the_batch_path_as_streaming(
    lean_data_folder: Path, tmp_path: Path
) -> None:
    algorithm = WarmedUpTwinsAlgorithm()

    result = BacktestRun(
        algorithm, data_folder=lean_data_folder, output_folder=tmp_path, batch_steps=97
    ).run()

    assert result.status == "Completed", result.error
    assert algorithm.steps_in_batch_mode > 1000  # of 1,170 minutes: all but the warm-up the history covered
    for batched, twin, batched_events, twin_events in algorithm.pairs:
        assert batched_events == twin_events, batched.name
        assert batched.samples == twin.samples > 1000
