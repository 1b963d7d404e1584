"""Projectors: resuming after a stop, crashing inside a batch, and racing each other; each
ends with read models equal to a from-scratch rebuild."""

import threading
from collections import Counter

import pytest

from projections.following.projector import ProjectorGroup
from integration_support import dump_tables, head, populate, positions, project_settings, rebuild_all


def assert_equals_rebuild(container):
    """The tables as the projectors left them are exactly what a rebuild from event 1 gives."""
    projected = dump_tables(container)
    assert {row["name"]: row["position"] for row in projected["projection_positions"]} == {
        p.name: head(container) for p in container.projectors
    }
    rebuild_all(container)
    assert dump_tables(container) == projected
    return projected


def assert_populated(dump):
    assert sorted(r["slug"] for r in dump["projects"]) == ["alpha-docs", "beta-docs", "gamma-docs"]
    assert len(dump["project_maintainers"]) == 3
    assert len(dump["versions"]) == 3
    assert [(b["state"], b["success"]) for b in dump["builds"]] == [("finished", True), ("finished", False), ("cloning", None)]
    assert len(dump["version_builds"]) == 3
    assert [r["username"] for r in dump["users"]] == ["alice"]
    assert len(dump["tokens"]) == 2


def projector(container, name):
    return next(p for p in container.projectors if p.name == name)


def test_projectors_resume_where_they_stopped(backend, make_settings, open_docsplane):
    settings = make_settings(backend)
    first = open_docsplane(settings)
    data = populate(first)
    total = head(first)
    for p in first.projectors:
        p.batch_size = 2
        assert p.run_batch() is True
    stopped_at = positions(first)
    assert set(stopped_at) == {p.name for p in first.projectors}
    assert all(0 < position < total for position in stopped_at.values()), stopped_at
    partial = dump_tables(first)
    assert len(partial["projects"]) == 2  # two of the three imports
    assert len(partial["users"]) == 1 and len(partial["tokens"]) == 1
    open_docsplane.close(first)

    # A new process on the same storage: more writes happen, then it catches up from where
    # the first one stopped (re-applying an INSERT would raise; skipping would differ from a rebuild).
    second = open_docsplane(settings)
    assert positions(second) == stopped_at
    second.projects.import_project("bob", project_settings("Delta Docs"))
    second.catch_up()
    dump = assert_equals_rebuild(second)
    assert sorted(r["slug"] for r in dump["projects"]) == ["alpha-docs", "beta-docs", "delta-docs", "gamma-docs"]
    assert sorted(r["username"] for r in dump["project_maintainers"]) == ["alice", "alice", "alice", "bob"]
    assert len(dump["versions"]) == 4
    assert sorted(b["id"] for b in dump["builds"]) == sorted(data["builds"])
    assert len(dump["tokens"]) == 2


@pytest.mark.parametrize("name", ["projects", "versions", "builds", "users"])
def test_crash_inside_a_batch_commits_nothing(backend, make_settings, open_docsplane, monkeypatch, name):
    container = open_docsplane(make_settings(backend))
    data = populate(container)
    victim = projector(container, name)
    applied = []
    original_apply = victim.projection.apply

    def crash_on_second_event(tx, event, position):
        original_apply(tx, event, position)  # its rows are written inside the batch's transaction...
        applied.append(type(event).__name__)
        if len(applied) == 2:
            raise RuntimeError("simulated crash before the commit")  # ...and never committed

    # 1. A crash in the very first batch: neither rows nor the position survive.
    monkeypatch.setattr(victim.projection, "apply", crash_on_second_event)
    with pytest.raises(RuntimeError, match="simulated crash"):
        victim.run_batch()
    assert len(applied) == 2
    assert all(dump_tables(container)[table] == [] for table in victim.projection.tables)
    assert name not in positions(container)

    # 2. A crash in a later batch: exactly the earlier batch's rows and position remain.
    monkeypatch.undo()
    victim.batch_size = 1
    assert victim.run_batch() is True
    committed = dump_tables(container)
    committed_position = positions(container)[name]
    assert 0 < committed_position < head(container)
    applied.clear()
    monkeypatch.setattr(victim.projection, "apply", crash_on_second_event)
    victim.batch_size = 3
    with pytest.raises(RuntimeError, match="simulated crash"):
        victim.run_batch()
    assert dump_tables(container) == committed
    assert positions(container)[name] == committed_position

    # 3. Running normally again applies everything once.
    monkeypatch.undo()
    container.catch_up()
    dump = assert_equals_rebuild(container)
    assert_populated(dump)
    assert sorted(b["id"] for b in dump["builds"]) == sorted(data["builds"])


def test_rebuild_replaces_rows_and_position(docsplane):
    populate(docsplane)
    docsplane.catch_up()
    expected = dump_tables(docsplane)
    with docsplane.store.transaction() as tx:  # tamper with the rows and positions
        tx.execute("DELETE FROM builds")
        tx.execute("UPDATE projects SET name = 'garbage'")
        tx.execute("UPDATE projection_positions SET position = 1")
    assert dump_tables(docsplane) != expected
    applied = {p.name: p.rebuild() for p in docsplane.projectors}
    assert applied["builds"] == 11  # 3 triggered, 4 state changes, a config, a command, 2 finished
    assert applied["users"] == 3
    assert dump_tables(docsplane) == expected


@pytest.mark.parametrize("grouped", [(), ("a",), ("a", "b")], ids=["one-by-one", "group-and-one-by-one", "groups"])
def test_two_projector_processes_apply_each_event_once(backend, make_settings, open_docsplane, grouped):
    """Each process runs the projectors one by one, or as one group (what `docsplane projector` runs)."""
    settings = make_settings(backend)
    a, b = open_docsplane(settings), open_docsplane(settings)
    populate(a)  # something to fight over from the start

    applications = Counter()
    by_container = Counter()
    count_lock = threading.Lock()
    for label, container in (("a", a), ("b", b)):
        for p in container.projectors:
            p.batch_size = 1
            original_apply = p.projection.apply

            def counting_apply(tx, event, position, _original=original_apply, _name=p.name, _label=label):
                _original(tx, event, position)
                with count_lock:
                    applications[(_name, event.originator_id, event.originator_version)] += 1
                    by_container[_label] += 1

            p.projection.apply = counting_apply

    errors = []
    writing = threading.Event()
    writing.set()
    start = threading.Barrier(3)

    def project(label, container):
        catch_up = ProjectorGroup(container.projectors).catch_up if label in grouped else container.catch_up
        try:
            start.wait(timeout=30)
            while writing.is_set():
                catch_up()
            catch_up()
        except BaseException as error:  # noqa: BLE001 - asserted below
            errors.append(error)

    def write():
        try:
            start.wait(timeout=30)
            for i in range(6):
                a.projects.import_project("bob", project_settings(f"Concurrent {i}"))
                b.builds.trigger_build("bob", f"concurrent-{i}")
                a.versions.update_version("bob", f"concurrent-{i}", "latest", {"hidden": True})
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            writing.clear()

    threads = [threading.Thread(target=project, args=(label, c)) for label, c in (("a", a), ("b", b))] + [threading.Thread(target=write)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []

    # Every handled event was applied by exactly one of the two.
    log = [a.app.mapper.to_domain_event(n) for n in a.app.recorder.select_notifications(start=1, limit=100_000)]
    expected = Counter()
    for p in a.projectors:
        for event in log:
            if type(event) in p.projection.handlers or not p.topics:  # no topics: it reads every event (audit)
                expected[(p.name, event.originator_id, event.originator_version)] += 1
    assert applications == expected
    assert sum(by_container.values()) == sum(expected.values())

    dump = assert_equals_rebuild(a)
    assert len(dump["projects"]) == 9
    assert len(dump["builds"]) == 9
    assert sum(1 for v in dump["versions"] if v["hidden"]) == 7  # beta-docs' and the six new ones
