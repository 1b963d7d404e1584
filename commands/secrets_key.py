"""The event store's record of its secrets key (the SecretsKey aggregate): read it, or record it once."""

from __future__ import annotations

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.ids import secrets_key_id
from domain.secrets_key import SecretsKey


def recorded_fingerprint(app) -> str | None:
    try:
        return app.repository.get(secrets_key_id()).fingerprint
    except AggregateNotFoundError:
        return None


def record_fingerprint(app, fingerprint: str) -> str:
    """The fingerprint the store holds: this one if none was recorded, else the first one recorded
    (of processes starting together, exactly one records it)."""
    try:
        app.save(SecretsKey(fingerprint=fingerprint))
    except IntegrityError:
        pass
    return recorded_fingerprint(app)
