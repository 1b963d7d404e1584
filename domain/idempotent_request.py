"""IdempotentRequest: one user's `Idempotency-Key`, claimed by the one request that may write with it,
and the answer that request got, so that a retry is answered the same without writing again.

Its deterministic id (user + key) makes the claim race-free the way SlugIndex makes slugs: the claim
is saved in the same atomic save as the command's own events, so of two requests with one key the
event store accepts exactly one. It is bookkeeping of the API, not a project's history: the audit
history and the AMQP relay leave its events out."""

from __future__ import annotations

import hmac
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import AlreadyDone
from domain.ids import idempotent_request_id


class IdempotentRequest(Aggregate):
    @staticmethod
    def create_id(username: str, idempotency_key: str) -> UUID:
        return idempotent_request_id(username, idempotency_key)

    @event("RequestClaimed")
    def __init__(self, *, username: str, idempotency_key: str, method: str, path: str, fingerprint: str, actor: str):
        self.username = username
        self.idempotency_key = idempotency_key
        self.method = method
        self.path = path
        self.fingerprint = fingerprint  # a keyed hash of method, path, query and body: never the body itself
        self.status: int | None = None
        self.headers: dict[str, str] = {}
        self.body_ciphertext: str | None = None
        self.withheld: list[str] = []

    def same_request(self, fingerprint: str) -> bool:
        return hmac.compare_digest(self.fingerprint, fingerprint)

    @property
    def answered(self) -> bool:
        return self.status is not None

    def record_response(self, *, status: int, headers: dict[str, str], body_ciphertext: str,
                        withheld: list[str], actor: str) -> None:
        """The answer the claiming request got; recorded once (a replay answers it for ever)."""
        if self.answered:
            raise AlreadyDone("the answer to this request is already recorded")
        self._record_response(status=status, headers=dict(headers), body_ciphertext=body_ciphertext,
                              withheld=list(withheld), actor=actor)

    @event("ResponseRecorded")
    def _record_response(self, status: int, headers: dict[str, str], body_ciphertext: str,
                         withheld: list[str], actor: str) -> None:
        self.status = status
        self.headers = headers
        self.body_ciphertext = body_ciphertext
        self.withheld = withheld
