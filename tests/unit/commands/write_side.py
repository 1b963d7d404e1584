"""Helpers of the command tests: a project's import settings, event names, the log read forward,
and `refused`, the shape of every refusal (a DomainError, nothing appended)."""

from __future__ import annotations

from contextlib import contextmanager
from types import SimpleNamespace

import pytest

from domain.errors import DomainError
from domain.sequence import IdSequence

POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


def settings(name: str, **overrides) -> dict:
    """What an import of project `name` sends (Read the Docs' required fields)."""
    return {
        "name": name,
        "repository": {"url": f"https://github.com/example/{name.lower()}", "type": "git"},
        "language": "en", "programming_language": "py", "homepage": None, "default_branch": "main",
        "privacy_level": "public", "tags": [], **overrides,
    }


def names(events) -> list[str]:
    """`Aggregate.Event` names, as the topics spell them."""
    return [type(event).__qualname__ for event in events]


class EventLog:
    """Reads the application's notification log forward, as a projector would."""

    def __init__(self, app):
        self.app = app
        self.position = 0

    def new(self) -> list:
        """The events appended since the last call, id-sequence bookkeeping left out."""
        notifications = self.app.recorder.select_notifications(start=self.position + 1, limit=100_000)
        if notifications:
            self.position = notifications[-1].id
        events = [self.app.mapper.to_domain_event(n) for n in notifications]
        return [e for e in events if not isinstance(e, IdSequence.Event)]

    def stored_states(self) -> list[bytes]:
        """Every stored event's state, as the event store holds it."""
        return [n.state for n in self.app.recorder.select_notifications(start=1, limit=100_000)]


@contextmanager
def refused(log: EventLog):
    """`with refused(log) as error:` the block raises a DomainError (then `error.value`) and appends nothing."""
    raised = SimpleNamespace(value=None)
    with pytest.raises(DomainError) as error:
        yield raised
    raised.value = error.value
    assert log.new() == [], "a refused command appends nothing"
