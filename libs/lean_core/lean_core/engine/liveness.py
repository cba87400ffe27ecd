"""Which services of a run are still there: heartbeats in, the overdue ones out.

Every service taking part in a run sends a heartbeat on the run's heartbeat stream every
`HEARTBEAT_INTERVAL` seconds, from its event loop (so a long handler call does not silence it).
A service watching another treats it as gone once it has been silent for `HEARTBEAT_TIMEOUT`:
the run then fails naming it, instead of waiting forever for a message that cannot come.
"""

from __future__ import annotations

from dataclasses import dataclass

from lean_core.bus import messages as m
from lean_core.engine.topology import roles_done_by

__all__ = ["HEARTBEAT_INTERVAL", "HEARTBEAT_TIMEOUT", "LivenessWatch", "Silence"]

HEARTBEAT_INTERVAL = 1.0
HEARTBEAT_TIMEOUT = 5.0


@dataclass(frozen=True, slots=True)
class Silence:
    """A watched role that has not been heard from in time."""

    role: str
    service_id: str
    seconds: float

    def describe(self) -> str:
        """Say what happened, for the run's error."""
        who = f"the {self.role} service" + (f" ({self.service_id})" if self.service_id else "")
        return f"{who} stopped: no heartbeat for {self.seconds:.1f} s"


class LivenessWatch:
    """Track the last heartbeat of each watched role; report each silent one once."""

    def __init__(self, roles: list[str], now: float, timeout: float = HEARTBEAT_TIMEOUT) -> None:
        self.timeout = timeout
        # A role counts as heard from when the watch starts: every role joined before that.
        self._last = dict.fromkeys(roles, now)
        self._service: dict[str, str] = {}
        self._reported: set[str] = set()

    def beat(self, role: str, service_id: str, now: float) -> None:
        """Take a heartbeat (of a role this watch does not follow: ignored)."""
        if role in self._last:
            self._last[role] = max(self._last[role], now)
            self._service[role] = service_id

    def follow(self, message: m.Message, now: float) -> None:
        """Take what a run's message says of its roles: a heartbeat, or a role's part over."""
        if isinstance(message, m.Heartbeat):
            self.beat(message.role, message.service_id, now)
        for role in roles_done_by(message):
            self.retire(str(role))

    def retire(self, role: str) -> None:
        """Stop following a role that finished its part of the run: from now on its silence is expected."""
        self._reported.add(role)

    def silent(self, now: float) -> list[Silence]:
        """Return the roles silent for longer than the timeout, each only the first time."""
        found = []
        for role, last in self._last.items():
            if role not in self._reported and now - last > self.timeout:
                self._reported.add(role)
                found.append(Silence(role, self._service.get(role, ""), now - last))
        return found
