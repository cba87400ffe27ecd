"""The five services as local processes (`leanbus stack`, the integration tests).

Each service is `python -m services.<name>` with its own health port; the stack is up once every
`/readyz` answers 200. Stopping sends SIGTERM (the services drain their runs) and SIGKILL to
whatever is still there after the grace period.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from lean_core.engine.topology import Role
from services.common.main import service_module
from services.common.probe import probe

__all__ = ["ServiceProcess", "ServiceStack", "StackError", "free_ports"]


class StackError(RuntimeError):
    """A service process did not come up."""


def free_ports(count: int) -> list[int]:
    """Return `count` distinct TCP ports of the loopback interface that are free right now.

    The probes stay bound until all are chosen: closed one by one, the OS may hand out the same
    port twice, and two services would then fight over it.
    """
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [int(probe.getsockname()[1]) for probe in probes]
    finally:
        for probe in probes:
            probe.close()


@dataclass(slots=True)
class ServiceProcess:
    """One service process and where it reports its health."""

    role: Role
    process: subprocess.Popen[bytes]
    http_port: int
    log_path: Path

    @property
    def health_url(self) -> str:
        """Return the base URL of its health and metrics endpoints."""
        return f"http://127.0.0.1:{self.http_port}"

    def ready(self) -> bool:
        """Tell whether `/readyz` answers 200."""
        return probe(f"{self.health_url}/readyz", timeout=1).healthy


class ServiceStack:
    """Start, kill and stop the service processes of one NATS server."""

    def __init__(
        self,
        nats_url: str,
        *,
        data_folder: Path,
        results_folder: Path,
        log_folder: Path,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.nats_url = nats_url
        self.data_folder = data_folder
        self.results_folder = results_folder
        self.log_folder = log_folder
        self.extra_env = extra_env or {}
        self.processes: dict[Role, ServiceProcess] = {}

    def start(self, roles: tuple[Role, ...] = tuple(Role), timeout: float = 60.0) -> None:
        """Start the roles' processes and wait until each is ready."""
        self.log_folder.mkdir(parents=True, exist_ok=True)
        for role, port in zip(roles, free_ports(len(roles)), strict=True):
            self.processes[role] = self._spawn(role, port)
        deadline = time.monotonic() + timeout
        for role in roles:
            self._wait_ready(self.processes[role], deadline)

    def restart(self, role: Role, timeout: float = 60.0) -> None:
        """Start a role's process again (after `kill`)."""
        taken = {service.http_port for service in self.processes.values()}
        port = next(port for port in free_ports(len(taken) + 1) if port not in taken)
        self.processes[role] = self._spawn(role, port)
        self._wait_ready(self.processes[role], time.monotonic() + timeout)

    def kill(self, role: Role) -> None:
        """SIGKILL one service, as a crash or an OOM kill would end it."""
        service = self.processes[role]
        service.process.kill()
        service.process.wait(10)

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM every service, then SIGKILL those still running after `grace` seconds."""
        running = [service.process for service in self.processes.values() if service.process.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for process in running:
            try:
                process.wait(max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)

    def __enter__(self) -> ServiceStack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _spawn(self, role: Role, port: int) -> ServiceProcess:
        log_path = self.log_folder / f"{role}.log"
        command = [
            sys.executable,
            "-m",
            service_module(role),
            "--nats-url",
            self.nats_url,
            "--data-folder",
            str(self.data_folder),
            "--results-folder",
            str(self.results_folder),
            "--http-port",
            str(port),
        ]
        env = {**os.environ, **self.extra_env}
        with log_path.open("ab") as log:
            # A session of its own: Ctrl-C in the terminal goes to the stack, which stops the
            # services in order, rather than to every process at once.
            process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
            )
        return ServiceProcess(role, process, port, log_path)

    @staticmethod
    def _wait_ready(service: ServiceProcess, deadline: float) -> None:
        while not service.ready():
            if service.process.poll() is not None:
                tail = service.log_path.read_text(errors="replace")[-2000:]
                raise StackError(
                    f"the {service.role} service exited with {service.process.returncode}:\n{tail}"
                )
            if time.monotonic() > deadline:
                raise StackError(f"the {service.role} service was not ready in time; see {service.log_path}")
            time.sleep(0.1)
