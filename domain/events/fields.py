"""An event's own fields as the outbound views of events show them (the audit history, AMQP messages):
without the envelope every event has, and JSON-ready."""

from datetime import datetime
from uuid import UUID

# What every stored event carries besides its own fields; the views show these separately.
ENVELOPE = frozenset({"originator_id", "originator_version", "originator_topic", "timestamp", "actor", "request_id",
                      "correlation_id"})


def own_fields(event) -> dict:
    return {k: v for k, v in vars(event).items() if k not in ENVELOPE}


def jsonable(value):
    """`json.dumps(..., default=jsonable)`: the values events hold that JSON has no type for."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return str(value)
