"""The image builds and runs where a Docker daemon answers; without one (CI here) these tests skip.

Building downloads the base image and the dependencies, so it takes minutes: marked slow.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator

import pytest

from deploy.check import ROOT
from tests.docker_daemon import docker_is_available

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

TAG = "leanbus:e2e-test"


def docker(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def image() -> Iterator[str]:
    if not docker_is_available():
        pytest.skip(
            "no Docker daemon answers: the image is built only where Docker runs (docker build -t leanbus .)"
        )
    built = subprocess.run(
        ["docker", "build", "-t", TAG, str(ROOT)], capture_output=True, text=True, timeout=1500, check=False
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    yield TAG
    docker("image", "rm", "--force", TAG)


def test_the_entrypoint_is_leanbus_run_by_the_unprivileged_user(image: str) -> None:
    usage = docker("run", "--rm", image, "--help")
    user = docker("run", "--rm", "--entrypoint", "id", image, "-u")

    assert usage.returncode == 0, usage.stderr
    assert "usage: leanbus" in usage.stdout
    assert user.stdout.strip() == "10001"


def test_the_health_check_reports_a_service_that_does_not_answer(image: str) -> None:
    done = docker("run", "--rm", "--entrypoint", "python", image, "-m", "services.common.probe")

    assert done.returncode == 1
    assert "http://127.0.0.1:8080/readyz: no answer" in done.stderr


def test_the_image_records_its_user_health_check_and_port(image: str) -> None:
    config = json.loads(docker("image", "inspect", image).stdout)[0]["Config"]

    assert config["User"] == "10001:10001"
    assert config["Healthcheck"]["Test"] == ["CMD", "python", "-m", "services.common.probe"]
    assert "8080/tcp" in config["ExposedPorts"]
