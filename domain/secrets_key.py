"""SecretsKey: the fingerprint of the key the event store's secrets are encrypted with. One per
event store (a fixed id): the first process records it, every later one compares its own key with it,
so a process given another key refuses to start instead of failing to decrypt later. A fingerprint
is an HMAC of a constant under the key: it names the key without revealing it."""

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.ids import secrets_key_id


class SecretsKey(Aggregate):
    @staticmethod
    def create_id() -> UUID:
        return secrets_key_id()

    @event("SecretsKeyFingerprinted")
    def __init__(self, *, fingerprint: str):
        self.fingerprint = fingerprint
