"""`make deploy-check` passes on the repository's files and fails, naming the fault, on broken ones."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from deploy.check import (
    ROOT,
    RenderError,
    compose_problems,
    kubernetes_problems,
    kustomizations,
    main,
    manifest_problems,
    render,
)

needs_kubectl = pytest.mark.skipif(
    shutil.which("kubectl") is None, reason="kubectl renders the kustomizations"
)

DEPLOYMENT: dict[str, Any] = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "result"},
    "spec": {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "result"}},
        "template": {
            "metadata": {"labels": {"app": "result"}},
            "spec": {
                "containers": [
                    {
                        "name": "result",
                        "image": "leanbus:0.1.0",
                        "args": ["service", "result"],
                        "readinessProbe": {"httpGet": {"path": "/readyz", "port": 8080}},
                    }
                ]
            },
        },
    },
}


def write_compose(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "docker-compose.yml"
    path.write_text(text)
    return path


class TestCompose:
    def test_the_repository_compose_file_follows_the_specification(self) -> None:
        assert compose_problems(ROOT / "docker-compose.yml") == []

    def test_an_unknown_service_key_is_named(self, tmp_path: Path) -> None:
        path = write_compose(tmp_path, "services:\n  nats:\n    image: nats\n    helthcheck: {}\n")

        [problem] = compose_problems(path)

        assert "'helthcheck' was unexpected" in problem
        assert "services.nats" in problem

    def test_a_value_of_the_wrong_type_is_named(self, tmp_path: Path) -> None:
        path = write_compose(tmp_path, "services:\n  nats:\n    image: nats\n    ports: 4222\n")

        problems = compose_problems(path)

        assert any("services.nats.ports: 4222 is not of type 'array'" in problem for problem in problems)

    def test_a_missing_file_is_a_problem(self, tmp_path: Path) -> None:
        assert compose_problems(tmp_path / "docker-compose.yml") == [
            f"{tmp_path / 'docker-compose.yml'}: no such file"
        ]


class TestManifests:
    def test_a_valid_deployment_passes_every_release(self) -> None:
        assert manifest_problems(DEPLOYMENT) == []

    def test_a_field_of_the_wrong_type_fails(self) -> None:
        broken = copy.deepcopy(DEPLOYMENT)
        broken["spec"]["replicas"] = "two"

        problems = manifest_problems(broken, ["1.33.0"])

        assert problems == ["Kubernetes 1.33.0: spec.replicas: 'two' is not of type 'integer', 'null'"]

    def test_an_unknown_field_fails_as_kubectl_apply_would(self) -> None:
        broken = copy.deepcopy(DEPLOYMENT)
        broken["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["paht"] = "/readyz"

        [problem] = manifest_problems(broken, ["1.33.0"])

        assert "containers.0.readinessProbe.httpGet" in problem
        assert "'paht' was unexpected" in problem

    def test_a_kind_with_no_schema_fails_rather_than_passing_unchecked(self) -> None:
        monitor = {
            "apiVersion": "monitoring.coreos.com/v1",
            "kind": "ServiceMonitor",
            "metadata": {"name": "x"},
        }

        [problem] = manifest_problems(monitor, ["1.33.0"])

        assert "Couldn't find schema for kind ServiceMonitor" in problem


@needs_kubectl
class TestKustomizations:
    def test_the_base_and_both_overlays_are_found(self) -> None:
        folders = kustomizations(ROOT / "deploy" / "k8s")

        assert [folder.relative_to(ROOT).as_posix() for folder in folders] == [
            "deploy/k8s/base",
            "deploy/k8s/overlays/dev",
            "deploy/k8s/overlays/prod",
        ]

    def test_an_overlay_that_does_not_render_is_named(self, tmp_path: Path) -> None:
        overlay = tmp_path / "overlays" / "broken"
        overlay.mkdir(parents=True)
        (overlay / "kustomization.yaml").write_text("resources:\n  - missing.yaml\n")

        with pytest.raises(RenderError) as caught:
            render(overlay)

        assert caught.value.kustomization == overlay
        assert "missing.yaml" in str(caught.value)

    def test_an_invalid_document_in_an_overlay_is_named_with_its_overlay(self, tmp_path: Path) -> None:
        overlay = tmp_path / "overlays" / "typo"
        overlay.mkdir(parents=True)
        broken = copy.deepcopy(DEPLOYMENT)
        broken["spec"]["template"]["spec"]["containers"][0]["resources"] = {"limits": {"cpu": ["1"]}}
        (overlay / "deployment.yaml").write_text(yaml.safe_dump(broken))
        (overlay / "kustomization.yaml").write_text("resources:\n  - deployment.yaml\n")

        problems = kubernetes_problems(tmp_path)

        assert problems
        assert all(problem.startswith(f"{overlay}: Deployment/result: Kubernetes ") for problem in problems)
        assert "resources.limits.cpu" in problems[0]


@needs_kubectl
class TestCommand:
    def test_the_repository_passes(self, capsys: pytest.CaptureFixture[str]) -> None:
        status = main([])

        output = capsys.readouterr().out
        assert status == 0, output
        assert output.splitlines() == [
            "ok   docker-compose.yml against the Compose specification",
            "ok   Dockerfile",
            "ok   deploy/k8s rendered and validated against Kubernetes 1.32.0, 1.37.0",
        ]

    def test_a_broken_compose_file_fails_the_command_and_is_named(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        base = tmp_path / "deploy" / "k8s" / "base"
        base.mkdir(parents=True)
        (base / "deployment.yaml").write_text(yaml.safe_dump(DEPLOYMENT))
        (base / "kustomization.yaml").write_text("resources:\n  - deployment.yaml\n")
        for name in ("Dockerfile", ".dockerignore", "pyproject.toml", "README.md"):
            shutil.copy(ROOT / name, tmp_path / name)
        for folder in ("libs", "services"):
            (tmp_path / folder).mkdir()
        compose = (
            (ROOT / "docker-compose.yml").read_text().replace("stop_grace_period:", "stop_grace_periods:")
        )
        write_compose(tmp_path, compose)

        status = main(["--root", str(tmp_path)])

        output = capsys.readouterr().out
        assert status == 1
        assert "FAIL docker-compose.yml against the Compose specification" in output
        assert "'stop_grace_periods' was unexpected" in output
        assert "ok   Dockerfile" in output
        assert "ok   deploy/k8s" in output
