"""The image, checked without Docker: multi-stage, non-root, a health check that exists, a small context."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from deploy.check import ROOT
from deploy.dockerfile import Dockerfile, dockerfile_problems, ignored, read_dockerignore
from services.common.probe import DEFAULT_HTTP_PORT

IMAGE = Dockerfile.read(ROOT / "Dockerfile")

GOOD = """\
# syntax=docker/dockerfile:1
ARG BASE=python:3.11-slim
FROM ${BASE} AS builder
RUN pip install .
FROM ${BASE}
COPY --from=builder /opt/venv /opt/venv
USER 10001
HEALTHCHECK --interval=5s \\
    CMD ["python", "-m", "services.common.probe"]
ENTRYPOINT ["leanbus"]
CMD ["service", "result"]
"""


class TestTheImage:
    def test_it_is_built_in_one_stage_and_shipped_from_another(self) -> None:
        assert [stage.name for stage in IMAGE.stages] == ["builder", "runtime"]
        assert all(stage.base == "python:3.11-slim" for stage in IMAGE.stages)
        [copied] = IMAGE.final.all("COPY")
        assert copied.arguments == "--from=builder /opt/venv /opt/venv"

    def test_it_runs_as_an_unprivileged_user_with_a_fixed_uid(self) -> None:
        user = IMAGE.final.last("USER")
        assert user is not None
        assert user.arguments == "10001:10001"

    def test_its_entrypoint_is_the_leanbus_console_script(self) -> None:
        scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]

        assert IMAGE.entrypoint() == ["leanbus"]
        assert scripts["leanbus"] == "services.launcher.cli:main"
        assert IMAGE.cmd() == ["service", "algorithm"]

    def test_its_health_check_runs_the_probe_module_on_the_exposed_port(self) -> None:
        program, flag, module = IMAGE.healthcheck()

        assert (program, flag) == ("python", "-m")
        assert (ROOT / (module.replace(".", "/") + ".py")).is_file()
        expose = IMAGE.final.last("EXPOSE")
        assert expose is not None
        assert expose.arguments == str(DEFAULT_HTTP_PORT)
        environment = IMAGE.final.last("ENV")
        assert environment is not None
        assert f"LEANBUS_HTTP_PORT={DEFAULT_HTTP_PORT}" in environment.arguments

    def test_it_passes_the_deploy_check(self) -> None:
        assert dockerfile_problems(IMAGE, ROOT) == []


class TestBuildContext:
    PATTERNS = read_dockerignore(ROOT / ".dockerignore")

    @pytest.mark.parametrize(
        "path",
        [".git/HEAD", ".venv/bin/python", "bench/.venv-nautilus/bin/python", "data/generated/equity",
         "backtests/run1/a.json", "build/k8s/dev.yaml", "services/common/__pycache__/main.cpython-311.pyc",
         ".mypy_cache/3.11/x.json", "tests/unit/test_config.py"],
    )  # fmt: skip
    def test_local_state_and_caches_stay_out(self, path: str) -> None:
        assert ignored(path, self.PATTERNS)

    @pytest.mark.parametrize(
        "path",
        ["pyproject.toml", "README.md", "libs/lean_core/lean_core/config.py", "services/common/probe.py"],
    )
    def test_what_the_install_needs_goes_in(self, path: str) -> None:
        assert not ignored(path, self.PATTERNS)

    def test_the_last_matching_pattern_wins(self) -> None:
        assert ignored("docs/a.md", ["**", "!docs", "docs/*.md"])
        assert not ignored("docs/b.txt", ["**", "!docs", "docs/*.md"])


class TestProblems:
    def test_a_sound_file_has_none(self) -> None:
        assert dockerfile_problems(Dockerfile.parse(GOOD), ROOT) == []

    def test_continuation_lines_and_global_args_are_read(self) -> None:
        parsed = Dockerfile.parse(GOOD)

        assert parsed.stages[0].base == "python:3.11-slim"
        assert parsed.healthcheck() == ["python", "-m", "services.common.probe"]

    @pytest.mark.parametrize(
        ("change", "problem"),
        [
            (("USER 10001\n", ""), "runs as root"),
            (("USER 10001\n", "USER root\n"), "runs as root"),
            (("HEALTHCHECK --interval=5s \\\n    CMD", "LABEL a=b \\\n    x="), "no HEALTHCHECK"),
            (('ENTRYPOINT ["leanbus"]\n', ""), "no ENTRYPOINT"),
            (("COPY --from=builder /opt/venv /opt/venv", "COPY services /opt/services"), "not multi-stage"),
        ],
    )
    def test_each_missing_essential_is_named(self, change: tuple[str, str], problem: str) -> None:
        text = GOOD.replace(*change)
        assert text != GOOD

        problems = dockerfile_problems(Dockerfile.parse(text), ROOT)

        assert any(problem in found for found in problems), problems

    def test_a_copy_source_missing_from_the_context_is_named(self) -> None:
        text = GOOD.replace("RUN pip install .", "COPY lib ./lib\nRUN pip install .")

        assert dockerfile_problems(Dockerfile.parse(text), ROOT) == [
            f"line 4: COPY lib: not in the build context {ROOT}"
        ]

    def test_a_copy_source_the_dockerignore_leaves_out_is_named(self, tmp_path: Path) -> None:
        (tmp_path / "tests").mkdir()
        (tmp_path / ".dockerignore").write_text("**\n!services\n")
        text = GOOD.replace("RUN pip install .", "COPY tests ./tests\nRUN pip install .")

        assert dockerfile_problems(Dockerfile.parse(text), tmp_path) == [
            "line 4: COPY tests: left out of the build context by .dockerignore"
        ]
