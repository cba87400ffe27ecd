"""The engine processes' garbage collector settings."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from services.common.garbage_collection import ENGINE_THRESHOLDS, tune_for_engine


@pytest.fixture
def restored_thresholds() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)


@pytest.mark.usefixtures("restored_thresholds")
def test_engine_thresholds_collect_young_objects_less_often_than_the_default() -> None:
    gc.set_threshold(700, 10, 10)

    tune_for_engine()

    assert gc.get_threshold() == ENGINE_THRESHOLDS
    assert ENGINE_THRESHOLDS[0] > 700
