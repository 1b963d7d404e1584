"""The tracked log follower that the dispatcher, the relay and other workers build on."""

from __future__ import annotations

import pytest
from integration_support import event_log, head, populate

from domain.build import Build
from domain.project import Project
from projections.following.schema import create_tables
from workers.following.log_follower import LogFollower


def test_hands_over_only_its_topics_in_log_order_and_then_rests_at_the_head(docsplane):
    populate(docsplane)
    batches = []
    follower = LogFollower("builds-seen", docsplane.app, docsplane.store, batches.append,
                           topics=[Build.BuildTriggered, Project.ProjectImported], batch_size=2)

    follower.catch_up()

    handled = [logged for batch in batches for logged in batch]
    expected = [n.id for n in event_log(docsplane) if n.topic.endswith((".BuildTriggered", ".ProjectImported"))]
    assert [logged.id for logged in handled] == expected
    assert {type(logged.event).__name__ for logged in handled} == {"BuildTriggered", "ProjectImported"}
    assert [len(batch) for batch in batches] == [2, 2, 2]
    assert follower.position == head(docsplane)  # past the later events of other topics too
    assert follower.run_batch() is False


def test_a_failing_handler_leaves_the_position_and_gets_the_same_events_again(docsplane):
    populate(docsplane)
    attempts = []

    def fail_once(batch):
        attempts.append([logged.id for logged in batch])
        if len(attempts) == 1:
            raise ConnectionError("the other side is away")

    follower = LogFollower("flaky", docsplane.app, docsplane.store, fail_once, batch_size=5)
    with pytest.raises(ConnectionError):
        follower.run_batch()
    assert follower.position == 0

    follower.run_batch()

    assert attempts[0] == attempts[1] == [n.id for n in event_log(docsplane)][:5]
    assert follower.position == attempts[0][-1]


def test_each_name_keeps_its_own_position_and_a_read_model_rebuild_keeps_them_all(docsplane):
    populate(docsplane)
    first = LogFollower("first", docsplane.app, docsplane.store, lambda batch: None)
    first.catch_up()
    second = LogFollower("second", docsplane.app, docsplane.store, lambda batch: None, batch_size=3)
    second.run_batch()
    with docsplane.store.transaction() as tx:
        tx.execute("UPDATE read_model_schema SET fingerprint = 'an older schema'")

    create_tables(docsplane.store)  # what start-up does after a read-model schema change

    assert docsplane.store.fetchall("SELECT * FROM projection_positions") == []  # read models start over ...
    assert LogFollower("first", docsplane.app, docsplane.store, print).position == head(docsplane)  # ... followers don't
    assert LogFollower("second", docsplane.app, docsplane.store, print).position == event_log(docsplane)[2].id
