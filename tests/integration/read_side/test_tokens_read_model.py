"""Scoped tokens: issue and revoke commands → event store → users projection → token queries."""

import time

import pytest

from commands.users import hash_token
from api.errors import code_of
from domain.errors import FieldError, UnknownResource
from integration_support import event_log, head, project_settings, topic_name


@pytest.fixture
def alice(docsplane):
    """alice (with her first token), maintainer of alpha-docs and beta-docs; bob maintains bobs-docs."""
    docsplane.users.create_user("alice")
    docsplane.users.create_user("bob")
    docsplane.projects.import_project("alice", project_settings("Alpha Docs"))
    docsplane.projects.import_project("alice", project_settings("Beta Docs", privacy_level="private"))
    docsplane.projects.import_project("bob", project_settings("Bobs Docs"))
    docsplane.catch_up()
    return "alice"


def test_issued_token_is_projected_with_its_scope(docsplane, alice):
    written = docsplane.users.issue_token(alice, actor=alice, name="ci", projects=["beta-docs", "alpha-docs"], access="read")
    issued = written.value
    assert [topic_name(r.notification.topic) for r in written.recordings] == ["TokenIssued"]
    assert (issued.name, issued.projects, issued.access) == ("ci", ["alpha-docs", "beta-docs"], "read")
    assert len(issued.token) == 40 and issued.hint == issued.token[-4:]
    assert docsplane.token_queries.by_hash(hash_token(issued.token)) is None  # not projected yet
    docsplane.catch_up()

    assert docsplane.token_queries.by_hash(hash_token(issued.token)) == {
        "username": "alice", "id": issued.id, "projects": ["alpha-docs", "beta-docs"], "access": "read",
    }
    page = docsplane.token_queries.of_user(alice, limit=10, offset=0)
    assert page.count == 2
    first, scoped = page.results  # oldest first: the token create_user issued
    assert (first["projects"], first["access"], first["name"]) == (None, "write", "")
    assert scoped == {
        "id": issued.id, "name": "ci", "projects": ["alpha-docs", "beta-docs"], "access": "read",
        "hint": issued.hint, "created": issued.created, "aggregate_version": scoped["aggregate_version"],
    }
    assert docsplane.token_queries.one(alice, issued.id) == scoped
    assert docsplane.token_queries.one("bob", issued.id) is None  # not bob's
    assert docsplane.token_queries.of_user("bob", limit=10, offset=0).count == 1
    # Nothing secret is recorded: neither the token in the events, nor anything but its hash in the read model.
    for notification in event_log(docsplane):
        assert issued.token.encode() not in notification.state
    assert [row["token_hash"] for row in docsplane.store.fetchall("SELECT token_hash FROM tokens WHERE id = ?", (issued.id,))] == [
        hash_token(issued.token)
    ]


def test_token_ids_are_distinct_across_users(docsplane, alice):
    ids = [docsplane.users.issue_token(user).value.id for user in ("alice", "bob", "alice")]
    assert len(set(ids)) == 3


@pytest.mark.parametrize("projects", [["bobs-docs"], ["alpha-docs", "no-such-project"], ["Alpha Docs"]])
def test_a_token_only_for_projects_the_user_maintains(docsplane, alice, projects):
    before = head(docsplane)
    with pytest.raises(FieldError) as raised:
        docsplane.users.issue_token(alice, projects=projects)
    assert (raised.value.resource, raised.value.field, code_of(raised.value)) == ("Token", "projects", "invalid")
    assert head(docsplane) == before  # no event, not even an id reservation


def test_invalid_scope_writes_nothing(docsplane, alice):
    before = head(docsplane)
    with pytest.raises(FieldError) as raised:
        docsplane.users.issue_token(alice, access="admin")
    assert raised.value.field == "access"
    assert head(docsplane) == before


def test_revoked_token_no_longer_resolves(docsplane, alice):
    keep = docsplane.users.issue_token(alice, access="read").value
    revoke = docsplane.users.issue_token(alice).value
    docsplane.catch_up()
    written = docsplane.users.revoke_token(alice, revoke.id, actor=alice)
    assert [topic_name(r.notification.topic) for r in written.recordings] == ["TokenRevoked"]
    assert docsplane.token_queries.by_hash(hash_token(revoke.token)) is not None  # not projected yet
    docsplane.catch_up()
    assert docsplane.token_queries.by_hash(hash_token(revoke.token)) is None
    assert docsplane.token_queries.one(alice, revoke.id) is None
    assert docsplane.token_queries.by_hash(hash_token(keep.token))["id"] == keep.id
    with pytest.raises(UnknownResource):
        docsplane.users.revoke_token(alice, revoke.id, actor=alice)  # already revoked


def test_only_the_owner_revokes(docsplane, alice):
    bobs = docsplane.users.issue_token("bob").value
    with pytest.raises(UnknownResource):
        docsplane.users.revoke_token(alice, bobs.id, actor=alice)
    docsplane.catch_up()
    assert docsplane.token_queries.by_hash(hash_token(bobs.token))["username"] == "bob"


def test_rebuild_reproduces_the_tokens(docsplane, alice):
    docsplane.users.issue_token(alice, name="docs", projects=["alpha-docs"], access="read")
    gone = docsplane.users.issue_token(alice).value
    docsplane.users.revoke_token(alice, gone.id, actor=alice)
    docsplane.catch_up()

    def dump():
        return [docsplane.store.fetchall(f"SELECT * FROM {table} ORDER BY {key}") for table, key in (("users", "username"), ("tokens", "id"))]

    before = dump()
    [users] = [p for p in docsplane.projectors if p.name == "users"]
    users.rebuild()
    assert dump() == before
    assert len(before[1]) == 3  # alice's first, "docs", and bob's


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)])  # SQLite: nothing cached
def test_a_cached_token_lookup_ends_when_the_token_is_revoked_in_another_process(docsplane, alice, backend):
    """Safe requests' lookups are answered from memory while the users projection has not moved
    (announced by NOTIFY); after a revocation elsewhere, within that NOTIFY's delay. Writes
    (cached=False) always read the table."""
    from docsplane.bootstrap import build

    issued = docsplane.users.issue_token(alice, actor=alice, name="ci").value
    docsplane.catch_up()
    token_hash = hash_token(issued.token)
    other = build(docsplane.settings)  # another API process on the same databases
    try:
        first = other.token_queries.by_hash(token_hash, cached=True)  # begins the LISTEN: not cached yet
        assert first is not None and first["username"] == alice
        deadline = time.monotonic() + 10
        while other.consistency.unchanged_since("users") is None and time.monotonic() < deadline:
            time.sleep(0.01)
        filled = other.token_queries.by_hash(token_hash, cached=True)
        assert other.token_queries.by_hash(token_hash, cached=True) is filled  # from memory
        assert other.token_queries.by_hash(token_hash) is not filled  # read again: not cached

        revoked = docsplane.users.revoke_token(alice, issued.id, actor=alice)
        docsplane.catch_up()
        assert docsplane.consistency.wait(revoked.recordings, timeout=5)
        assert other.token_queries.by_hash(token_hash) is None  # a write's lookup: at once
        deadline = time.monotonic() + 5
        while other.token_queries.by_hash(token_hash, cached=True) is not None:
            assert time.monotonic() < deadline, "the revocation never reached the other process's cache"
            time.sleep(0.005)
    finally:
        other.close()
