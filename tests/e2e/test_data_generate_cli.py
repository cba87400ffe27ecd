"""The installed `leanbus data generate` and `leanbus data show` commands, run as a user runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

LEANBUS = Path(sys.executable).with_name("leanbus")


def leanbus(*args: str) -> subprocess.CompletedProcess[str]:
    if not LEANBUS.exists():
        pytest.skip(f"the leanbus console script is not installed beside {sys.executable}")
    return subprocess.run([str(LEANBUS), *args], capture_output=True, text=True, timeout=120, check=False)


def generate(folder: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return leanbus(
        "data", "generate", "--start", "20240102", "--end", "20240103", "--tickers", "SPY",
        "--resolution", "minute", "--data-folder", str(folder), *extra,
    )  # fmt: skip


def test_generate_then_show_prints_the_first_bars_in_exchange_time(tmp_path: Path) -> None:
    generated = generate(tmp_path, "--seed", "1")
    assert generated.returncode == 0, generated.stderr
    assert "SPY" in generated.stdout and "2 days" in generated.stdout
    assert (tmp_path / "equity/usa/minute/spy/20240102_trade.zip").is_file()
    assert (tmp_path / "market-hours/market-hours-database.json").is_file()

    shown = leanbus(
        "data", "show", "--data-folder", str(tmp_path), "--ticker", "SPY", "--date", "20240102", "--rows", "3"
    )
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[1].split() == ["time", "open", "high", "low", "close", "volume"]
    assert [line.split()[:2] for line in lines[2:]] == [
        ["2024-01-02", f"04:0{minute}:00"] for minute in range(3)
    ]


def test_show_reads_quotes_and_daily_bars(tmp_path: Path) -> None:
    assert generate(tmp_path, "--seed", "2").returncode == 0
    quotes = leanbus(
        "data", "show", "--data-folder", str(tmp_path), "--ticker", "SPY", "--tick-type", "quote"
    )
    assert quotes.returncode == 0 and "bid_close" in quotes.stdout.splitlines()[1]
    daily = leanbus(
        "data", "show", "--data-folder", str(tmp_path), "--ticker", "spy", "--resolution", "Daily"
    )
    assert daily.returncode == 0 and len(daily.stdout.splitlines()) == 4


def test_random_seed_is_an_alias_of_seed_and_gives_identical_files(tmp_path: Path) -> None:
    assert generate(tmp_path / "a", "--seed", "5").returncode == 0
    assert generate(tmp_path / "b", "--random-seed", "5").returncode == 0
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.zip"))
    assert files and all(
        (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files
    )


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["data", "generate", "--start", "2024-01-02"], "--start"),
        (["data", "generate", "--start", "20240105", "--end", "20240102"], "--end"),
        (["data", "generate", "--start", "20240102", "--security-type", "bond"], "--security-type"),
        (["data", "generate", "--start", "20240102", "--security-type", "future"], "--security-type"),
        (["data", "show", "--data-folder", "/no/such/folder", "--ticker", "SPY"], "--data-folder"),
    ],
)
def test_bad_options_print_one_line_naming_the_option_and_exit_2(args: list[str], option: str) -> None:
    result = leanbus(*args)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and option in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
