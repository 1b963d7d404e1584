"""Recognising a save's own committed events when the library's retry of it collides with them.

The library retries an insert whose connection broke; if the broken attempt had in fact committed,
the retry collides with its own events (IntegrityError), and the command would decide again as if
another request had written them (a 422 for its own new name, a second build). Events found stored
at those positions, of the same types and timestamps, with this request's id, are this save's: it
succeeded."""

import logging

from eventsourcing.persistence import Notification, Recording

from commands.handling.request_context import current

log = logging.getLogger("docsplane.commands")


def recordings_if_ours(app, events) -> list[Recording] | None:
    """The recordings of `events` when the store already holds them as this request's, else None
    (another request's events: a real conflict)."""
    stored = _stored_as_ours(app, events)
    if stored is None:
        return None
    log.warning("a save whose connection broke had been committed; its retry found its own events")
    head = app.recorder.max_notification_id()
    return [
        Recording(event, Notification(id=head, originator_id=s.originator_id, originator_version=s.originator_version,
                                      topic=s.topic, state=s.state))
        for event, s in zip(events, stored)
    ]


def _stored_as_ours(app, events) -> list | None:
    request_id = current().request_id
    stored = []
    for event in events:
        found = app.recorder.select_events(event.originator_id, gt=event.originator_version - 1,
                                           lte=event.originator_version, limit=1)
        if not found:
            return None
        recorded = app.mapper.to_domain_event(found[0])
        if (type(recorded) is not type(event) or recorded.timestamp != event.timestamp
                or getattr(recorded, "request_id", None) != request_id):
            return None
        stored.append(found[0])
    return stored
