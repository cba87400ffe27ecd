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
