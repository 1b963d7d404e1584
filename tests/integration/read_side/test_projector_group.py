"""The projectors as one group (what `docsplane projector` runs): one read of the log and one
transaction per batch for every read model, ending exactly where the projectors one by one end."""

from collections import Counter

import pytest

from integration_support import dump_tables, head, populate, positions, project_settings
from projections.following.projector import ProjectorGroup
from test_projector_durability import assert_equals_rebuild, assert_populated, projector


def count_applications(container) -> Counter:
    """(projection, event) -> how many times the projection's apply ran on it."""
    applications = Counter()
    for p in container.projectors:
        original_apply = p.projection.apply

        def counting_apply(tx, event, position, _original=original_apply, _name=p.name):
            _original(tx, event, position)
            applications[(_name, event.originator_id, event.originator_version)] += 1

        p.projection.apply = counting_apply
    return applications


def handled(container) -> Counter:
    """What each projector's own select would hand it: its topics, or every event (audit)."""
    log = [container.app.mapper.to_domain_event(n) for n in container.app.recorder.select_notifications(start=1, limit=100_000)]
    return Counter(
        (p.name, event.originator_id, event.originator_version)
        for p in container.projectors for event in log
        if type(event) in p.projection.handlers or not p.topics
    )


def test_group_applies_every_event_once_in_small_batches(docsplane):
    populate(docsplane)
    applications = count_applications(docsplane)
    for p in docsplane.projectors:
        p.batch_size = 3
    group = ProjectorGroup(docsplane.projectors)
    batches = 0
    while group.run_batch():
        batches += 1
        assert batches < 1000
    assert batches > head(docsplane) // 3 - 1  # it went batch by batch
    assert group.run_batch() is False
    assert applications == handled(docsplane)
    assert_populated(assert_equals_rebuild(docsplane))

    docsplane.projects.import_project("bob", project_settings("Delta Docs"))  # and it follows on
    assert group.run_batch() is True
    assert {p.name: head(docsplane) for p in docsplane.projectors} == positions(docsplane)
    assert_equals_rebuild(docsplane)


def test_group_resumes_from_positions_left_by_single_projectors(docsplane):
    populate(docsplane)
    for p in docsplane.projectors:
        p.batch_size = 2 + len(p.name) % 5  # all at different points of the log
        p.run_batch()
    applications = count_applications(docsplane)
    before = positions(docsplane)
    ProjectorGroup(docsplane.projectors).catch_up()
    assert applications == Counter({key: n for key, n in handled(docsplane).items()
                                    if _version_position(docsplane, key) > before[key[0]]})
    assert_equals_rebuild(docsplane)


def _version_position(container, key) -> int:
    """The notification id of the event (projection, originator_id, originator_version) names."""
    _, originator_id, version = key
    for n in container.app.recorder.select_notifications(start=1, limit=100_000):
        if n.originator_id == originator_id and n.originator_version == version:
            return n.id
    raise AssertionError(key)


@pytest.mark.parametrize("name", ["builds", "audit"])
def test_a_failing_projection_holds_back_only_itself(docsplane, monkeypatch, name):
    populate(docsplane)
    victim = projector(docsplane, name)
    original_apply = victim.projection.apply
    applied = []

    def crash_on_second_event(tx, event, position):
        original_apply(tx, event, position)
        applied.append(position)
        if len(applied) == 2:
            raise RuntimeError("simulated crash before the commit")

    monkeypatch.setattr(victim.projection, "apply", crash_on_second_event)
    group = ProjectorGroup(docsplane.projectors)
    with pytest.raises(RuntimeError, match="simulated crash"):
        group.run_batch()
    # The shared batch committed nothing; then every other projection ran its own batch.
    assert name not in positions(docsplane)
    assert all(dump_tables(docsplane)[table] == [] for table in victim.projection.tables)
    assert positions(docsplane) == {p.name: head(docsplane) for p in docsplane.projectors if p is not victim}

    monkeypatch.undo()
    group.catch_up()
    assert_populated(assert_equals_rebuild(docsplane))


def test_a_position_set_back_is_read_again(docsplane):
    """Positions only move forward, but one set back by hand (its rows emptied) is projected again."""
    populate(docsplane)
    group = ProjectorGroup(docsplane.projectors)
    group.catch_up()
    expected = dump_tables(docsplane)
    with docsplane.store.transaction() as tx:
        tx.execute("DELETE FROM builds")
        tx.execute("DELETE FROM build_commands")
        tx.execute("UPDATE projection_positions SET position = 0 WHERE name = 'builds'")
    docsplane.builds.trigger_build("alice", "gamma-docs")
    group.catch_up()
    assert len(dump_tables(docsplane)["builds"]) == len(expected["builds"]) + 1
    assert_equals_rebuild(docsplane)
