"""The indicator bench's smoke run, and its peer computing the values leanbus computes."""

from __future__ import annotations

import pytest

from bench.indicator_bench import CASES, _closes, _ema, _rolling_means, _rsi, _slices, leanbus_run, main


def test_the_peer_loops_end_on_leanbus_s_values() -> None:
    closes = _closes(500)
    slices = _slices(closes)
    peers = {
        "SMA(10)+SMA(30)": list(zip(_rolling_means(closes, 10), _rolling_means(closes, 30), strict=True))[-1],
        "EMA(10)": (list(_ema(closes, 10))[-1],),
        "RSI(14)": (list(_rsi(closes, 14))[-1],),
    }
    for case in CASES:
        assert leanbus_run(case, slices)[1] == pytest.approx(list(peers[case]), rel=1e-9)


def test_quick_bench_prints_a_ratio_per_case(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--bars", "300", "--rounds", "1"])

    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[1:]] == [case.split()[0] for case in CASES]
    assert all(line.split()[3].endswith("x") for line in lines[1:])
