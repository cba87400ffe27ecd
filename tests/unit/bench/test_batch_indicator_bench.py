"""The batch indicator bench's smoke run: a row per indicator, kernels checked against streaming."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from bench.batch_indicator_bench import _cases, _kernel, _published, main
from lean_core.indicators import SimpleMovingAverage


def test_quick_bench_prints_a_row_per_indicator(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["--data-folder", str(tmp_path), "--rounds", "1", "--bars", "3000"])

    lines = capsys.readouterr().out.splitlines()
    rows = [line.split()[0] for line in lines[2:] if not line.startswith("TA-Lib is not")]
    assert rows == [case.name for case in _cases()]
    assert lines[2].split()[0] == "SMA(10)"
    assert len(lines[2].split()) >= 4  # streaming, batch kernel and batch path rates at least


def test_kernel_timing_carries_state_across_data_batches() -> None:
    case = next(case for case in _cases() if case.name == "SMA(10)")
    inputs = 100.0 + np.sin(np.arange(5000.0))
    streamed = SimpleMovingAverage(10)
    expected = []
    for index, value in enumerate(inputs.tolist()):
        streamed.update(datetime(2023, 1, 3, 9, 31) + timedelta(minutes=index), value)
        expected.append(streamed.current.value)

    assert _published(_kernel(case, inputs)) == expected


def _indicator_series(case_name: str, columns: dict[str, np.ndarray]) -> list[list[float]]:
    """Stream the case's indicator over bars of the columns; return what TA-Lib's peer returns, row by row."""
    from lean_core.data.bars import TradeBar
    from lean_core.enums import Market, SecurityType
    from lean_core.symbols import Symbol

    case = next(case for case in _cases() if case.name == case_name)
    indicator = case.create()
    symbol = Symbol.create("SPY", SecurityType.EQUITY, Market.USA)
    rows = []
    start = datetime(2023, 1, 3, 9, 30)
    for index, (high, low, close) in enumerate(
        zip(columns["high"].tolist(), columns["low"].tolist(), columns["close"].tolist(), strict=True)
    ):
        begin = start + timedelta(minutes=index)
        end = begin + timedelta(minutes=1)
        indicator.update(TradeBar(symbol, begin, end, close, high, low, close, 100.0))
        rows.append(_published_row(case_name, indicator))
    return rows


def _published_row(case_name: str, indicator: object) -> list[float]:
    current = indicator.current.value  # type: ignore[attr-defined]
    if case_name == "BB(20,2)":
        parts = ("upper_band", "middle_band", "lower_band", "band_width", "percent_b")
        return [getattr(indicator, part).current.value for part in parts]
    if case_name in ("MAX(20)", "MIN(20)"):
        since = "periods_since_maximum" if case_name == "MAX(20)" else "periods_since_minimum"
        return [current, float(getattr(indicator, since))]
    return [current, indicator.true_range.current.value]  # type: ignore[attr-defined]


@pytest.mark.parametrize("case_name", ["BB(20,2)", "MAX(20)", "MIN(20)", "ATR(14)"])
def test_the_talib_peer_computes_the_values_the_indicator_publishes(case_name: str) -> None:
    talib = pytest.importorskip("talib")  # a bench extra: `make bench` installs it
    rng = np.random.default_rng(7)
    # unrounded prices: no ties, where TA-Lib's index of the extreme is the oldest and LEAN's the newest
    close = 100.0 + np.cumsum(rng.normal(0.0, 0.05, 600))
    columns = {"close": close, "high": close + 0.03, "low": close - 0.04}
    case = next(case for case in _cases() if case.name == case_name)

    peer = np.column_stack([np.asarray(column, dtype=np.float64) for column in case.talib(talib, columns)])
    ours = np.array(_indicator_series(case_name, columns))

    # past every warm-up, and past the seed of an ATR's average, which TA-Lib takes its own way
    settled = slice(400, None)
    np.testing.assert_allclose(peer[settled], ours[settled], rtol=1e-9, atol=1e-9)
