"""Optimistic concurrency on the write side: racing commands never lose, duplicate or invent events."""

from collections import Counter

from api.errors import code_of
from domain.errors import FieldError, StateMovedOn
from domain.ids import sequence_id, version_id
from integration_support import event_log, project_settings, topic_name
from racing import run_concurrently

THREADS = 20


def successes_and_conflicts(results):
    unexpected = [value for status, value in results if status == "error" and not isinstance(value, StateMovedOn)]
    assert not unexpected, f"only StateMovedOn may escape a racing command, got {unexpected!r}"
    successes = [value for status, value in results if status == "ok"]
    conflicts = [value for status, value in results if status == "error"]
    assert successes, "every racing command failed"
    return successes, conflicts


def assert_recorded_exactly_once(log, successes):
    """Each successful command's events are in the log once, as that command recorded them."""
    by_id = {n.id: n for n in log}
    assert len(by_id) == len(log)
    keys = Counter((n.originator_id, n.originator_version) for n in log)
    assert max(keys.values()) == 1
    claimed = Counter()
    for written in successes:
        for recording in written.recordings:
            notification = by_id[recording.notification.id]
            assert notification.originator_id == recording.domain_event.originator_id
            assert notification.originator_version == recording.domain_event.originator_version
            assert notification.topic == recording.notification.topic
            claimed[notification.id] += 1
    assert not [nid for nid, times in claimed.items() if times > 1]
    return claimed


def test_racing_imports_of_one_slug(docsplane):
    for round_ in range(4):
        name = f"Racy Docs {round_}"
        actors = ["alice", "bob"]
        results = run_concurrently(2, lambda i: docsplane.projects.import_project(actors[i], project_settings(name)))
        statuses = [status for status, _ in results]
        assert sorted(statuses) == ["error", "ok"], results
        winner = statuses.index("ok")
        error = results[1 - winner][1]
        assert isinstance(error, FieldError), error
        assert (error.field, code_of(error)) == ("name", "already_exists")
        slug = f"racy-docs-{round_}"
        assert results[winner][1].value == slug

        log = event_log(docsplane)
        events = [docsplane.app.mapper.to_domain_event(n) for n in log]
        claims = [e for e in events if type(e).__name__ == "SlugClaimed" and e.slug == slug]
        imports = [e for e in events if type(e).__name__ == "ProjectImported" and e.slug == slug]
        assert len(claims) == 1 and len(imports) == 1
        assert claims[0].project_id == imports[0].originator_id
        assert imports[0].maintainers == [actors[winner]]
        latests = [e for e in events if type(e).__name__ == "VersionCreated" and e.project_slug == slug]
        assert [e.project_id for e in latests] == [imports[0].originator_id]
        assert_recorded_exactly_once(log, [results[winner][1]])

        docsplane.catch_up()
        assert docsplane.read_model.project(slug, None)["users"] == [actors[winner]]


def test_racing_version_updates(docsplane):
    docsplane.projects.import_project("alice", project_settings("Busy Docs"))

    def toggle(i):
        changes = {"hidden": i % 2 == 0, "privacy_level": "private" if (i // 2) % 2 else "public"}
        return docsplane.versions.update_version("alice", "busy-docs", "latest", changes)

    results = run_concurrently(THREADS, toggle)
    successes, conflicts = successes_and_conflicts(results)
    assert len(successes) + len(conflicts) == THREADS

    log = event_log(docsplane)
    claimed = assert_recorded_exactly_once(log, successes)
    project_id = docsplane.app.mapper.to_domain_event(
        next(n for n in log if topic_name(n.topic) == "ProjectImported")
    ).originator_id
    latest_id = version_id(project_id, "latest")
    history = [n for n in log if n.originator_id == latest_id]
    # Contiguous versions: no event lost, none duplicated, none written by a failed attempt.
    assert [n.originator_version for n in history] == list(range(1, len(history) + 1))
    updates = [n for n in history if topic_name(n.topic) == "VersionUpdated"]
    assert sorted(n.id for n in updates) == sorted(claimed)

    # Every decision was taken on the latest state: replaying, no update is a no-op.
    state = {"hidden": False, "privacy_level": "public"}
    for notification in updates:
        changes = docsplane.app.mapper.to_domain_event(notification).changes
        assert changes, "an empty VersionUpdated was recorded"
        for field, value in changes.items():
            assert state[field] != value, f"update {notification.id} changed nothing: decided on a stale state"
        state.update(changes)

    aggregate = docsplane.app.repository.get(latest_id)
    assert {"hidden": aggregate.hidden, "privacy_level": aggregate.privacy_level} == state
    docsplane.catch_up()
    project = docsplane.read_model.project("busy-docs", "alice")
    row = docsplane.read_model.version(project, "alice", "latest")
    assert {"hidden": row["hidden"], "privacy_level": row["privacy_level"]} == state


def test_racing_build_triggers_across_two_containers(backend, make_settings, open_docsplane):
    # Small id blocks, so both containers keep racing for the shared id sequence.
    settings = make_settings(backend, DOCSPLANE_ID_BLOCK_SIZE="3")
    first, second = open_docsplane(settings), open_docsplane(settings)
    first.projects.import_project("alice", project_settings("Hot Docs"))

    results = run_concurrently(THREADS, lambda i: (first, second)[i % 2].builds.trigger_build("alice", "hot-docs"))
    successes, _ = successes_and_conflicts(results)
    numbers = [written.value for written in successes]
    assert all(isinstance(number, int) and number > 0 for number in numbers)
    assert len(set(numbers)) == len(numbers), f"duplicate build ids: {sorted(numbers)}"

    log = event_log(first)
    assert_recorded_exactly_once(log, successes)
    events = [first.app.mapper.to_domain_event(n) for n in log]
    triggered = [e for e in events if type(e).__name__ == "BuildTriggered"]
    assert sorted(e.number for e in triggered) == sorted(numbers)
    for written in successes:
        [recording] = written.recordings
        assert recording.domain_event.number == written.value

    # The id blocks handed out never overlap.
    blocks = sorted(
        (e.start, e.size) for e in events
        if type(e).__name__ == "BlockReserved" and e.originator_id == sequence_id("build")
    )
    for (start, size), (next_start, _) in zip(blocks, blocks[1:]):
        assert start + size == next_start
    assert all(blocks[0][0] <= n < blocks[-1][0] + blocks[-1][1] for n in numbers)

    second.catch_up()
    page = second.read_model.builds("hot-docs", {}, limit=1000, offset=0)
    assert sorted(b["id"] for b in page.results) == sorted(numbers)
    project = second.read_model.project("hot-docs", "alice")
    assert second.read_model.version(project, "alice", "latest")["last_build"]["id"] == triggered[-1].number
