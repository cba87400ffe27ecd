"""The rendered overlays hold what a cluster needs: a Deployment per role with probes and resources, its
Service and PodDisruptionBudget, NATS with JetStream on a volume, the config.json the services read, the
Secret template, scrape annotations on the ports that serve /metrics, and replicas in prod."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from deploy.check import ROOT, render
from lean_core.config import load_service_config
from lean_core.engine.topology import Role

pytestmark = pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl renders the kustomizations")

ROLES = [role.value for role in Role]
OVERLAYS = ["dev", "prod"]


class Rendered:
    """One overlay's documents, by kind and name."""

    def __init__(self, overlay: str) -> None:
        self.overlay = overlay
        self.documents = render(ROOT / "deploy" / "k8s" / "overlays" / overlay)

    def of_kind(self, kind: str) -> dict[str, dict[str, Any]]:
        return {doc["metadata"]["name"]: doc for doc in self.documents if doc["kind"] == kind}

    def one(self, kind: str, prefix: str) -> dict[str, Any]:
        [found] = [doc for name, doc in self.of_kind(kind).items() if name.startswith(prefix)]
        return found


@pytest.fixture(scope="module", params=OVERLAYS)
def rendered(request: pytest.FixtureRequest) -> Rendered:
    return Rendered(request.param)


def container_of(workload: dict[str, Any]) -> dict[str, Any]:
    [container] = workload["spec"]["template"]["spec"]["containers"]
    return container


def environment_of(container: dict[str, Any]) -> dict[str, Any]:
    return {variable["name"]: variable for variable in container["env"]}


class TestDeployments:
    def test_there_is_one_per_role_running_that_role(self, rendered: Rendered) -> None:
        deployments = rendered.of_kind("Deployment")

        assert sorted(deployments) == sorted(ROLES)
        for role, deployment in deployments.items():
            assert container_of(deployment)["args"] == ["service", role]

    def test_each_requests_and_limits_cpu_and_memory(self, rendered: Rendered) -> None:
        for deployment in rendered.of_kind("Deployment").values():
            resources = container_of(deployment)["resources"]
            assert set(resources["requests"]) == {"cpu", "memory"}
            assert set(resources["limits"]) == {"cpu", "memory"}

    def test_liveness_and_readiness_probe_the_services_endpoints_on_their_http_port(
        self, rendered: Rendered
    ) -> None:
        for deployment in rendered.of_kind("Deployment").values():
            container = container_of(deployment)
            [port] = container["ports"]
            http_port = environment_of(container)["LEANBUS_HTTP_PORT"]["value"]

            assert (port["name"], str(port["containerPort"])) == ("http", http_port)
            assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
            assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
            annotations = deployment["spec"]["template"]["metadata"]["annotations"]
            assert annotations == {
                "prometheus.io/scrape": "true",
                "prometheus.io/port": http_port,
                "prometheus.io/path": "/metrics",
            }

    def test_they_run_unprivileged_with_a_read_only_root(self, rendered: Rendered) -> None:
        for deployment in rendered.of_kind("Deployment").values():
            pod = deployment["spec"]["template"]["spec"]
            assert pod["securityContext"]["runAsNonRoot"] is True
            assert container_of(deployment)["securityContext"]["readOnlyRootFilesystem"] is True

    def test_each_has_a_service_and_a_disruption_budget_selecting_its_pods(self, rendered: Rendered) -> None:
        services, budgets = rendered.of_kind("Service"), rendered.of_kind("PodDisruptionBudget")
        for role, deployment in rendered.of_kind("Deployment").items():
            labels = deployment["spec"]["template"]["metadata"]["labels"]
            selector = services[role]["spec"]["selector"]
            assert selector.items() <= labels.items()
            assert budgets[role]["spec"]["selector"]["matchLabels"].items() <= labels.items()
            assert services[role]["spec"]["ports"][0]["targetPort"] == "http"

    def test_their_nats_url_carries_the_secrets_credentials_to_the_nats_service(
        self, rendered: Rendered
    ) -> None:
        nats_port = rendered.of_kind("Service")["nats"]["spec"]["ports"][0]["port"]
        for deployment in rendered.of_kind("Deployment").values():
            environment = environment_of(container_of(deployment))
            assert (
                environment["NATS_URL"]["value"] == f"nats://$(NATS_USER):$(NATS_PASSWORD)@nats:{nats_port}"
            )
            names = [variable["name"] for variable in container_of(deployment)["env"]]
            # Kubernetes expands $(VAR) only from variables defined before it.
            assert names.index("NATS_USER") < names.index("NATS_URL")
            assert names.index("NATS_PASSWORD") < names.index("NATS_URL")


class TestReferences:
    def test_every_secret_and_config_map_referenced_is_rendered_with_the_key(
        self, rendered: Rendered
    ) -> None:
        secrets, config_maps = rendered.of_kind("Secret"), rendered.of_kind("ConfigMap")
        workloads = [*rendered.of_kind("Deployment").values(), *rendered.of_kind("StatefulSet").values()]
        for workload in workloads:
            for variable in container_of(workload).get("env", []):
                reference = variable.get("valueFrom", {}).get("secretKeyRef")
                if reference is not None:
                    assert reference["key"] in secrets[reference["name"]]["stringData"]
            for volume in workload["spec"]["template"]["spec"].get("volumes", []):
                if "configMap" in volume:
                    assert volume["configMap"]["name"] in config_maps

    def test_every_claim_mounted_is_rendered(self, rendered: Rendered) -> None:
        claims = rendered.of_kind("PersistentVolumeClaim")
        for deployment in rendered.of_kind("Deployment").values():
            for volume in deployment["spec"]["template"]["spec"]["volumes"]:
                if "persistentVolumeClaim" in volume:
                    assert volume["persistentVolumeClaim"]["claimName"] in claims


class TestConfiguration:
    def test_config_json_is_a_service_config_the_services_can_read(
        self, rendered: Rendered, tmp_path: Path
    ) -> None:
        config_map = rendered.one("ConfigMap", "leanbus-config-")
        path = tmp_path / "config.json"
        path.write_text(config_map["data"]["config.json"])

        config = load_service_config(path)

        assert config.data_folder == Path("/lean-data")
        assert config.results_folder == Path("/results")
        assert config.http_host == "0.0.0.0"

    def test_each_service_is_pointed_at_the_mounted_config_json(self, rendered: Rendered) -> None:
        for deployment in rendered.of_kind("Deployment").values():
            container = container_of(deployment)
            config_file = Path(environment_of(container)["LEANBUS_CONFIG"]["value"])
            mounts = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}
            volumes = {volume["name"]: volume for volume in deployment["spec"]["template"]["spec"]["volumes"]}
            volume = volumes[mounts[str(config_file.parent)]]
            assert volume["configMap"]["name"].startswith("leanbus-config-")

    def test_the_folders_in_config_json_are_mounted_data_read_only_results_writable(
        self, rendered: Rendered
    ) -> None:
        config = json.loads(rendered.one("ConfigMap", "leanbus-config-")["data"]["config.json"])
        for role, deployment in rendered.of_kind("Deployment").items():
            mounts = {mount["mountPath"]: mount for mount in container_of(deployment)["volumeMounts"]}
            assert mounts[config["data-folder"]]["readOnly"] is True
            if role == Role.RESULT.value:
                assert not mounts[config["results-folder"]].get("readOnly", False)

    def test_the_secret_template_holds_nats_credentials_and_brokerage_keys(self, rendered: Rendered) -> None:
        secret = rendered.of_kind("Secret")["leanbus-secrets"]

        assert set(secret["stringData"]) == {
            "nats-user",
            "nats-password",
            "brokerage-api-key",
            "brokerage-api-secret",
        }


class TestNats:
    def test_it_is_a_stateful_set_running_jetstream_on_its_claim(self, rendered: Rendered) -> None:
        nats = rendered.of_kind("StatefulSet")["nats"]
        container = container_of(nats)
        [template] = nats["spec"]["volumeClaimTemplates"]
        args = container["args"]

        assert "--jetstream" in args
        store = args[args.index("--store_dir") + 1]
        assert {"name": template["metadata"]["name"], "mountPath": store} in container["volumeMounts"]

    def test_its_config_requires_the_secrets_user_and_password(self, rendered: Rendered) -> None:
        config = rendered.one("ConfigMap", "nats-config-")["data"]["nats.conf"]
        environment = environment_of(container_of(rendered.of_kind("StatefulSet")["nats"]))

        assert "user: $NATS_USER" in config and "password: $NATS_PASSWORD" in config
        assert environment["NATS_USER"]["valueFrom"]["secretKeyRef"]["key"] == "nats-user"
        assert environment["NATS_PASSWORD"]["valueFrom"]["secretKeyRef"]["key"] == "nats-password"

    def test_it_is_ready_only_with_jetstream(self, rendered: Rendered) -> None:
        probe = container_of(rendered.of_kind("StatefulSet")["nats"])["readinessProbe"]

        assert probe["httpGet"]["path"] == "/healthz?js-enabled-only=true"


def test_prod_runs_several_replicas_of_every_role() -> None:
    deployments = Rendered("prod").of_kind("Deployment")

    assert {role: deployment["spec"]["replicas"] >= 2 for role, deployment in deployments.items()} == {
        role: True for role in ROLES
    }


def test_the_overlays_deploy_to_namespaces_of_their_own() -> None:
    for overlay, namespace in (("dev", "leanbus-dev"), ("prod", "leanbus")):
        documents = Rendered(overlay).documents
        assert {doc["metadata"]["name"] for doc in documents if doc["kind"] == "Namespace"} == {namespace}
        assert {doc["metadata"].get("namespace") for doc in documents if doc["kind"] != "Namespace"} == {
            namespace
        }
