"""What an operator sees of the services: probes and metrics, and a feed that waits for a slow algorithm."""

from __future__ import annotations

import asyncio
import threading
import time
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from lean_core.bus import messages as m
from lean_core.engine.ports import INITIAL_BATCH_CREDIT
from lean_core.engine.topology import Role
from services.common.run_client import RemoteRunResult, submit_run
from services.common.stack import ServiceProcess, ServiceStack
from tests.integration.service_runs import over_nats, settings_for

pytestmark = pytest.mark.timeout(300)

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode()


def _metrics(service: ServiceProcess) -> Samples:
    """Return every sample of a service's /metrics, keyed by name and sorted labels."""
    _, text = _get(f"{service.health_url}/metrics")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _value(samples: Samples, name: str, **labels: str) -> float:
    """Sum the samples of `name` whose labels include `labels`."""
    return sum(
        value
        for (sample, sample_labels), value in samples.items()
        if sample == name and labels.items() <= dict(sample_labels).items()
    )


def test_every_service_answers_its_probes_and_counts_a_run(service_stack: ServiceStack) -> None:
    over_nats(service_stack.nats_url, "basic_template_algorithm.py", service_stack.results_folder)

    for role, service in service_stack.processes.items():
        assert _get(f"{service.health_url}/healthz")[0] == 200
        assert _get(f"{service.health_url}/readyz")[0] == 200
        samples = _metrics(service)
        assert _value(samples, "leanbus_runs_started_total", service=str(role)) >= 1, role
        assert _value(samples, "leanbus_runs_finished_total", service=str(role), status="completed") >= 1, (
            role
        )
        assert _value(samples, "leanbus_messages_published_total", service=str(role)) >= 1, role
    algorithm = _metrics(service_stack.processes[Role.ALGORITHM])
    assert _value(algorithm, "leanbus_data_points_total") > 0
    assert _value(algorithm, "leanbus_batch_duration_seconds_count") > 0


SLOW_ALGORITHM = """
import time as clock

from AlgorithmImports import *  # its `time` is datetime's, hence the alias above


class SlowAlgorithm(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 8)
        self.add_equity("SPY", Resolution.MINUTE)

    def on_data(self, data):
        clock.sleep(0.003)
"""


def test_the_feed_waits_for_a_slow_algorithm_rather_than_queueing_batches(
    service_stack: ServiceStack,
) -> None:
    feed, algorithm = service_stack.processes[Role.DATA_FEED], service_stack.processes[Role.ALGORITHM]

    def published() -> float:
        return _value(_metrics(feed), "leanbus_messages_published_total", type="DataBatch")

    def processed() -> float:
        return _value(_metrics(algorithm), "leanbus_batch_duration_seconds_count")

    sent_before, done_before = published(), processed()
    settings = m.RunSettings(algorithm_source=SLOW_ALGORITHM, batch_steps=40)
    result: list[RemoteRunResult] = []
    run = threading.Thread(target=lambda: result.append(_submit(service_stack, settings)))
    run.start()
    ahead = []
    while run.is_alive():
        sent = published() - sent_before  # read before the algorithm's count: the bound holds a fortiori
        ahead.append(sent - (processed() - done_before))
        time.sleep(0.05)
    run.join()

    assert result and result[0].written.status == "Completed"
    assert len(ahead) > 20  # sampled through the run, not only at its ends
    assert max(ahead) <= INITIAL_BATCH_CREDIT
    assert published() - sent_before > 5 * INITIAL_BATCH_CREDIT  # many batches went through


def _submit(stack: ServiceStack, settings: m.RunSettings) -> RemoteRunResult:
    return asyncio.run(submit_run(stack.nats_url, settings, timeout=240))


def test_settings_for_names_the_file_it_submits() -> None:
    settings = settings_for("basic_template_algorithm.py")

    assert settings.algorithm_file == "basic_template_algorithm.py"
    assert "class BasicTemplateAlgorithm" in settings.algorithm_source


ORDER_EVERY_MINUTE = """
from AlgorithmImports import *


class OrderEveryMinute(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 7)
        self.add_equity("SPY", Resolution.MINUTE)

    def on_data(self, data):
        self.market_order("SPY", 1 if self.portfolio["SPY"].quantity <= 0 else -1)
"""


def test_order_events_reach_the_result_service_gathered_not_one_message_an_order(
    service_stack: ServiceStack,
) -> None:
    transaction = service_stack.processes[Role.TRANSACTION]

    def event_messages() -> float:
        return _value(_metrics(transaction), "leanbus_messages_published_total", type="OrderEvents")

    before = event_messages()
    result = _submit(service_stack, m.RunSettings(algorithm_source=ORDER_EVERY_MINUTE, batch_steps=60))
    sent = event_messages() - before

    assert result.written.status == "Completed"
    orders = int(result.written.statistics["Total Orders"])
    assert orders > 300  # one a minute of the session
    assert 1 <= sent <= 12  # about one a batch of 60 steps (and one at the end), not one an order
