"""The NATS topology as an operator drives it: `leanbus stack`, `backtest --nats`, `watch`, then SIGTERM.

Every process is real: the stack starts nats-server and five service processes on LEAN's sample
data, and the client, the watchers and the stack are separate `leanbus` commands.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import pytest

from tests.conformance.regression import ALGORITHMS

BASIC_TEMPLATE = ALGORITHMS / "basic_template_algorithm.py"
LEAN_FIGURES = ("101691.92", "$3.44", "8.854", "3da9fa60bf95b9ed148b95e02e0cfc9e")
_SERVICE_LINE = re.compile(r"^(data-feed|transaction|realtime|result|algorithm)\s+pid (\d+)")


def leanbus_command(*args: str) -> list[str]:
    """The `leanbus` command as the console script runs it, with this interpreter."""
    return [sys.executable, "-m", "services.launcher.cli", *args]


class Output:
    """Collect a stream's lines in a thread, so a test can wait for a line without blocking on the pipe."""

    def __init__(self, stream: TextIO) -> None:
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: TextIO) -> None:
        with stream:  # closed here at the process's end, so no pipe is left to the garbage collector
            for line in stream:
                with self._changed:
                    self.lines.append(line.rstrip("\n"))
                    self._changed.notify_all()

    def wait_for(self, text: str, timeout: float) -> str:
        """Return the first line containing `text`; fail after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = next((line for line in self.lines if text in line), None)
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no line with {text!r} in {timeout} s; got:\n" + self.text())
                self._changed.wait(left)

    def text(self) -> str:
        return "\n".join(self.lines)


def _start(*args: str) -> tuple[subprocess.Popen[str], Output, Output]:
    process = subprocess.Popen(
        leanbus_command(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stderr is not None
    return process, Output(process.stdout), Output(process.stderr)


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes a test starts; any still running at the end is killed, whatever the outcome."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.lean_data
@pytest.mark.timeout(90)
def test_stack_serves_a_backtest_a_watcher_follows_and_sigterm_stops_it_all(
    lean_data_folder: Path, tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    stack, stack_out, stack_err = _start(
        "stack", "--port", "0", "--data-folder", str(lean_data_folder), "--results-folder", str(tmp_path)
    )
    processes.append(stack)
    url = stack_out.wait_for("NATS", 60).split()[1]
    stack_out.wait_for("Ctrl-C", 5)
    service_pids = [int(found[2]) for line in stack_out.lines if (found := _SERVICE_LINE.match(line))]
    assert url.startswith("nats://127.0.0.1:") and len(service_pids) == 5, stack_out.text()

    every_run, every_out, every_err = _start("watch", "*", "--nats-url", url)
    one_run, one_out, one_err = _start("watch", "e2erun1", "--nats-url", url)
    processes += [every_run, one_run]
    every_err.wait_for("watching", 30)
    one_err.wait_for("watching", 30)

    backtest = subprocess.run(
        leanbus_command("backtest", str(BASIC_TEMPLATE), "--nats", url, "--run-id", "e2erun1"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert backtest.returncode == 0, backtest.stderr + backtest.stdout
    assert "STATISTICS:: status Completed" in backtest.stdout
    assert all(figure in backtest.stdout for figure in LEAN_FIGURES), backtest.stdout
    assert str(tmp_path / "e2erun1") in backtest.stdout  # where the result service wrote the files
    # A watcher of one run leaves by itself once the results are written.
    assert one_run.wait(10) == 0
    assert "order 1 SPY Buy Filled" in one_out.text() and "101691.92" in one_out.text()
    every_out.wait_for("3da9fa60bf95b9ed148b95e02e0cfc9e", 10)
    every_run.send_signal(signal.SIGTERM)
    assert every_run.wait(10) == 0
    assert "[e2erun1]" in every_out.wait_for("order 1 SPY Buy Filled", 1)

    stack.send_signal(signal.SIGTERM)
    stopping = time.monotonic()
    assert stack.wait(15) == 0, stack_err.text()
    assert time.monotonic() - stopping < 10
    assert not [pid for pid in service_pids if _alive(pid)]


@pytest.mark.timeout(60)
def test_backtest_over_nats_without_services_says_no_algorithm_service_listens(tmp_path: Path) -> None:
    from services.common.nats_server import NatsServer

    with NatsServer(store_dir=tmp_path / "store") as server:
        started = time.monotonic()
        done = subprocess.run(
            leanbus_command("backtest", str(BASIC_TEMPLATE), "--nats", server.url),
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        elapsed = time.monotonic() - started

        # the server may also come from the environment, as every launcher setting can
        from_environment = subprocess.run(
            leanbus_command("backtest", str(BASIC_TEMPLATE)),
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
            env={**os.environ, "LEANBUS_NATS_URL": server.url},
        )

    assert done.returncode == 1
    assert "error: no algorithm service is listening on lean.control.runs" in done.stderr
    assert "Traceback" not in done.stderr
    assert elapsed < 10
    assert from_environment.returncode == 1
    assert "no algorithm service is listening" in from_environment.stderr


@pytest.mark.lean_data
@pytest.mark.timeout(60)
def test_service_verb_runs_one_service_until_sigterm(
    lean_data_folder: Path, tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    from services.common.nats_server import NatsServer
    from services.common.stack import free_ports

    (port,) = free_ports(1)
    with NatsServer(store_dir=tmp_path / "store") as server:
        service, _, service_err = _start(
            "service", "realtime", "--nats-url", server.url, "--data-folder", str(lean_data_folder),
            "--http-port", str(port),
        )  # fmt: skip
        processes.append(service)
        _wait_ready(f"http://127.0.0.1:{port}/readyz", 30)

        service.send_signal(signal.SIGTERM)

        assert service.wait(10) == 0, service_err.text()


def _wait_ready(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer 200 within {timeout} s")


@pytest.mark.timeout(60)
def test_stack_exits_with_the_services_error_when_one_cannot_start(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()

    done = subprocess.run(
        leanbus_command(
            "stack", "--port", "0", "--data-folder", str(empty), "--results-folder", str(tmp_path)
        ),
        capture_output=True,
        text=True,
        timeout=50,
        check=False,
    )

    assert done.returncode == 1
    assert "error: the stack did not come up: the " in done.stderr
    assert "market-hours database not found" in done.stderr
