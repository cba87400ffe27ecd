"""Who consumes and answers what: the routing tables of the five handlers, for every transport.

The tables are the whole contract between the handlers. The embedded run wires all five
endpoints to one in-process bus; each NATS service wires one endpoint to its connection. Both go
through `RoleEndpoint`, so a message reaches the same handler method, in the same way, whichever
transport carried it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from lean_core.bus import messages as m
from lean_core.bus.subjects import Stream, subject
from lean_core.engine.ports import Outbox

__all__ = [
    "ROLES",
    "Answered",
    "Consume",
    "Role",
    "RoleEndpoint",
    "RoleRoutes",
    "Serve",
    "roles_done_by",
    "server_of",
]


class Role(StrEnum):
    """The five services, by the names their processes and Kubernetes deployments carry."""

    DATA_FEED = "data-feed"
    TRANSACTION = "transaction"
    REALTIME = "realtime"
    RESULT = "result"
    ALGORITHM = "algorithm"


@dataclass(frozen=True, slots=True)
class Consume:
    """Messages of `kind` published on `stream` go to the handler's `method` (message -> outbox)."""

    stream: Stream
    kind: type[m.Message]
    method: str


@dataclass(frozen=True, slots=True)
class Serve:
    """Requests on `stream` are answered by the handler method their type maps to.

    `announce_events`: the replies' order events are also published on the run's order-event
    stream, for the consumers that are not the requester (the result handler, `leanbus watch`).
    """

    stream: Stream
    methods: Mapping[type[m.Message], str]
    announce_events: bool = False


@dataclass(frozen=True, slots=True)
class RoleRoutes:
    """One role's table, and the message that ends its part in a run.

    A role is done with a run once it has sent `ends_after_sending` or received
    `ends_after_receiving` (whichever it has).
    """

    consumes: tuple[Consume, ...] = ()
    serves: tuple[Serve, ...] = ()
    ends_after_sending: type[m.Message] | None = None
    ends_after_receiving: type[m.Message] | None = None
    watches: tuple[Role, ...] = (Role.ALGORITHM,)
    """The roles whose heartbeats this one follows (`liveness`); the algorithm's end ends the run."""


_INITIALIZED = Consume(Stream.CONTROL, m.AlgorithmInitialized, "on_initialized")
_FINISHED = Consume(Stream.CONTROL, m.AlgorithmFinished, "on_algorithm_finished")

#: The roles in the order an in-process bus delivers a message to them: the transaction handler
#: holds a batch before the algorithm's orders on it arrive, the result handler sees a batch's
#: order events before the algorithm's progress on it.
ROLES: dict[Role, RoleRoutes] = {
    Role.DATA_FEED: RoleRoutes(
        consumes=(_INITIALIZED, Consume(Stream.DATA_REQUESTS, m.DataBatchRequest, "on_batch_request")),
        serves=(Serve(Stream.DATA_REQUESTS, {m.HistoryRequest: "on_history"}),),
        ends_after_receiving=m.AlgorithmFinished,
    ),
    Role.TRANSACTION: RoleRoutes(
        consumes=(
            _INITIALIZED,
            _FINISHED,
            Consume(Stream.SLICES, m.DataBatch, "on_batch"),
        ),
        serves=(
            Serve(
                Stream.ORDER_REQUESTS,
                {
                    m.SubmitOrderRequest: "on_submit",
                    m.UpdateOrderRequest: "on_update",
                    m.CancelOrderRequest: "on_cancel",
                    m.ScanOrdersRequest: "on_scan",
                },
                announce_events=True,
            ),
        ),
        ends_after_sending=m.OrdersFinished,
    ),
    Role.REALTIME: RoleRoutes(
        consumes=(_INITIALIZED,),
        serves=(
            Serve(
                Stream.CLOCK_REQUESTS,
                {
                    m.ScheduleEventRequest: "on_schedule",
                    m.RemoveScheduledEventRequest: "on_schedule",
                    m.ClockEventsRequest: "on_clock_request",
                },
            ),
        ),
        ends_after_receiving=m.AlgorithmFinished,
    ),
    Role.RESULT: RoleRoutes(
        consumes=(
            _INITIALIZED,
            _FINISHED,
            Consume(Stream.ORDER_EVENTS, m.OrderEvents, "on_order_events"),
            Consume(Stream.RESULTS, m.AlgorithmProgress, "on_progress"),
            Consume(Stream.RESULTS, m.OrdersFinished, "on_orders_finished"),
            Consume(Stream.CONTROL, m.ServiceFailed, "on_service_failed"),
        ),
        ends_after_sending=m.ResultsWritten,
        # without the transaction service the final order book never comes: write without it
        watches=(Role.ALGORITHM, Role.TRANSACTION),
    ),
    Role.ALGORITHM: RoleRoutes(
        consumes=(
            Consume(Stream.CONTROL, m.DataFeedFinished, "on_feed_finished"),
            Consume(Stream.CONTROL, m.ServiceFailed, "on_service_failed"),
            Consume(Stream.SLICES, m.DataBatch, "on_batch"),
        ),
        ends_after_sending=m.AlgorithmFinished,
        watches=(Role.DATA_FEED, Role.TRANSACTION, Role.REALTIME, Role.RESULT),
    ),
}


def roles_done_by(message: m.Message) -> list[Role]:
    """Return the roles whose part of a run is over once `message` is out (their silence is no fault)."""
    return [
        role
        for role, routes in ROLES.items()
        if (routes.ends_after_sending is not None and isinstance(message, routes.ends_after_sending))
        or (routes.ends_after_receiving is not None and isinstance(message, routes.ends_after_receiving))
    ]


def server_of(stream: Stream) -> Role | None:
    """Return the role that answers requests on `stream` (None: nobody does)."""
    for role, routes in ROLES.items():
        if any(serve.stream is stream for serve in routes.serves):
            return role
    return None


@dataclass(frozen=True, slots=True)
class Answered:
    """A request's reply, and what answering it publishes."""

    reply: m.Message
    outbox: Outbox


class RoleEndpoint:
    """One handler of one run behind its role's table: messages in, outboxes and replies out."""

    def __init__(self, role: Role, handler: Any, run_id: str) -> None:
        self.role = role
        self.handler = handler
        self.run_id = run_id
        self.routes = ROLES[role]
        self.done = False
        self._consumers: dict[Stream, dict[type[m.Message], Callable[[Any], Outbox]]] = {}
        for route in self.routes.consumes:
            table = self._consumers.setdefault(route.stream, {})
            table[route.kind] = getattr(handler, route.method)
        self._responders: dict[Stream, tuple[Serve, dict[type[m.Message], Callable[[Any], m.Message]]]] = {
            serve.stream: (serve, {kind: getattr(handler, name) for kind, name in serve.methods.items()})
            for serve in self.routes.serves
        }
        if self.routes.ends_after_receiving is not None:
            self._consumers.setdefault(Stream.CONTROL, {})

    # -- what to listen to ------------------------------------------------------------------------
    def streams(self) -> list[Stream]:
        """Return the streams this endpoint consumes or serves, each once, in table order."""
        ordered = [*self._consumers, *self._responders]
        return list(dict.fromkeys(ordered))

    def subjects(self) -> list[str]:
        """Return the subjects of `streams()` for this run."""
        return [subject(self.run_id, stream) for stream in self.streams()]

    def consumes(self, stream: Stream, message: m.Message) -> bool:
        """Tell whether a published message on `stream` is for this endpoint."""
        return type(message) in self._consumers.get(stream, {}) or self._ends_on(message)

    def serves(self, stream: Stream, message: m.Message) -> bool:
        """Tell whether a request on `stream` is one this endpoint answers."""
        entry = self._responders.get(stream)
        return entry is not None and type(message) in entry[1]

    # -- delivery ---------------------------------------------------------------------------------
    def deliver(self, stream: Stream, message: m.Message) -> Outbox:
        """Hand a published message to its handler method; return what the handler publishes."""
        method = self._consumers.get(stream, {}).get(type(message))
        outbox = method(message) if method is not None else []
        if self._ends_on(message):
            self.done = True
        return self.sent(outbox)

    def ready_for(self, message: m.Message) -> bool:
        """Tell whether the handler can take `message` now, or it must wait for other messages.

        A request can overtake the data it refers to when it comes from another process (the
        transaction handler's order requests and the feed's batches); in one process it never does.
        """
        ready = getattr(self.handler, "ready_for", None)
        return ready is None or bool(ready(message))

    def answer(self, stream: Stream, message: m.Message) -> Answered:
        """Answer a request; the outbox holds the reply's order events when the table says so."""
        entry = self._responders.get(stream)
        if entry is None or type(message) not in entry[1]:
            raise TypeError(f"{self.role} does not answer {type(message).__name__} on {stream}")
        serve, methods = entry
        reply = methods[type(message)](message)
        outbox: Outbox = []
        if serve.announce_events and isinstance(reply, m.OrderReply) and reply.events:
            outbox.append((Stream.ORDER_EVENTS, m.OrderEvents(run_id=self.run_id, events=reply.events)))
        return Answered(reply, outbox)

    def sent(self, outbox: Outbox) -> Outbox:
        """Note the end of this role's part if `outbox` carries its final message; return it."""
        final = self.routes.ends_after_sending
        if final is not None and any(isinstance(message, final) for _, message in outbox):
            self.done = True
        return outbox

    def _ends_on(self, message: m.Message) -> bool:
        final = self.routes.ends_after_receiving
        return final is not None and isinstance(message, final)
