"""ServiceMetrics keeps each service's metrics in its own registry under leanbus_ names."""

from __future__ import annotations

import pytest

from services.common.metrics import ErrorKind, RunStatus, ServiceMetrics


def _value(metrics: ServiceMetrics, name: str, **labels: str) -> float | None:
    return metrics.registry.get_sample_value(name, {"service": metrics.service, **labels})


def test_every_metric_name_has_the_leanbus_prefix() -> None:
    names = {family.name for family in ServiceMetrics("transaction").registry.collect()}

    assert names and all(name.startswith("leanbus_") for name in names)


def test_two_services_in_one_process_do_not_share_counts() -> None:
    algorithm, transaction = ServiceMetrics("algorithm"), ServiceMetrics("transaction")

    algorithm.data_points_processed(390)

    assert _value(algorithm, "leanbus_data_points_total") == 390
    assert _value(transaction, "leanbus_data_points_total") == 0


def test_a_run_is_active_between_start_and_finish() -> None:
    metrics = ServiceMetrics("algorithm")

    metrics.run_started()
    active_during = _value(metrics, "leanbus_runs_active")
    metrics.run_finished(RunStatus.COMPLETED)

    assert active_during == 1
    assert _value(metrics, "leanbus_runs_active") == 0
    assert _value(metrics, "leanbus_runs_started_total") == 1
    assert _value(metrics, "leanbus_runs_finished_total", status="completed") == 1


def test_messages_are_counted_by_stream_and_type() -> None:
    metrics = ServiceMetrics("transaction")

    metrics.message_received("orders", "SubmitOrderRequest")
    metrics.message_received("orders", "SubmitOrderRequest")
    metrics.message_published("order-events", "OrderEvent")

    received = _value(metrics, "leanbus_messages_received_total", stream="orders", type="SubmitOrderRequest")
    published = _value(metrics, "leanbus_messages_published_total", stream="order-events", type="OrderEvent")
    assert (received, published) == (2, 1)


def test_error_kinds_and_run_outcomes_are_exported_as_zero_before_any_happens() -> None:
    metrics = ServiceMetrics("result")

    assert all(_value(metrics, "leanbus_errors_total", kind=kind.value) == 0 for kind in ErrorKind)
    assert all(_value(metrics, "leanbus_runs_finished_total", status=s.value) == 0 for s in RunStatus)


def test_a_malformed_message_is_also_a_decode_error() -> None:
    metrics = ServiceMetrics("algorithm")

    metrics.malformed_message("slices")

    assert _value(metrics, "leanbus_malformed_messages_total", stream="slices") == 1
    assert _value(metrics, "leanbus_errors_total", kind="decode") == 1


def test_a_batch_is_timed_even_when_its_handler_raises() -> None:
    metrics = ServiceMetrics("algorithm")

    with pytest.raises(ValueError), metrics.time_batch():
        raise ValueError("handler failed")
    with metrics.time_batch():
        pass

    assert _value(metrics, "leanbus_batch_duration_seconds_count") == 2
