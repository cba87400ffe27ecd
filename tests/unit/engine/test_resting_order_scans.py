"""Resting orders cost a round trip only when one fills; triggers and trails go without waiting.

The algorithm handler previews each resting order's fill model (`fill_preview`) and asks the
transaction handler to scan only at a fill; a trigger or trail it applies itself and sends on as a
notice, which the transaction handler checks against its own scan.
"""

from __future__ import annotations

import copy
from datetime import datetime
from pathlib import Path

import pytest

from lean_core.bus import messages as m
from lean_core.engine import algorithm_handler
from lean_core.engine.embedded import BacktestRun
from lean_core.orders.fill_preview import RestingOrderPreview
from lean_core.orders.orders import Order
from lean_core.securities.security import Security
from tests.conformance.regression import load_algorithm

pytestmark = pytest.mark.lean_data


def _trailing_stop_run(lean_data_folder: Path, tmp_path: Path) -> BacktestRun:
    return BacktestRun(
        load_algorithm("trailing_stop_order_regression_algorithm.py"),
        data_folder=lean_data_folder,
        output_folder=tmp_path,
    )


def test_trails_are_sent_without_waiting_and_every_scan_waited_on_fills_an_order(
    lean_data_folder: Path, tmp_path: Path
) -> None:
    run = _trailing_stop_run(lean_data_folder, tmp_path)
    scans: list[tuple[m.ScanOrdersRequest, m.Message]] = []
    request = run.bus.request

    def recording(subject: str, message: m.Message) -> m.Message:
        reply = request(subject, message)
        if isinstance(message, m.ScanOrdersRequest):
            scans.append((message, reply))
        return reply

    run.bus.request = recording  # type: ignore[method-assign]
    result = run.run()

    assert result.status == "Completed", result.error
    waited = [reply for scan, reply in scans if scan.expected_updates is None]
    notices = [scan for scan, _ in scans if scan.expected_updates is not None]
    assert waited and all(isinstance(reply, m.OrderReply) and reply.events for reply in waited)
    assert len(notices) > 10 * len(waited)  # the stops trail far more often than they fill
    assert all(scan.expected_updates for scan in notices)


def test_a_scan_that_does_other_than_the_algorithm_foresaw_fails_the_run(
    lean_data_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def foresees_a_trail_every_step(security: Security, order: Order, when: datetime) -> RestingOrderPreview:
        return RestingOrderPreview(needs_scan=False, updated=copy.copy(order))

    monkeypatch.setattr(algorithm_handler, "preview_resting_order", foresees_a_trail_every_step)

    result = _trailing_stop_run(lean_data_folder, tmp_path).run()

    assert result.status == "RuntimeError"
    assert "the algorithm foresaw only triggers or trails of [" in result.error
