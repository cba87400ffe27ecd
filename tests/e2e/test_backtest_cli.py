"""`leanbus backtest` as a user runs it: a LEAN-style algorithm file, a data folder, result files."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from services.common.garbage_collection import ENGINE_THRESHOLDS
from tests.conformance.regression import ALGORITHMS

EXAMPLE = Path(__file__).parents[2] / "examples" / "buy_and_hold.py"


def _leanbus(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "services.launcher.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=240, check=False)


def _generated_minutes(data: Path, end: str, tickers: str, *, seed: int) -> Path:
    """Return a folder of `leanbus data generate` minute data from 2024-01-02 to `end`."""
    generated = _leanbus(
        "data", "generate", "--start", "20240102", "--end", end, "--tickers", tickers,
        "--resolution", "minute", "--data-folder", str(data), "--seed", str(seed),
    )  # fmt: skip
    assert generated.returncode == 0, generated.stderr
    return data


@pytest.mark.lean_data
def test_backtest_prints_lean_statistics_for_a_lean_style_file(
    lean_data_folder: Path, tmp_path: Path
) -> None:
    done = _leanbus(
        "backtest",
        str(ALGORITHMS / "basic_template_algorithm.py"),
        "--data-folder",
        str(lean_data_folder),
        "--output",
        str(tmp_path),
    )

    assert done.returncode == 0, done.stderr
    assert "End Equity" in done.stdout and "101691.92" in done.stdout
    assert "3da9fa60bf95b9ed148b95e02e0cfc9e" in done.stdout
    assert list(tmp_path.glob("*-summary.json"))


def test_backtest_of_the_example_on_generated_data(tmp_path: Path) -> None:
    data = _generated_minutes(tmp_path / "data", "20240105", "SPY", seed=1)

    done = _leanbus("backtest", str(EXAMPLE), "--data-folder", str(data), "--output", str(tmp_path / "out"))

    assert done.returncode == 0, done.stderr + done.stdout
    assert "STATISTICS:: status Completed" in done.stdout
    assert "OrderListHash" in done.stdout


def _result(out: Path) -> dict[str, object]:
    (result,) = (
        f for f in out.glob("*.json") if not f.name.endswith(("-summary.json", "-order-events.json"))
    )
    loaded: dict[str, object] = json.loads(result.read_text())
    return loaded


def test_reading_ahead_in_a_worker_process_changes_no_result(tmp_path: Path) -> None:
    data = _generated_minutes(tmp_path / "data", "20240329", "SPY,AAPL", seed=3)
    results = {}
    for workers in ("0", "1"):
        out = tmp_path / f"workers-{workers}"
        done = _leanbus(
            "backtest", str(EXAMPLE), "--data-folder", str(data), "--output", str(out),
            "--start", "20240102", "--end", "20240329", "--read-ahead-workers", workers,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr + done.stdout
        results[workers] = _result(out)

    # Three months of minute data: several windows, the later ones read by the worker.
    for section in ("statistics", "runtimeStatistics", "charts", "orders"):
        assert results["1"][section] == results["0"][section], section


def test_a_rerun_loads_the_parsed_day_files_from_the_data_cache(tmp_path: Path) -> None:
    data = _generated_minutes(tmp_path / "data", "20240329", "SPY,AAPL", seed=3)
    cache = tmp_path / "cache"
    runs = {}
    for run, flags in (
        ("plain", []),
        ("first", ["--data-cache", str(cache)]),
        ("again", ["--data-cache", str(cache)]),
    ):
        out = tmp_path / run
        done = _leanbus(
            "backtest", str(EXAMPLE), "--data-folder", str(data), "--output", str(out),
            "--start", "20240102", "--end", "20240329", "--read-ahead-workers", "1", *flags,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr + done.stdout
        runs[run] = (done.stdout, _result(out))

    # Three months of SPY trade and quote files, several windows: the later ones read by the worker.
    files = len(list(cache.iterdir()))
    assert files > 2 * 60
    # The first run parses nearly all; it may load the few the worker kept while the engine came to
    # them too (tasks under way are not waited for). Every file is counted once either way.
    first = re.search(
        rf"data cache {re.escape(str(cache))}: (\d+) files loaded, (\d+) parsed", runs["first"][0]
    )
    assert first is not None, runs["first"][0]
    loaded, parsed = int(first[1]), int(first[2])
    assert loaded + parsed == files and parsed > files // 2
    assert f"data cache {cache}: {files} files loaded, 0 parsed" in runs["again"][0]
    for section in ("statistics", "runtimeStatistics", "charts", "orders"):
        assert runs["first"][1][section] == runs["plain"][1][section], section
        assert runs["again"][1][section] == runs["plain"][1][section], section


def test_the_backtest_process_tunes_its_collector_and_leaves_the_nats_client_out(tmp_path: Path) -> None:
    data = _generated_minutes(tmp_path / "data", "20240103", "SPY", seed=2)
    probe = tmp_path / "thresholds.py"
    probe.write_text(
        "import gc\n"
        "import sys\n"
        "from AlgorithmImports import *\n\n"
        "class Thresholds(QCAlgorithm):\n"
        "    def initialize(self):\n"
        "        self.set_start_date(2024, 1, 2)\n"
        "        self.set_end_date(2024, 1, 3)\n"
        "        self.add_equity('SPY', Resolution.MINUTE)\n"
        "        self.debug(f'thresholds {gc.get_threshold()}')\n"
        "        self.debug(f'nats loaded {\"nats\" in sys.modules}')\n"
    )

    done = _leanbus("backtest", str(probe), "--data-folder", str(data), "--output", str(tmp_path / "out"))

    assert done.returncode == 0, done.stderr + done.stdout
    log = next((tmp_path / "out").glob("*-log.txt")).read_text()
    assert f"thresholds {ENGINE_THRESHOLDS}" in log
    assert "nats loaded False" in log


def test_a_data_cache_inside_the_data_folder_is_refused(tmp_path: Path) -> None:
    done = _leanbus(
        "backtest", str(EXAMPLE), "--data-folder", str(tmp_path), "--data-cache", str(tmp_path / "parsed")
    )

    assert done.returncode == 2
    assert "key 'data-cache-folder'" in done.stderr and "inside the data folder" in done.stderr


def test_broken_algorithm_is_reported_with_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("from AlgorithmImports import *\n\nclass Broken(QCAlgorithm)\n    pass\n")

    done = _leanbus("backtest", str(broken), "--data-folder", str(tmp_path))

    assert done.returncode == 2
    assert "broken.py" in done.stderr and "line 3" in done.stderr


def test_missing_data_folder_is_a_clear_error(tmp_path: Path) -> None:
    done = _leanbus("backtest", str(EXAMPLE), "--data-folder", str(tmp_path / "nowhere"))

    assert done.returncode == 2
    assert "market-hours database not found" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.lean_data
def test_error_in_initialize_ends_the_run_as_a_runtime_error(lean_data_folder: Path, tmp_path: Path) -> None:
    failing = tmp_path / "failing.py"
    failing.write_text(
        "from AlgorithmImports import *\n\n"
        "class Failing(QCAlgorithm):\n"
        "    def initialize(self):\n"
        "        raise ValueError('no cash configured')\n"
    )

    done = _leanbus(
        "backtest", str(failing), "--data-folder", str(lean_data_folder), "--output", str(tmp_path / "o")
    )

    assert done.returncode == 1
    assert "no cash configured" in done.stderr


def test_runtime_error_log_names_the_failing_line(lean_data_folder: Path, tmp_path: Path) -> None:
    failing = tmp_path / "failing.py"
    failing.write_text(
        "from AlgorithmImports import *\n\n"
        "class Failing(QCAlgorithm):\n"
        "    def initialize(self):\n"
        "        self.set_start_date(2013, 10, 7)\n"
        "        self.set_end_date(2013, 10, 7)\n"
        "        self.add_equity('SPY')\n"
        "    def on_data(self, data):\n"
        "        raise ValueError('bad signal')\n"
    )

    done = _leanbus(
        "backtest", str(failing), "--data-folder", str(lean_data_folder), "--output", str(tmp_path / "o")
    )

    assert done.returncode == 1
    log = next((tmp_path / "o").glob("*-log.txt")).read_text()
    assert "Runtime Error: ValueError: bad signal" in log
    assert f'File "{failing}", line 9, in on_data' in log
