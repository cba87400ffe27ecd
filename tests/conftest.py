"""Shared fixtures: where LEAN's sample data lives, and a scratch data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent

# The conformance tests assert in this shared helper: keep pytest's detailed failure messages.
pytest.register_assert_rewrite("tests.conformance.regression")


def _shared_folder(env_name: str, default_name: str) -> Path | None:
    configured = os.environ.get(env_name)
    folder = Path(configured) if configured else REPO_ROOT.parent / "shared" / default_name
    return folder if folder.is_dir() else None


@pytest.fixture(scope="session")
def lean_data_folder() -> Path:
    """Return LEAN's sample data folder, or skip when it is not beside the repo."""
    folder = _shared_folder("LEAN_DATA_FOLDER", "lean-data")
    if folder is None:
        pytest.skip("LEAN sample data not found: set LEAN_DATA_FOLDER or put it at ../shared/lean-data")
    return folder


@pytest.fixture(scope="session")
def lean_testdata_folder() -> Path:
    """Return LEAN's test data folder (indicator references), or skip when absent."""
    folder = _shared_folder("LEAN_TESTDATA_FOLDER", "lean-testdata")
    if folder is None:
        pytest.skip("LEAN test data not found: set LEAN_TESTDATA_FOLDER or put it at ../shared/lean-testdata")
    return folder
