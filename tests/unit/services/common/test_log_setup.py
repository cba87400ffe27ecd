"""configure_logging turns structlog events and stdlib records alike into JSON lines without secrets."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import structlog

from services.common.log_setup import bind_run, configure_logging, redact_url, run_context


@pytest.fixture
def output() -> Iterator[io.StringIO]:
    """Capture this process's log output, and put the global logging setup back afterwards."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    saved_structlog = structlog.get_config()
    stream = io.StringIO()
    try:
        yield stream
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
        structlog.configure(**saved_structlog)


def _lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_an_event_is_one_json_line_with_timestamp_level_logger_and_service(output: io.StringIO) -> None:
    configure_logging("transaction", stream=output)

    structlog.stdlib.get_logger("services.transaction").info("order_submitted", order_id=7)

    [line] = _lines(output)
    assert line["event"] == "order_submitted"
    assert line["order_id"] == 7
    assert line["level"] == "info"
    assert line["logger"] == "services.transaction"
    assert line["service"] == "transaction"
    assert line["timestamp"].endswith("Z")


def test_bind_run_puts_the_run_id_on_every_event(output: io.StringIO) -> None:
    configure_logging("algorithm", stream=output)
    log = bind_run("run-42", symbol="SPY")

    log.info("run_started")
    log.warning("data_gap", minutes=3)

    assert [(line["run_id"], line["symbol"], line["service"]) for line in _lines(output)] == [
        ("run-42", "SPY", "algorithm")
    ] * 2


def test_stdlib_records_inside_a_run_context_carry_the_run_id_and_extras(output: io.StringIO) -> None:
    configure_logging("algorithm", stream=output)

    with run_context("run-7"):
        logging.getLogger("lean_core.engine.transaction_handler").warning(
            "order %s rejected", 12, extra={"order_id": 12}
        )
    logging.getLogger("lean_core.engine.transaction_handler").warning("outside the run")

    inside, outside = _lines(output)
    assert inside["event"] == "order 12 rejected"
    assert (inside["run_id"], inside["order_id"], inside["service"]) == ("run-7", 12, "algorithm")
    assert inside["logger"] == "lean_core.engine.transaction_handler"
    assert "run_id" not in outside


def test_records_below_the_level_are_dropped(output: io.StringIO) -> None:
    configure_logging("result", level="WARNING", stream=output)

    structlog.stdlib.get_logger().info("not_shown")
    logging.getLogger("lean_core").info("not shown either")
    structlog.stdlib.get_logger().warning("shown")

    assert [line["event"] for line in _lines(output)] == ["shown"]


def test_an_exception_is_rendered_into_the_json_line(output: io.StringIO) -> None:
    configure_logging("realtime", stream=output)

    try:
        raise ValueError("bad schedule")
    except ValueError:
        logging.getLogger("lean_core.scheduling").exception("event_failed")

    [line] = _lines(output)
    assert "ValueError: bad schedule" in line["exception"]


def test_configuring_again_replaces_the_handler_rather_than_adding_one(output: io.StringIO) -> None:
    configure_logging("algorithm", stream=io.StringIO())
    configure_logging("data-feed", stream=output)

    structlog.stdlib.get_logger().info("once")

    assert [(line["event"], line["service"]) for line in _lines(output)] == [("once", "data-feed")]


def test_console_rendering_is_for_people(output: io.StringIO) -> None:
    configure_logging("algorithm", json=False, stream=output)

    structlog.stdlib.get_logger().info("run_started", run_id="r1")

    text = output.getvalue()
    assert "run_started" in text and "service=algorithm" in text
    assert not text.startswith("{")


class TestSecretsStayOutOfLogs:
    def test_credentials_in_url_fields_and_messages_are_masked(self, output: io.StringIO) -> None:
        configure_logging("algorithm", stream=output)

        structlog.stdlib.get_logger().info("bus_connecting", servers="nats://alice:s3cret@bus:4222")
        logging.getLogger("services.bus").info("connecting to %s", "tls://TOKEN123@bus:4222")

        text = output.getvalue()
        assert "s3cret" not in text and "TOKEN123" not in text
        first, second = _lines(output)
        assert first["servers"] == "nats://alice:***@bus:4222"
        assert second["event"] == "connecting to tls://***@bus:4222"

    def test_fields_named_like_secrets_are_blanked(self, output: io.StringIO) -> None:
        configure_logging("transaction", stream=output)

        structlog.stdlib.get_logger().info("brokerage_login", api_key="k-123", nats_password="p", user="bob")

        [line] = _lines(output)
        assert (line["api_key"], line["nats_password"], line["user"]) == ("***", "***", "bob")

    @pytest.mark.parametrize(
        ("url", "redacted"),
        [
            ("nats://alice:s3cret@localhost:4222", "nats://alice:***@localhost:4222"),
            ("nats://s3cr3t-token@localhost:4222", "nats://***@localhost:4222"),
            ("nats://localhost:4222", "nats://localhost:4222"),
            ("nats://a:p@ss@h1:4222,nats://b:q@h2:4222", "nats://a:***@h1:4222,nats://b:***@h2:4222"),
            ("https://u:p@example.com/path?x=@y", "https://u:***@example.com/path?x=@y"),
            ("no url at all", "no url at all"),
        ],
        ids=["user-password", "token", "no-credentials", "server-list", "path-with-at", "plain-text"],
    )
    def test_redact_url(self, url: str, redacted: str) -> None:
        assert redact_url(url) == redacted
