"""Who asked: the request id and correlation id stamped on every stored event.

The API sets them per HTTP request, workers per job, the CLI per command; a
save with none set gets a fresh request id of its own. Commands keep their signatures: the
application's mapper (StampingMapper) adds `request_id` and `correlation_id` to the stored state of
each domain event, and reading an event back gives it those attributes (the library restores the
whole stored state). Events stored before this have neither: read them with getattr(..., None).
Aggregates never see them: the library passes an event's methods only the fields they name."""

from __future__ import annotations

import contextvars
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from eventsourcing.domain import Snapshot
from eventsourcing.persistence import Mapper, StoredEvent

log = logging.getLogger("docsplane.commands")


@dataclass
class Outcome:
    saves: int = 0  # saves of the request that were stored


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    correlation_id: str  # shared by the events of one request, and by everything done on its behalf
    # An outage after a save must not be answered "nothing was changed".
    outcome: Outcome = field(default_factory=Outcome, compare=False)


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("docsplane_request", default=None)


def new_id() -> str:
    """32 random hex digits (the API makes one per request: os.urandom alone, without building a UUID)."""
    return os.urandom(16).hex()


def current() -> RequestContext | None:
    return _current.get()


def enter(request_id: str | None = None, correlation_id: str | None = None) -> tuple[RequestContext, contextvars.Token]:
    """Make these ids current (a new request id when none is given; the correlation id defaults to
    the request id) until `leave(token)`: for a context that begins and ends in two hooks."""
    request_id = request_id or new_id()
    context = RequestContext(request_id, correlation_id or request_id)
    return context, _current.set(context)


def leave(token: contextvars.Token) -> None:
    _current.reset(token)


@contextmanager
def request_context(request_id: str | None = None, correlation_id: str | None = None) -> Iterator[RequestContext]:
    """Events saved inside the block carry these ids (see `enter`)."""
    context, token = enter(request_id, correlation_id)
    try:
        yield context
    finally:
        leave(token)


@contextmanager
def ensuring_request() -> Iterator[RequestContext]:
    """The current request's context; outside any request (a test, a script), one of its own, so
    that the events of one save still share a request id."""
    context = _current.get()
    if context is not None:
        yield context
        return
    with request_context() as context:
        yield context


def correlation_id_of(app, aggregate_id) -> str | None:
    """The correlation id of the request that created the aggregate (e.g. the request that triggered
    a build), or None (recorded before request ids existed, or unreadable: the ids are metadata,
    and failing to find them must never stop the work they describe)."""
    try:
        first = next(iter(app.events.get(aggregate_id, lte=1)), None)
    except Exception:  # the event store away: the job itself will meet (and handle) that
        log.warning("could not read the correlation id of %s", aggregate_id, exc_info=True)
        return None
    return getattr(first, "correlation_id", None)


def on_behalf_of(app, aggregate_id):
    """The context of work done for an aggregate outside any request (a build's worker, the lease
    reaper, webhook deliveries): a request id of its own, the creating request's correlation id."""
    return request_context(correlation_id=correlation_id_of(app, aggregate_id))


class StampingMapper(Mapper):
    """Stores the current request's ids with every domain event (snapshots are state, not events)."""

    def to_stored_event(self, domain_event) -> StoredEvent:
        context = _current.get()
        if context is not None and not isinstance(domain_event, Snapshot):
            stamped = object.__new__(type(domain_event))  # events are frozen: stamp a copy
            object.__setattr__(stamped, "__dict__", {
                **vars(domain_event), "request_id": context.request_id, "correlation_id": context.correlation_id,
            })
            domain_event = stamped
        return super().to_stored_event(domain_event)
