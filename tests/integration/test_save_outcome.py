"""A save whose connection broke after its commit: the library retries the insert, which then collides
with the save's own events. That is the save succeeding, not a conflict with another request (which
would make a command decide again: a 422 for its own new name, a second build)."""

import uuid

import pytest
from eventsourcing.persistence import IntegrityError

from commands.handling.request_context import request_context
from domain.sequence import IdSequence


def committed_before_the_answer(app, aggregate) -> None:
    """What the broken first attempt left: the aggregate's pending events stored, its save not answered."""
    app.events.put(list(aggregate.pending_events))


def test_a_retry_that_finds_its_own_committed_events_is_the_save_succeeding(docsplane):
    app = docsplane.app
    sequence = IdSequence(name=f"s-{uuid.uuid4().hex}")
    sequence.reserve(10)
    with request_context("the-request"):
        committed_before_the_answer(app, sequence)
        recordings = app.save(sequence)

    assert [type(r.domain_event).__name__ for r in recordings] == ["SequenceStarted", "BlockReserved"]
    assert all(r.notification.id >= 2 for r in recordings)  # a position the read models can be waited for at
    assert len(list(app.events.get(sequence.id))) == 2  # stored once


def test_events_of_another_request_at_those_positions_are_a_conflict(docsplane):
    app = docsplane.app
    sequence = IdSequence(name=f"s-{uuid.uuid4().hex}")
    with request_context("another-request"):
        committed_before_the_answer(app, sequence)
    with request_context("this-request"), pytest.raises(IntegrityError):
        app.save(sequence)
