"""Read-your-writes: a write's recordings tell which read models must catch up, and how far."""

import threading
import time

import pytest

from integration_support import project_settings, topic_name


def run(container, name):
    next(p for p in container.projectors if p.name == name).catch_up()


def test_wait_is_false_until_every_touched_read_model_caught_up(docsplane):
    written = docsplane.projects.import_project("alice", project_settings("Sample Docs"))
    ids = {topic_name(r.notification.topic): r.notification.id for r in written.recordings}
    # SlugClaimed has no reader; the other two each have one.
    assert docsplane.consistency.targets(written.recordings) == {
        "projects": ids["ProjectImported"], "versions": ids["VersionCreated"],
    }
    assert docsplane.consistency.wait(written.recordings, timeout=0.05) is False
    run(docsplane, "projects")
    assert docsplane.consistency.wait(written.recordings, timeout=0.05) is False  # versions still behind
    run(docsplane, "versions")
    assert docsplane.consistency.wait(written.recordings, timeout=0.05) is True
    assert docsplane.read_model.project("sample-docs", "alice")["slug"] == "sample-docs"


def test_a_later_write_needs_the_projector_again(docsplane):
    first = docsplane.users.create_user("alice")
    docsplane.catch_up()
    assert docsplane.consistency.wait(first.recordings, timeout=0.05) is True
    second = docsplane.users.issue_token("alice")
    assert docsplane.consistency.wait(second.recordings, timeout=0.05) is False
    assert docsplane.consistency.wait(first.recordings, timeout=0.05) is True
    docsplane.catch_up()
    assert docsplane.consistency.wait(second.recordings, timeout=0.05) is True


def test_nothing_to_wait_for(docsplane):
    assert docsplane.consistency.wait([], timeout=0) is True
    written = docsplane.projects.import_project("alice", project_settings("Sample Docs"))
    nothing_read = [r for r in written.recordings if topic_name(r.notification.topic) == "SlugClaimed"]
    assert docsplane.consistency.wait(nothing_read, timeout=0) is True


def test_wait_wakes_when_a_projector_thread_commits(docsplane):
    written = docsplane.projects.import_project("alice", project_settings("Sample Docs"))

    def project_later():
        time.sleep(0.2)
        docsplane.catch_up()

    thread = threading.Thread(target=project_later)
    started = time.monotonic()
    thread.start()
    try:
        assert docsplane.consistency.wait(written.recordings, timeout=10) is True
        elapsed = time.monotonic() - started
    finally:
        thread.join(timeout=30)
    assert 0.15 < elapsed < 5
    assert docsplane.read_model.project("sample-docs", "alice") is not None


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)])  # SQLite has no NOTIFY
def test_wait_wakes_on_the_projectors_notify_from_another_process(docsplane, monkeypatch):
    """PostgreSQL: a projector elsewhere announces its positions on commit; the waiting write wakes
    on it, without polling (the fallback poll is made far longer than the wait's bound here)."""
    from projections.following import read_your_writes as consistency
    from projections.following.read_your_writes import ReadYourWrites

    monkeypatch.setattr(consistency, "LOST_NOTIFY_POLL", 60)
    # As in another process: no in-process signal, and a poll far slower than the wait's bound.
    waiting = ReadYourWrites(docsplane.store, [p.projection for p in docsplane.projectors], signal=None, poll_interval=60)
    written = docsplane.projects.import_project("alice", project_settings("Sample Docs"))
    assert waiting.wait(written.recordings, timeout=0) is False  # begins listening
    assert waiting._listener.listening.wait(timeout=10)

    thread = threading.Timer(0.2, docsplane.catch_up)
    started = time.monotonic()
    thread.start()
    try:
        assert waiting.wait(written.recordings, timeout=10) is True
        elapsed = time.monotonic() - started
    finally:
        thread.join(timeout=30)
    assert 0.15 < elapsed < 5


def test_an_announcement_alone_never_answers_the_table_must_show_the_position(docsplane):
    """A position announced but not in the table (read models rebuilt since): still False."""
    written = docsplane.projects.import_project("alice", project_settings("Sample Docs"))
    docsplane.consistency._announcements(["projects 999999999", "versions 999999999"])
    started = time.monotonic()
    assert docsplane.consistency.wait(written.recordings, timeout=0.3) is False
    assert time.monotonic() - started < 5
    docsplane.catch_up()
    assert docsplane.consistency.wait(written.recordings, timeout=5) is True
