"""`python -m deploy.check` (`make deploy-check`): the deployment files checked offline, no Docker or cluster.

1. `docker-compose.yml` against the Compose specification's JSON Schema (the copy check-jsonschema vendors);
2. the `Dockerfile`: multi-stage, not root, a HEALTHCHECK, and COPY sources present in the build context;
3. `deploy/k8s`: the base and every overlay rendered with `kubectl kustomize`, and every rendered document
   validated against the Kubernetes JSON Schemas of each release in `KUBERNETES_VERSIONS`
   (kubernetes-validate, strict: a field Kubernetes does not know fails, as `kubectl apply` would).

Each problem is printed with the file, overlay or document it concerns; the exit status is 1 if there was any.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import kubernetes_validate
import yaml

from deploy.dockerfile import Dockerfile, dockerfile_problems

__all__ = [
    "KUBERNETES_VERSIONS",
    "ROOT",
    "RenderError",
    "compose_problems",
    "kubernetes_problems",
    "kustomizations",
    "main",
    "manifest_problems",
    "render",
]

ROOT = Path(__file__).resolve().parent.parent
#: The oldest release supported (that of the kubectl the project is tested with) and the newest with schemas.
KUBERNETES_VERSIONS = ("1.32.0", "1.37.0")
COMPOSE_SCHEMA = "vendor.compose-spec"


class RenderError(Exception):
    """`kubectl kustomize` could not render a kustomization."""

    def __init__(self, kustomization: Path, reason: str):
        self.kustomization = kustomization
        self.reason = reason
        super().__init__(f"{kustomization}: does not render: {reason}")


def compose_problems(compose_file: Path) -> list[str]:
    """Validate a Compose file against the Compose specification; return the schema's complaints."""
    if not compose_file.is_file():
        return [f"{compose_file}: no such file"]
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", COMPOSE_SCHEMA, str(compose_file)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode == 0:
        return []
    lines = [line.strip() for line in (done.stdout + done.stderr).splitlines()]
    return [line for line in lines if line and not line.startswith("Schema validation errors")]


def kustomizations(k8s_root: Path) -> list[Path]:
    """Return the base and each overlay folder that holds a kustomization.yaml, base first."""
    candidates = [k8s_root / "base", *sorted((k8s_root / "overlays").glob("*"))]
    return [folder for folder in candidates if (folder / "kustomization.yaml").is_file()]


def render(kustomization: Path, kubectl: str = "kubectl") -> list[dict[str, Any]]:
    """Render a kustomization with `kubectl kustomize` and return its documents."""
    if shutil.which(kubectl) is None:
        raise RenderError(kustomization, f"{kubectl} not found: install kubectl (it has kustomize built in)")
    done = subprocess.run(
        [kubectl, "kustomize", str(kustomization)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RenderError(kustomization, done.stderr.strip() or f"exit status {done.returncode}")
    try:
        documents = [document for document in yaml.safe_load_all(done.stdout) if document is not None]
    except yaml.YAMLError as error:
        raise RenderError(kustomization, f"the output is not YAML: {error}") from error
    if not documents:
        raise RenderError(kustomization, "rendered no resources")
    return documents


def manifest_problems(document: dict[str, Any], versions: Sequence[str] = KUBERNETES_VERSIONS) -> list[str]:
    """Validate one Kubernetes document, strictly, against each release's schema; return the complaints."""
    problems = []
    for version in versions:
        try:
            kubernetes_validate.validate(document, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            where = ".".join(str(part) for part in error.path) or "(top level)"
            problems.append(f"Kubernetes {version}: {where}: {error.message}")
        except kubernetes_validate.SchemaNotFoundError as error:
            problems.append(f"Kubernetes {version}: {error.message}")
    return problems


def kubernetes_problems(k8s_root: Path, kubectl: str = "kubectl") -> list[str]:
    """Render every kustomization under `k8s_root` and validate each document; return what failed."""
    folders = kustomizations(k8s_root)
    if not folders:
        return [f"{k8s_root}: no kustomization.yaml in base/ or overlays/*/"]
    problems = []
    for folder in folders:
        try:
            documents = render(folder, kubectl)
        except RenderError as error:
            problems.append(str(error))
            continue
        for document in documents:
            name = f"{document.get('kind')}/{document.get('metadata', {}).get('name')}"
            problems += [f"{folder}: {name}: {problem}" for problem in manifest_problems(document)]
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """Run every check, print each outcome, and return 1 if any failed."""
    parser = argparse.ArgumentParser(prog="python -m deploy.check", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository (default: this one)")
    parser.add_argument("--kubectl", default="kubectl", help="the kubectl to render kustomizations with")
    args = parser.parse_args(argv)
    root: Path = args.root
    checks = {
        "docker-compose.yml against the Compose specification": compose_problems(root / "docker-compose.yml"),
        "Dockerfile": _dockerfile_problems(root),
        f"deploy/k8s rendered and validated against Kubernetes {', '.join(KUBERNETES_VERSIONS)}": (
            kubernetes_problems(root / "deploy" / "k8s", args.kubectl)
        ),
    }
    for title, problems in checks.items():
        print(f"{'FAIL' if problems else 'ok':<5}{title}")
        for problem in problems:
            print(f"     {problem}")
    return 1 if any(checks.values()) else 0


def _dockerfile_problems(root: Path) -> list[str]:
    path = root / "Dockerfile"
    if not path.is_file():
        return [f"{path}: no such file"]
    return [f"{path}: {problem}" for problem in dockerfile_problems(Dockerfile.read(path), root)]


if __name__ == "__main__":
    sys.exit(main())
