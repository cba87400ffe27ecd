"""docker-compose.yml wires what the issue asks for: JetStream on a volume, health-gated start-up, data
read-only, results on a volume, and monitoring behind a profile that scrapes every service."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from deploy.check import ROOT
from lean_core.engine.topology import Role

COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]
ROLES = [role.value for role in Role]


def option(command: list[str], flag: str) -> str:
    return command[command.index(flag) + 1]


class TestNats:
    def test_jetstream_stores_on_a_named_volume(self) -> None:
        nats = SERVICES["nats"]

        assert "--jetstream" in nats["command"]
        store = option(nats["command"], "--store_dir")
        assert f"nats-data:{store}" in nats["volumes"]
        assert "nats-data" in COMPOSE["volumes"]

    def test_its_health_check_asks_the_monitoring_port_for_jetstream(self) -> None:
        nats = SERVICES["nats"]
        monitoring = option(nats["command"], "--http_port")

        assert f"http://127.0.0.1:{monitoring}/healthz?js-enabled-only=true" in nats["healthcheck"]["test"]

    def test_the_client_port_is_published_on_loopback_only(self) -> None:
        port = option(SERVICES["nats"]["command"], "--port")

        assert f"127.0.0.1:{port}:{port}" in SERVICES["nats"]["ports"]


@pytest.mark.parametrize("role", ROLES)
class TestEachService:
    def test_it_runs_its_role_from_the_leanbus_image(self, role: str) -> None:
        service = SERVICES[role]

        assert service["command"] == ["service", role]
        assert service["build"] == "."

    def test_it_reaches_nats_by_its_service_name_and_port(self, role: str) -> None:
        port = option(SERVICES["nats"]["command"], "--port")

        assert SERVICES[role]["environment"]["NATS_URL"] == f"nats://nats:{port}"

    def test_it_starts_once_nats_is_healthy_and_is_checked_by_the_probe(self, role: str) -> None:
        service = SERVICES[role]

        assert service["depends_on"]["nats"] == {"condition": "service_healthy"}
        assert service["healthcheck"]["test"] == ["CMD", "python", "-m", "services.common.probe"]

    def test_it_listens_for_probes_on_every_interface_of_its_container(self, role: str) -> None:
        environment = SERVICES[role]["environment"]

        assert environment["LEANBUS_HTTP_HOST"] == "0.0.0.0"
        assert environment["LEANBUS_HTTP_PORT"] in SERVICES[role]["expose"]

    def test_it_reads_the_data_folder_read_only(self, role: str) -> None:
        service = SERVICES[role]
        folder = service["environment"]["LEAN_DATA_FOLDER"]

        assert any(volume.endswith(f":{folder}:ro") for volume in service["volumes"])


def test_the_result_service_writes_to_the_results_volume() -> None:
    result = SERVICES["result"]

    assert f"results:{result['environment']['LEANBUS_RESULTS_FOLDER']}" in result["volumes"]
    assert "results" in COMPOSE["volumes"]


def test_the_algorithm_service_waits_for_the_roles_it_asks_to_join() -> None:
    depends_on = SERVICES["algorithm"]["depends_on"]

    assert {name: condition["condition"] for name, condition in depends_on.items()} == {
        name: "service_healthy" for name in ["nats", *ROLES] if name != "algorithm"
    }


class TestMonitoring:
    @pytest.mark.parametrize("name", ["prometheus", "grafana"])
    def test_it_runs_only_with_the_monitoring_profile(self, name: str) -> None:
        assert SERVICES[name]["profiles"] == ["monitoring"]

    def test_prometheus_scrapes_every_service_on_its_http_port(self) -> None:
        config = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text())
        [job] = config["scrape_configs"]
        [static] = job["static_configs"]

        assert job["metrics_path"] == "/metrics"
        assert sorted(static["targets"]) == sorted(
            f"{role}:{SERVICES[role]['environment']['LEANBUS_HTTP_PORT']}" for role in ROLES
        )

    def test_the_mounted_monitoring_files_exist(self) -> None:
        for name in ("prometheus", "grafana"):
            for volume in SERVICES[name]["volumes"]:
                source = volume.split(":")[0]
                if source.startswith("./"):
                    assert (ROOT / source).exists(), volume
