"""The claim on an Idempotency-Key is saved atomically with the command's own events
(commands/handling/idempotency.py, DocsplaneApplication.save): of two commands claiming one key exactly one
writes, the other gets KeyInUse (never retried as an ordinary race, never a second write)."""

from collections import Counter

from commands.handling.idempotency import KeyInUse, claiming
from api.errors import code_of
from domain.errors import FieldError
from integration_support import event_log, project_settings, topic_name
from racing import run_concurrently as race

THREADS = 8


def counts(container) -> Counter:
    return Counter(topic_name(n.topic) for n in event_log(container))


def test_the_claim_is_in_the_commands_own_save(docsplane):
    docsplane.users.create_user("alice")
    claim = docsplane.idempotency.claim("alice", "k", "POST", "/api/v3/projects/", b"body")
    with claiming(claim):
        written = docsplane.projects.import_project("alice", project_settings("Pip"))
    topics = [topic_name(r.notification.topic) for r in written.recordings]
    assert "RequestClaimed" in topics and "ProjectImported" in topics  # one save: one transaction
    assert "BlockReserved" not in topics  # the id reservation went alone, without the claim
    assert claim.saved is not None and docsplane.idempotency.find(claim).same_request(claim.fingerprint)


def test_concurrent_claims_of_one_key_write_once(docsplane, reliability):
    docsplane.users.create_user("alice")
    docsplane.projects.import_project("alice", project_settings("Pip"))
    before = counts(docsplane)

    def trigger(i):
        claim = docsplane.idempotency.claim("alice", "one", "POST", "/api/v3/projects/pip/builds/", b"{}")
        with claiming(claim):
            return docsplane.builds.trigger_build("alice", "pip")

    results = race(THREADS, trigger)
    ok = [value for status, value in results if status == "ok"]
    errors = [value for status, value in results if status == "error"]
    assert len(ok) == 1 and len(errors) == THREADS - 1, results
    assert all(isinstance(e, KeyInUse) for e in errors), errors  # not StateMovedOn: no retries were spent on it
    after = counts(docsplane)
    assert after["BuildTriggered"] - before["BuildTriggered"] == 1
    assert after["RequestClaimed"] - before["RequestClaimed"] == 1
    reliability.record("Idempotency-Key: concurrent claims of one key (commands)", requests=THREADS,
                       events_written=after["BuildTriggered"] - before["BuildTriggered"], lost=0)


def test_an_ordinary_race_is_retried_and_stores_no_claim(docsplane):
    """Two imports of one slug with different keys: the loser's save fails on the slug, not on its
    claim, so it is retried as usual, answers already_exists, and its key stays free."""
    docsplane.users.create_user("alice")

    def import_(i):
        claim = docsplane.idempotency.claim("alice", f"key-{i}", "POST", "/api/v3/projects/", b"{}")
        with claiming(claim):
            return docsplane.projects.import_project("alice", project_settings("Same"))

    results = race(2, import_)
    assert sorted(status for status, _ in results) == ["error", "ok"]
    error = next(value for status, value in results if status == "error")
    assert isinstance(error, FieldError) and code_of(error) == "already_exists"
    assert counts(docsplane)["RequestClaimed"] == 1 and counts(docsplane)["ProjectImported"] == 1
