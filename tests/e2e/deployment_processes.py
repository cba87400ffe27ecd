"""Run what docker-compose.yml and the Kubernetes manifests describe, each container as a local process.

A container becomes a process with its command line and environment exactly as the file writes them,
and the image's ENTRYPOINT and CMD (read from the Dockerfile) where the file leaves them to the image.
Only what a host has instead of a container is changed:

- executables: `leanbus`, `python` and `nats-server` are this interpreter's and the nats-server wheel's;
- paths under a mount point become the local folder standing in for the volume (also inside mounted
  JSON files, such as the services' config.json);
- each container's ports become free local ports, in its port variable, its port flags, its probes;
- the name of another container (Compose) or of a Service (Kubernetes) becomes 127.0.0.1 and the port
  behind it, found as Docker or Kubernetes would find it (a Service's selector and target port).

Anything else these functions do not understand raises, so a construct added to the files later fails
the test instead of being skipped quietly.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deploy.check import ROOT as REPO_ROOT
from deploy.dockerfile import Dockerfile
from services.common.nats_server import find_nats_server_binary
from services.common.stack import free_ports

#: What the services read from their environment: taken out of the test's own, so only the file's count.
SERVICE_VARIABLES = re.compile(r"^(NATS_URL|LEAN_DATA_FOLDER|LEANBUS_\w+)$")
PORT_VARIABLES = frozenset({"LEANBUS_HTTP_PORT"})
#: The flags whose value is a port, by program.
PORT_FLAGS = {
    "nats-server": frozenset({"--port", "-p", "--http_port", "-m"}),
    "leanbus": frozenset({"--http-port"}),
}
_COMPOSE_VARIABLE = re.compile(r"\$\$|\$\{(\w+)(?:(:?-)([^}]*))?\}|\$(\w+)")
_KUBERNETES_REFERENCE = re.compile(r"\$\$|\$\((\w+)\)")


def local_executables() -> dict[str, list[str]]:
    """The programs a container runs, as this machine runs them."""
    return {
        "leanbus": [sys.executable, "-m", "services.launcher.cli"],
        "python": [sys.executable],
        "python3": [sys.executable],
        "nats-server": [str(find_nats_server_binary())],
    }


def base_environment() -> dict[str, str]:
    """The test's environment without the services' variables, with leanbus importable from any folder."""
    environ = {name: value for name, value in os.environ.items() if not SERVICE_VARIABLES.match(name)}
    paths = [str(REPO_ROOT / "libs" / "lean_core"), str(REPO_ROOT)]
    environ["PYTHONPATH"] = os.pathsep.join(paths)
    return environ


@dataclass
class Container:
    """One container to run: its command line and environment as written, and how it maps to this host."""

    name: str
    command: list[str]
    environment: dict[str, str]
    mounts: dict[str, Path] = field(default_factory=dict)
    """Mount point in the container -> the local folder standing in for the volume."""
    ports: dict[int, int] = field(default_factory=dict)
    """Container port -> local port."""
    named_ports: dict[str, int] = field(default_factory=dict)
    """Kubernetes port name -> container port."""
    depends_on: list[str] = field(default_factory=list)
    readiness: Callable[[Container, Mapping[str, str]], bool] | None = None
    mounted_files: list[Path] = field(default_factory=list)
    """Files written for ConfigMap and Secret volumes."""

    def local_port(self, port: int) -> int:
        if port not in self.ports:
            self.ports[port] = free_ports(1)[0]
        return self.ports[port]

    def local_path(self, value: str) -> str:
        for mount in sorted(self.mounts, key=len, reverse=True):
            if value == mount or value.startswith(mount.rstrip("/") + "/"):
                return str(self.mounts[mount]) + value[len(mount.rstrip("/")) :]
        return value


@dataclass
class Network:
    """Where the name of another container or Service, and a port on it, are reachable on this host."""

    endpoints: dict[tuple[str, int], int] = field(default_factory=dict)

    def local_url(self, value: str) -> str:
        parsed = urllib.parse.urlsplit(value)
        if (
            parsed.hostname is None
            or parsed.port is None
            or (parsed.hostname, parsed.port) not in self.endpoints
        ):
            return value
        userinfo = parsed.netloc.rpartition("@")[0]
        netloc = f"127.0.0.1:{self.endpoints[parsed.hostname, parsed.port]}"
        return parsed._replace(netloc=f"{userinfo}@{netloc}" if userinfo else netloc).geturl()


def localise(container: Container, network: Network) -> tuple[list[str], dict[str, str]]:
    """Return the container's command line and environment as this host runs them."""
    executables = local_executables()
    program, *arguments = container.command
    if program not in executables:
        raise NotImplementedError(f"{container.name}: no local stand-in for the program {program!r}")
    local_arguments = []
    for index, argument in enumerate(arguments):
        if index > 0 and arguments[index - 1] in PORT_FLAGS.get(program, ()):
            local_arguments.append(str(container.local_port(int(argument))))
        else:
            local_arguments.append(_localise_value(container, network, argument))
    environment = {}
    for name, value in container.environment.items():
        if name in PORT_VARIABLES:
            environment[name] = str(container.local_port(int(value)))
        else:
            environment[name] = _localise_value(container, network, value)
    return [*executables[program], *local_arguments], environment


def _localise_value(container: Container, network: Network, value: str) -> str:
    return network.local_url(value) if "://" in value else container.local_path(value)


def http_ready(url: str) -> bool:
    """Tell whether `url` answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


# -- docker-compose.yml ---------------------------------------------------------------------------------


def compose_containers(
    compose: dict[str, Any], dockerfile: Dockerfile, host_environment: Mapping[str, str], work: Path
) -> tuple[list[Container], Network]:
    """Return the containers `docker compose up` starts (no profile), as written, and their network."""
    containers = []
    for name, service in compose["services"].items():
        if service.get("profiles"):
            continue  # `docker compose up` leaves them out unless their profile is asked for
        container = Container(
            name,
            _compose_command(name, service, dockerfile),
            _compose_environment(service, host_environment),
            depends_on=_compose_dependencies(service),
        )
        for volume in service.get("volumes", []):
            source, target = _interpolate(volume, host_environment).split(":")[:2]
            if "/" in source:
                container.mounts[target] = (REPO_ROOT / source).resolve()
            else:  # a named volume: one folder, shared by every container that mounts it
                container.mounts[target] = work / "volumes" / source
                container.mounts[target].mkdir(parents=True, exist_ok=True)
        for published in service.get("ports", []):
            container.local_port(int(str(published).rsplit(":", 1)[1]))
        for exposed in service.get("expose", []):
            container.local_port(int(exposed))
        container.readiness = _compose_readiness(service)
        containers.append(container)
    network = Network()
    for container in containers:
        localise(container, network)  # learns every port a container uses
        for port, local in container.ports.items():
            network.endpoints[container.name, port] = local
    return containers, network


def _compose_command(name: str, service: dict[str, Any], dockerfile: Dockerfile) -> list[str]:
    command = [str(word) for word in service.get("command", [])]
    if "build" in service:  # our image: its ENTRYPOINT, then the command or the image's CMD
        return [*(service.get("entrypoint") or dockerfile.entrypoint()), *(command or dockerfile.cmd())]
    if not command or command[0].startswith("-"):
        raise NotImplementedError(f"{name}: the command must name its program (not rely on the image's)")
    # The nats images' entrypoint runs a command that names its program as it is.
    return command


def _compose_environment(service: dict[str, Any], host_environment: Mapping[str, str]) -> dict[str, str]:
    environment = service.get("environment", {})
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return {name: _interpolate(str(value), host_environment) for name, value in environment.items()}


def _compose_dependencies(service: dict[str, Any]) -> list[str]:
    depends_on = service.get("depends_on", [])
    if isinstance(depends_on, list):
        return list(depends_on)
    for name, condition in depends_on.items():
        if condition.get("condition") not in ("service_healthy", "service_started"):
            raise NotImplementedError(f"depends_on {name}: condition {condition}")
    return list(depends_on)


def _compose_readiness(service: dict[str, Any]) -> Callable[[Container, Mapping[str, str]], bool]:
    test = service.get("healthcheck", {}).get("test")
    if not test or test[0] != "CMD":
        raise NotImplementedError(f"healthcheck {test!r}: only the exec form [CMD, ...] is run here")
    command = [str(word) for word in test[1:]]
    if command[0] in ("wget", "curl"):  # a URL fetched: fetched here in Python, the same URL
        url = next(word for word in command if word.startswith("http"))
        return lambda container, _: http_ready(_local_http_url(container, url))

    def run_check(container: Container, environment: Mapping[str, str]) -> bool:
        probe = Container(container.name, command, {}, container.mounts, container.ports)
        argv, _ = localise(probe, Network())
        done = subprocess.run(argv, env=dict(environment), capture_output=True, timeout=30, check=False)
        return done.returncode == 0

    return run_check


def _local_http_url(container: Container, url: str) -> str:
    parsed = urllib.parse.urlsplit(url)
    assert parsed.port is not None, url
    return parsed._replace(netloc=f"127.0.0.1:{container.local_port(parsed.port)}").geturl()


def _interpolate(text: str, environ: Mapping[str, str]) -> str:
    """Compose's variable substitution: ${VAR}, ${VAR:-default}, ${VAR-default}, $VAR and $$."""

    def substitute(found: re.Match[str]) -> str:
        if found.group(0) == "$$":
            return "$"
        name = found.group(1) or found.group(4)
        value = environ.get(name)
        if found.group(2) == ":-" and not value:
            return found.group(3)
        if found.group(2) == "-" and value is None:
            return found.group(3)
        return value or ""

    return _COMPOSE_VARIABLE.sub(substitute, text)


# -- Kubernetes -------------------------------------------------------------------------------------------


def kubernetes_containers(
    documents: list[dict[str, Any]], claims: Mapping[str, Path], image: Dockerfile, work: Path
) -> tuple[list[Container], Network, dict[str, str]]:
    """Return a container per Deployment and StatefulSet (one replica each), their network, and the
    rendered Secrets' values by `<secret>/<key>`."""
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for document in documents:
        by_kind.setdefault(document["kind"], []).append(document)
    config_maps = {
        item["metadata"]["name"]: dict(item.get("data", {})) for item in by_kind.get("ConfigMap", [])
    }
    secrets = {item["metadata"]["name"]: _secret_data(item) for item in by_kind.get("Secret", [])}
    containers: list[Container] = []
    pods: list[tuple[dict[str, Any], Container]] = []
    for workload in by_kind.get("StatefulSet", []) + by_kind.get("Deployment", []):
        pod = workload["spec"]["template"]
        (spec,) = pod["spec"]["containers"]  # one container per pod: a sidecar would need a plan of its own
        name = workload["metadata"]["name"]
        pod_name = f"{name}-0" if workload["kind"] == "StatefulSet" else f"{name}-local"
        container = Container(name, [], {})
        container.environment = _kubernetes_environment(spec, pod_name, workload, config_maps, secrets)
        command = spec.get("command") or image.entrypoint()
        arguments = (
            spec.get("args") if spec.get("args") is not None else ([] if spec.get("command") else image.cmd())
        )
        container.command = [_expand(word, container.environment) for word in [*command, *arguments]]
        for port in spec.get("ports", []):
            container.local_port(port["containerPort"])
            if "name" in port:
                container.named_ports[port["name"]] = port["containerPort"]
        _mount_volumes(container, spec, pod["spec"], workload, claims, config_maps, secrets, work)
        _rewrite_mounted_json(container)
        container.readiness = _probe_readiness(spec["readinessProbe"])
        if workload["kind"] == "Deployment":
            container.depends_on = [item["metadata"]["name"] for item in by_kind.get("StatefulSet", [])]
        containers.append(container)
        pods.append((pod, container))
    network = _kubernetes_network(by_kind.get("Service", []), pods)
    flat = {f"{secret}/{key}": value for secret, data in secrets.items() for key, value in data.items()}
    return containers, network, flat


def _secret_data(secret: dict[str, Any]) -> dict[str, str]:
    data = {key: base64.b64decode(value).decode() for key, value in secret.get("data", {}).items()}
    data.update(secret.get("stringData", {}))
    return data


def _kubernetes_environment(
    spec: dict[str, Any],
    pod_name: str,
    workload: dict[str, Any],
    config_maps: Mapping[str, dict[str, str]],
    secrets: Mapping[str, dict[str, str]],
) -> dict[str, str]:
    if spec.get("envFrom"):
        raise NotImplementedError("envFrom")
    environment: dict[str, str] = {}
    fields = {
        "metadata.name": pod_name,
        "metadata.namespace": workload["metadata"].get("namespace", "default"),
    }
    for variable in spec.get("env", []):
        source = variable.get("valueFrom")
        if source is None:
            # A value may use the variables defined above it, as Kubernetes expands them.
            environment[variable["name"]] = _expand(variable.get("value", ""), environment)
        elif "secretKeyRef" in source:
            reference = source["secretKeyRef"]
            environment[variable["name"]] = secrets[reference["name"]][reference["key"]]
        elif "configMapKeyRef" in source:
            reference = source["configMapKeyRef"]
            environment[variable["name"]] = config_maps[reference["name"]][reference["key"]]
        elif "fieldRef" in source:
            environment[variable["name"]] = fields[source["fieldRef"]["fieldPath"]]
        else:
            raise NotImplementedError(f"env {variable['name']}: {source}")
    return environment


def _expand(text: str, environment: Mapping[str, str]) -> str:
    """Kubernetes' $(VAR) expansion: a defined variable is replaced, an undefined one left as written."""

    def substitute(found: re.Match[str]) -> str:
        if found.group(0) == "$$":
            return "$"
        return environment.get(found.group(1), found.group(0))

    return _KUBERNETES_REFERENCE.sub(substitute, text)


def _mount_volumes(
    container: Container,
    spec: dict[str, Any],
    pod_spec: dict[str, Any],
    workload: dict[str, Any],
    claims: Mapping[str, Path],
    config_maps: Mapping[str, dict[str, str]],
    secrets: Mapping[str, dict[str, str]],
    work: Path,
) -> None:
    volumes = {volume["name"]: volume for volume in pod_spec.get("volumes", [])}
    templates = {item["metadata"]["name"] for item in workload["spec"].get("volumeClaimTemplates", [])}
    for mount in spec.get("volumeMounts", []):
        name, folder = mount["name"], work / container.name / mount["name"]
        volume = volumes.get(name, {})
        if name in templates or "emptyDir" in volume:
            folder.mkdir(parents=True, exist_ok=True)
        elif "configMap" in volume:
            container.mounted_files += _write_files(folder, config_maps[volume["configMap"]["name"]])
        elif "secret" in volume:
            container.mounted_files += _write_files(folder, secrets[volume["secret"]["secretName"]])
        elif "persistentVolumeClaim" in volume:
            folder = claims[volume["persistentVolumeClaim"]["claimName"]]
        else:
            raise NotImplementedError(f"{container.name}: volume {name}: {volume}")
        container.mounts[mount["mountPath"]] = folder


def _write_files(folder: Path, files: Mapping[str, str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    for key, text in files.items():
        (folder / key).write_text(text)
    return [folder / key for key in files]


def _rewrite_mounted_json(container: Container) -> None:
    """Point container paths inside mounted JSON files (config.json's folders) at their local folders."""
    for path in container.mounted_files:
        if path.suffix != ".json":
            continue
        document = json.loads(path.read_text())
        rewritten = {
            key: container.local_path(value) if isinstance(value, str) else value
            for key, value in document.items()
        }
        path.write_text(json.dumps(rewritten))


def _probe_readiness(probe: dict[str, Any]) -> Callable[[Container, Mapping[str, str]], bool]:
    if "httpGet" not in probe:
        raise NotImplementedError(f"readiness probe {probe}")
    get = probe["httpGet"]

    def ready(container: Container, _: Mapping[str, str]) -> bool:
        port = get["port"]
        port = container.named_ports[port] if isinstance(port, str) else port
        assert port in container.ports, f"{container.name}: the probe's port {port} is not a container port"
        return http_ready(f"http://127.0.0.1:{container.ports[port]}{get['path']}")

    return ready


def _kubernetes_network(
    services: list[dict[str, Any]], pods: list[tuple[dict[str, Any], Container]]
) -> Network:
    network = Network()
    for service in services:
        selector = service["spec"].get("selector", {})
        chosen = [
            container
            for pod, container in pods
            if selector
            and all(pod["metadata"]["labels"].get(key) == value for key, value in selector.items())
        ]
        assert len(chosen) == 1, f"Service {service['metadata']['name']} selects {len(chosen)} workloads"
        (container,) = chosen
        for port in service["spec"]["ports"]:
            target = port.get("targetPort", port["port"])
            target = container.named_ports[target] if isinstance(target, str) else target
            assert target in container.ports, (
                f"Service {service['metadata']['name']}: no container port {target}"
            )
            network.endpoints[service["metadata"]["name"], port["port"]] = container.ports[target]
    return network


# -- running ----------------------------------------------------------------------------------------------


@dataclass
class RunningContainer:
    container: Container
    process: subprocess.Popen[bytes]
    environment: dict[str, str]
    log: Path

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


@contextmanager
def running(containers: list[Container], network: Network, logs: Path, timeout: float = 60) -> Iterator[None]:
    """Start the containers, each once those it depends on are ready; stop them all (SIGTERM) at the end."""
    logs.mkdir(parents=True, exist_ok=True)
    started: dict[str, RunningContainer] = {}
    deadline = time.monotonic() + timeout
    try:
        while len(started) < len(containers):
            wave = [
                c for c in containers if c.name not in started and all(d in started for d in c.depends_on)
            ]
            assert wave, f"a dependency cycle among {[c.name for c in containers if c.name not in started]}"
            for container in wave:
                started[container.name] = _start(container, network, logs)
            for container in wave:
                _wait_ready(started[container.name], deadline)
        yield
    finally:
        for item in reversed(list(started.values())):
            if item.process.poll() is None:
                item.process.terminate()
        for item in started.values():
            try:
                item.process.wait(20)
            except subprocess.TimeoutExpired:
                item.process.kill()
                item.process.wait(5)


def _start(container: Container, network: Network, logs: Path) -> RunningContainer:
    argv, environment = localise(container, network)
    full_environment = {**base_environment(), **environment}
    log = logs / f"{container.name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            argv,
            env=full_environment,
            cwd=logs,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return RunningContainer(container, process, full_environment, log)


def _wait_ready(item: RunningContainer, deadline: float) -> None:
    assert item.container.readiness is not None
    while not item.container.readiness(item.container, item.environment):
        if item.process.poll() is not None:
            raise AssertionError(
                f"{item.container.name} exited with {item.process.returncode}:\n{item.tail()}"
            )
        if time.monotonic() > deadline:
            raise AssertionError(f"{item.container.name} was not ready in time:\n{item.tail()}")
        time.sleep(0.25)
