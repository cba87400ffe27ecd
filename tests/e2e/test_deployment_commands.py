"""The command lines, environments and ports of docker-compose.yml and deploy/k8s are real: run as local
processes (nats-server included), they serve a backtest that matches the in-process run.

`deployment_processes` changes only what a host has instead of a container (programs, mount points,
ports, other containers' names); everything else is taken from the files as written.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from deploy.check import ROOT, render
from deploy.dockerfile import Dockerfile
from tests.e2e.deployment_processes import compose_containers, kubernetes_containers, running
from tests.integration.service_runs import RunOutcome, in_process, over_nats

pytestmark = [pytest.mark.lean_data, pytest.mark.timeout(120)]

ALGORITHM = "basic_template_algorithm.py"


@pytest.fixture(scope="module")
def embedded_outcome(lean_data_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> RunOutcome:
    """What the in-process engine writes for the algorithm: the figure every deployment must match."""
    outcome = in_process(ALGORITHM, lean_data_folder, tmp_path_factory.mktemp("embedded"))
    assert outcome.status == "Completed"
    assert outcome.statistics["Total Orders"] == "1"
    return outcome


def test_the_compose_stack_as_written_serves_a_backtest(
    lean_data_folder: Path, tmp_path: Path, embedded_outcome: RunOutcome
) -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    image = Dockerfile.read(ROOT / "Dockerfile")
    # The one host variable the file reads: where the LEAN data is (its bind mount's source).
    containers, network = compose_containers(
        compose, image, {"LEAN_DATA_FOLDER": str(lean_data_folder)}, tmp_path
    )
    assert sorted(container.name for container in containers) == [
        "algorithm", "data-feed", "nats", "realtime", "result", "transaction"
    ]  # fmt: skip
    result = next(container for container in containers if container.name == "result")

    with running(containers, network, tmp_path / "logs"):
        # A client on the host reaches NATS through the port the file publishes.
        remote, outcome = over_nats(
            network.local_url("nats://nats:4222"), ALGORITHM, result.mounts["/results"]
        )

    assert remote.failures == []
    assert outcome == embedded_outcome
    # The results went to the named volume, as the result container would write them.
    assert (tmp_path / "volumes" / "results" / remote.run_id / "parity-summary.json").is_file()


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_the_kubernetes_workloads_as_rendered_serve_a_backtest(
    overlay: str, lean_data_folder: Path, tmp_path: Path, embedded_outcome: RunOutcome
) -> None:
    if shutil.which("kubectl") is None:
        pytest.skip("kubectl not found: it renders the kustomize overlays")
    documents = render(ROOT / "deploy" / "k8s" / "overlays" / overlay)
    results = tmp_path / "results-volume"
    results.mkdir()
    claims = {"lean-data": lean_data_folder, "leanbus-results": results}
    containers, network, secrets = kubernetes_containers(
        documents, claims, Dockerfile.read(ROOT / "Dockerfile"), tmp_path
    )
    assert sorted(container.name for container in containers) == [
        "algorithm", "data-feed", "nats", "realtime", "result", "transaction"
    ]  # fmt: skip
    # NATS asks for the Secret's credentials; a client outside the cluster brings them too.
    user, password = secrets["leanbus-secrets/nats-user"], secrets["leanbus-secrets/nats-password"]

    with running(containers, network, tmp_path / "logs"):
        url = network.local_url(f"nats://{user}:{password}@nats:4222")
        remote, outcome = over_nats(url, ALGORITHM, results)

    assert remote.failures == []
    assert outcome == embedded_outcome
    logs = "".join(path.read_text(errors="replace") for path in (tmp_path / "logs").glob("*.log"))
    assert "ready on nats://leanbus:***@127.0.0.1:" in logs  # the services say where they connected...
    assert password not in logs  # ...and never with the password
