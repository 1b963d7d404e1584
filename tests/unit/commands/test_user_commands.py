"""Users and their API tokens: a token is answered once and only its hash is recorded."""

import pytest

from commands.users import hash_token
from write_side import names


def test_a_new_user_gets_a_token_recorded_only_as_its_hash(commands, log):
    token = commands.users.create_user("bob").value

    created, issued = log.new()
    assert names([created, issued]) == ["User.UserCreated", "User.TokenIssued"]
    assert (issued.token_hash, issued.hint, issued.projects, issued.access) == (hash_token(token), token[-4:], None, "write")
    assert not any(token.encode() in state for state in log.stored_states())


@pytest.mark.parametrize("username", ["", "-bob", "bob smith", "b" * 151])
def test_a_username_that_breaks_the_rule_is_refused(commands, log, refused, username):
    with refused(log) as error:
        commands.users.create_user(username)
    assert error.value.field == "username"


def test_a_username_is_taken_once(commands, log, refused):
    commands.users.create_user("bob")
    log.new()
    with refused(log) as error:
        commands.users.create_user("bob")
    assert error.value.field == "username"


def test_a_scoped_token_names_only_projects_the_user_maintains(commands, log, project, refused):
    commands.users.create_user("alice")
    log.new()

    issued = commands.users.issue_token("alice", name="ci", projects=[project], access="read").value

    [event] = log.new()
    assert (event.name, event.projects, event.access, event.token_hash) == ("ci", [project], "read", hash_token(issued.token))
    for projects in (["missing"], []):
        with refused(log) as error:
            commands.users.issue_token("alice", projects=projects)
        assert error.value.field == "projects"
    with refused(log) as error:
        commands.users.issue_token("alice", access="admin")
    assert error.value.field == "access"


def test_a_token_is_revoked_by_its_owner_only(commands, log, refused):
    commands.users.create_user("alice")
    commands.users.create_user("bob")
    number = commands.users.issue_token("alice").value.id
    log.new()
    with refused(log):
        commands.users.revoke_token("bob", number, "bob")

    commands.users.revoke_token("alice", number, "alice")
    assert names(log.new()) == ["User.TokenRevoked"]
    with refused(log):
        commands.users.revoke_token("alice", number, "alice")
