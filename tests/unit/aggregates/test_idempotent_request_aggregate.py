"""IdempotentRequest: one user's key, claimed once, answered once; the claim is keyed by user and key."""

import pytest
from cryptography.fernet import Fernet

from commands.handling.idempotency import Claim, _withhold
from commands.handling.secret_box import SecretBox
from domain.errors import StateMovedOn
from domain.idempotent_request import IdempotentRequest
from domain.sequence import IdSequence


def _claimed(**overrides) -> IdempotentRequest:
    fields = dict(username="alice", idempotency_key="k-1", method="POST", path="/api/v3/projects/",
                  fingerprint="f" * 64, actor="alice")
    return IdempotentRequest(**{**fields, **overrides})


def test_the_id_is_the_users_key():
    assert _claimed().id == IdempotentRequest.create_id("alice", "k-1")
    assert _claimed(username="bob").id != _claimed().id  # two users may use one key
    assert _claimed(idempotency_key="k-2").id != _claimed().id


def test_a_claim_is_answered_once():
    request = _claimed()
    assert not request.answered and request.same_request("f" * 64) and not request.same_request("e" * 64)
    request.record_response(status=201, headers={"Location": "http://x/"}, body_ciphertext="c", withheld=[], actor="alice")
    assert request.answered and (request.status, request.headers) == (201, {"Location": "http://x/"})
    with pytest.raises(StateMovedOn):
        request.record_response(status=201, headers={}, body_ciphertext="c", withheld=[], actor="alice")
    assert [type(e).__name__ for e in request.collect_events()] == ["RequestClaimed", "ResponseRecorded"]


def test_a_claim_joins_writes_not_id_reservations():
    claim = Claim("alice", "k", "POST", "/p/", "f")
    assert not claim.wanted_by((IdSequence(name="build"),))
    assert claim.wanted_by((IdSequence(name="build"), _claimed()))
    claim.saved = claim.new_aggregate()
    assert not claim.wanted_by((_claimed(),))  # once saved, later saves of the request go without it


def test_the_fingerprint_is_keyed():
    one, other = SecretBox(Fernet.generate_key()), SecretBox(Fernet.generate_key())
    assert one.digest(b"POST /x {}") == one.digest(b"POST /x {}") != other.digest(b"POST /x {}")
    assert one.digest(b"POST /x {}") != one.digest(b"POST /x {\"a\":1}")


def test_a_plain_token_is_never_recorded():
    body, withheld = _withhold(b'{"id": 3, "token": "0123abcd", "hint": "abcd"}', "application/json")
    assert withheld == ["token"] and b"0123abcd" not in body
    assert _withhold(b'{"id": 3}', "application/json") == (b'{"id": 3}', [])
