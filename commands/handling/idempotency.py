"""Idempotency-Key on POST, the whole flow: a retried request is answered as the first one was,
without a second write.

1. Claim. Before the view runs, the API makes the request's `Claim` on its key (`claim`) and looks
   for a stored one (`find`): found, the request is answered from it (step 3). Else the claim is
   made pending for the request (`claiming`, a contextvar like the request ids), so that no
   command's signature has to carry it.
2. Saved with the first write. `save_with_pending_claim` (every save of the application goes
   through it) adds a new IdempotentRequest to the first save of the request that holds more than
   id-sequence bookkeeping (HiLo reservations are no write of the request's own): the claim exists
   exactly when the request wrote, so a request that wrote nothing (a 4xx) leaves the key free.
   When that save fails and the claim exists, another request holds the key: KeyInUse, which
   retry_on_conflict does not retry (re-running the command cannot help; the caller answers as the
   holder is answered). A save that fails while the claim does not exist is an ordinary race:
   IntegrityError, retried with the claim.
3. Replay. After the view, the claiming request records its answer on its claim
   (`record_response`); a later request with the key gets it back (`answer`).

What is recorded of an answer: status, the headers in STORED_HEADERS, and the body encrypted with the
secrets key (an answer may hold a webhook's secret, which is stored with that key anyway), less the
fields in WITHHELD: an API token is recorded only as its hash, so a replay answers without it."""

from __future__ import annotations

import contextvars
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from uuid import UUID

from cryptography.fernet import InvalidToken
from eventsourcing.persistence import IntegrityError, Recording

from commands.handling.loading import get_or_none
from commands.handling.result import Written
from domain.errors import StoredAnswerUnreadable
from domain.idempotent_request import IdempotentRequest
from domain.ids import idempotent_request_id
from domain.sequence import IdSequence

STORED_HEADERS = ("Location", "Content-Type")
WITHHELD = ("token",)  # POST /tokens/ answers the plain token once; it is recorded only hashed


@dataclass
class Claim:
    """A request's claim on its key, until it is saved with the request's first write."""

    username: str
    idempotency_key: str
    method: str
    path: str
    fingerprint: str
    saved: IdempotentRequest | None = None

    @property
    def id(self) -> UUID:
        return idempotent_request_id(self.username, self.idempotency_key)

    def wanted_by(self, objs) -> bool:
        return self.saved is None and any(o is not None and not isinstance(o, IdSequence) for o in objs)

    def new_aggregate(self) -> IdempotentRequest:
        # A new one per attempt: a failed save has already taken the pending events of what it saved.
        return IdempotentRequest(
            username=self.username, idempotency_key=self.idempotency_key, method=self.method, path=self.path,
            fingerprint=self.fingerprint, actor=self.username,
        )


class KeyInUse(Exception):
    """Another request holds the key (it wrote with it): answer as that request is answered."""

    def __init__(self, claim: Claim):
        super().__init__(f"Idempotency-Key {claim.idempotency_key!r} of {claim.username} is held by another request")
        self.claim = claim


_pending: contextvars.ContextVar[Claim | None] = contextvars.ContextVar("docsplane_idempotency_claim", default=None)


def pending() -> Claim | None:
    return _pending.get()


@contextmanager
def claiming(claim: Claim) -> Iterator[Claim]:
    """The first write saved inside the block carries the claim."""
    token = _pending.set(claim)
    try:
        yield claim
    finally:
        _pending.reset(token)


def save_with_pending_claim(app, save, objs: tuple, kwargs: dict) -> list[Recording]:
    """`save(*objs, **kwargs)`, with the pending claim's IdempotentRequest added when this is the
    request's first write (step 2)."""
    claim = pending()
    if claim is None or not claim.wanted_by(objs):
        return save(*objs, **kwargs)
    request = claim.new_aggregate()
    try:
        recordings = save(*objs, request, **kwargs)
    except IntegrityError:
        if next(iter(app.events.get(request.id, lte=1)), None) is not None:
            raise KeyInUse(claim) from None  # held by another request: no retry can help
        raise  # an ordinary race: the command reloads and decides again, with the claim
    claim.saved = request
    return recordings


@dataclass(frozen=True)
class StoredAnswer:
    status: int
    headers: dict[str, str]
    body: bytes
    withheld: list[str]


class IdempotencyCommands:
    def __init__(self, app, box):
        self.app = app
        self.box = box

    def claim(self, username: str, idempotency_key: str, method: str, path: str, canonical_request: bytes) -> Claim:
        """`canonical_request`: what makes two requests the same one (method, path, query, body)."""
        return Claim(username, idempotency_key, method, path, self.box.digest(canonical_request))

    def find(self, claim: Claim) -> IdempotentRequest | None:
        return get_or_none(self.app, claim.id)

    def record_response(self, claim: Claim, status: int, headers: dict[str, str], body: bytes) -> Written:
        """After the claiming request produced its answer (only it appends to its claim: no race)."""
        request = claim.saved
        body, withheld = _withhold(body, headers.get("Content-Type", ""))
        request.record_response(
            status=status, headers={k: v for k, v in headers.items() if k in STORED_HEADERS},
            body_ciphertext=self.box.encrypt(body.decode("utf-8", "replace")), withheld=withheld, actor=claim.username,
        )
        return Written(None, self.app.save(request))

    def answer(self, request: IdempotentRequest) -> StoredAnswer:
        """The recorded answer, decrypted; StoredAnswerUnreadable when the secrets key it was recorded with is gone."""
        try:
            body = self.box.decrypt(request.body_ciphertext).encode()
        except InvalidToken:
            raise StoredAnswerUnreadable("the answer to the first request with this Idempotency-Key cannot be read "
                                         "(the secrets key changed); use a new key") from None
        return StoredAnswer(request.status, dict(request.headers), body, list(request.withheld))


def _withhold(body: bytes, content_type: str) -> tuple[bytes, list[str]]:
    """The body without the WITHHELD fields of a JSON object, and which of them it had."""
    if "json" not in content_type or not any(f'"{name}"'.encode() in body for name in WITHHELD):
        return body, []
    try:
        data = json.loads(body)
    except ValueError:
        return body, []
    if not isinstance(data, dict):
        return body, []
    withheld = [name for name in WITHHELD if name in data]
    for name in withheld:
        del data[name]
    return json.dumps(data, sort_keys=True, separators=(",", ":")).encode(), withheld
