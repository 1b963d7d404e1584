"""A user's tokens: their scope is fixed when issued; revoking removes exactly one token."""

import pytest

from commands.users import hash_token
from api.errors import code_of
from domain.errors import FieldError, UnknownResource
from domain.user import User


def issue(user, number, **scope):
    user.issue_token(token_hash=hash_token(f"token-{number}"), number=number, hint=f"{number:04d}", actor="alice", **scope)


def test_token_issued_records_its_scope_and_no_secret():
    user = User(username="alice", actor="system:cli")
    issue(user, 7, name="ci", projects=["beta", "alpha", "beta"], access="read")
    [_, issued] = user.collect_events()
    assert type(issued).__name__ == "TokenIssued"
    assert (issued.number, issued.name, issued.access, issued.hint) == (7, "ci", "read", "0007")
    assert issued.projects == ["alpha", "beta"]  # sorted, without repeats
    assert issued.token_hash == hash_token("token-7")
    assert "token-7" not in repr(vars(issued))
    assert issued.actor == "alice"
    assert user.token_numbers == [7]


def test_default_scope_is_every_project_with_write_access():
    user = User(username="alice", actor="system:cli")
    issue(user, 1)
    issued = user.collect_events()[-1]
    assert (issued.projects, issued.access, issued.name) == (None, "write", "")


@pytest.mark.parametrize(
    ("scope", "field"),
    [
        ({"access": "admin"}, "access"),
        ({"access": None}, "access"),
        ({"projects": []}, "projects"),
        ({"projects": "alpha"}, "projects"),
        ({"projects": ["alpha", ""]}, "projects"),
        ({"projects": [3]}, "projects"),
        ({"name": "x" * 101}, "name"),
        ({"name": None}, "name"),
    ],
)
def test_invalid_scope_is_rejected_without_an_event(scope, field):
    user = User(username="alice", actor="system:cli")
    user.collect_events()
    with pytest.raises(FieldError) as raised:
        issue(user, 1, **scope)
    assert (raised.value.resource, raised.value.field, code_of(raised.value)) == ("Token", field, "invalid")
    assert user.collect_events() == []
    assert user.token_numbers == []


def test_revoke_removes_only_that_token():
    user = User(username="alice", actor="system:cli")
    issue(user, 1)
    issue(user, 2, access="read")
    user.revoke_token(1, "alice")
    events = user.collect_events()
    assert [type(e).__name__ for e in events] == ["UserCreated", "TokenIssued", "TokenIssued", "TokenRevoked"]
    assert (events[-1].number, events[-1].actor) == (1, "alice")
    assert user.token_numbers == [2]


@pytest.mark.parametrize("number", [1, 99])
def test_revoking_a_revoked_or_unknown_token_is_not_found(number):
    user = User(username="alice", actor="system:cli")
    issue(user, 1)
    user.revoke_token(1, "alice")
    user.collect_events()
    with pytest.raises(UnknownResource):
        user.revoke_token(number, "alice")
    assert user.collect_events() == []
