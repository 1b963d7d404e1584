"""An Idempotency-Key's claim is saved with the request's first write; its answer is recorded without
the secrets it held; another request with the key is told the key is in use, not retried."""

import json

import pytest

from commands.handling.idempotency import KeyInUse, claiming
from write_side import names

PATH = "/api/v3/projects/pets/builds/"


def claim(commands, key="key-1", body=b"{}"):
    return commands.idempotency.claim("alice", key, "POST", PATH, b"POST " + PATH.encode() + body)


def test_the_claim_joins_the_first_write_in_one_save(commands, log, project):
    held = claim(commands)
    with claiming(held):
        written = commands.builds.trigger_build("alice", project)

    events = log.new()
    assert names(events) == ["Build.BuildTriggered", "IdempotentRequest.RequestClaimed"]
    assert len(written.recordings) == 2
    assert (events[1].idempotency_key, events[1].method, events[1].path) == ("key-1", "POST", PATH)
    assert held.saved is not None


def test_the_answer_is_recorded_without_the_fields_withheld(commands, log, project):
    held = claim(commands)
    with claiming(held):
        commands.builds.trigger_build("alice", project)
    log.new()

    body = json.dumps({"id": 7, "token": "plain-token-1234"}).encode()
    headers = {"Content-Type": "application/json", "Location": "/x", "Set-Cookie": "a=b"}
    commands.idempotency.record_response(held, 201, headers, body)

    [recorded] = log.new()
    assert names([recorded]) == ["IdempotentRequest.ResponseRecorded"]
    assert (recorded.status, recorded.withheld) == (201, ["token"])
    assert recorded.headers == {"Content-Type": "application/json", "Location": "/x"}
    assert not any(b"plain-token-1234" in state for state in log.stored_states())
    answer = commands.idempotency.answer(commands.idempotency.find(held))
    assert json.loads(answer.body) == {"id": 7}


def test_a_key_held_by_another_request_is_in_use(commands, log, project):
    with claiming(claim(commands)):
        commands.builds.trigger_build("alice", project)
    log.new()

    with pytest.raises(KeyInUse), claiming(claim(commands)):
        commands.builds.trigger_build("alice", project)

    assert log.new() == []  # no second build


def test_a_fresh_key_is_a_request_of_its_own(commands, log, project):
    for key in ("key-1", "key-2"):
        with claiming(claim(commands, key)):
            commands.builds.trigger_build("alice", project)
    assert names(log.new()).count("Build.BuildTriggered") == 2
