"""Structured logs for a service process: JSON lines on stderr, one renderer for structlog and stdlib.

lean_core logs through the standard `logging` module and never configures it; a service calls
`configure_logging` once at start, and from then on both its own structlog events and lean_core's
records leave as JSON with a UTC timestamp, the level, the logger, the service and, inside
`run_context`, the run id. Credentials never reach the output: URLs have their user info masked
and fields named like secrets are blanked, whatever logged them.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

__all__ = ["bind_run", "configure_logging", "redact_url", "run_context"]

_MASK = "***"
# scheme://userinfo@ — greedy up to the last @ before a slash, so a raw @ in a password is masked too.
_URL_USERINFO = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.\-]*://)(?P<userinfo>[^\s/]+)@")
_SECRET_KEY_PARTS = ("password", "passwd", "secret", "token", "credential", "authorization", "api_key")


class _ServiceHandler(logging.StreamHandler[TextIO]):
    """The root handler `configure_logging` installs, told apart so a second call replaces it."""


def redact_url(url: str) -> str:
    """Mask the credentials in every URL of `url`: `nats://alice:s3cret@host` -> `nats://alice:***@host`.

    With `user:password` the user stays, as it helps to know who connected; a lone user info is a
    token (`nats://TOKEN@host`), so all of it is masked.
    """
    return _URL_USERINFO.sub(_mask_userinfo, url)


def _mask_userinfo(match: re.Match[str]) -> str:
    user, has_password, _ = match["userinfo"].partition(":")
    masked = f"{user}:{_MASK}" if has_password else _MASK
    return f"{match['scheme']}{masked}@"


def configure_logging(
    service: str, level: str | int = "INFO", *, json: bool = True, stream: TextIO | None = None
) -> None:
    """Send every log record of this process to `stream` (stderr) as JSON lines tagged with `service`.

    `json=False` renders the same events for a human at a terminal. Calling again replaces the
    previous setup; handlers installed by others (pytest's, for one) are left in place.
    """
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _ServiceAdder(service),
    ]
    handler = _ServiceHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(_formatter(shared, json=json))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _ServiceHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        # Cached loggers would keep the service name of the configuration they first saw.
        cache_logger_on_first_use=False,
    )


def _formatter(shared: list[Processor], *, json: bool) -> structlog.stdlib.ProcessorFormatter:
    renderer: list[Processor]
    if json:
        renderer = [structlog.processors.format_exc_info, _redact, structlog.processors.JSONRenderer()]
    else:
        renderer = [_redact, structlog.dev.ConsoleRenderer(colors=False)]
    return structlog.stdlib.ProcessorFormatter(
        # Records from stdlib loggers (lean_core's) take the same steps as structlog's own events;
        # ExtraAdder turns `extra={...}` into fields.
        foreign_pre_chain=[*shared, structlog.stdlib.ExtraAdder()],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *renderer],
    )


def bind_run(run_id: str, **fields: Any) -> structlog.stdlib.BoundLogger:
    """Return a logger whose every event carries `run_id` (and any other `fields`)."""
    logger: structlog.stdlib.BoundLogger = structlog.stdlib.get_logger().bind(run_id=run_id, **fields)
    return logger


@contextmanager
def run_context(run_id: str, **fields: Any) -> Iterator[None]:
    """Tag every record logged inside the block, stdlib ones included, with `run_id` and `fields`.

    The binding lives in a context variable, so it follows the current asyncio task and no other.
    """
    with structlog.contextvars.bound_contextvars(run_id=run_id, **fields):
        yield


class _ServiceAdder:
    """Put the service name on every event."""

    def __init__(self, service: str):
        self._service = service

    def __call__(self, logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
        event_dict.setdefault("service", self._service)
        return event_dict


def _redact(logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
    """Blank fields named like secrets and mask credentials in any URL inside a string field."""
    for key, value in event_dict.items():
        if _looks_secret(key):
            event_dict[key] = _MASK
        elif isinstance(value, str) and "://" in value and "@" in value:
            event_dict[key] = redact_url(value)
    return event_dict


def _looks_secret(key: str) -> bool:
    lowered = key.lower()
    return any(part in lowered for part in _SECRET_KEY_PARTS)
