"""The build state machine: forward-only states, finishing once, an error message on failure."""

from uuid import uuid4

import pytest

from domain.build import Build
from api.errors import code_of
from domain.errors import FieldError
from domain.ids import build_id


def triggered(number=42) -> Build:
    build = Build(
        number=number, project_id=uuid4(), project_slug="sample", version_id=uuid4(), version_slug="latest",
        actor="alice",
    )
    build.collect_events()
    return build


def test_trigger_records_build_triggered():
    build = Build(
        number=42, project_id=uuid4(), project_slug="sample", version_id=uuid4(), version_slug="latest", actor="alice",
    )
    events = build.collect_events()
    assert [type(e).__name__ for e in events] == ["BuildTriggered"]
    assert events[0].actor == "alice"
    assert events[0].timestamp is not None
    assert events[0].number == 42
    assert build.id == build_id(42)
    assert (build.state, build.success, build.error, build.commit) == ("triggered", None, None, None)
    assert not build.is_finished


def test_states_move_forward_and_keep_the_commit():
    build = triggered()
    build.change_state("cloning", "worker-1", commit="abc123")
    build.change_state("installing", "worker-1")
    build.change_state("building", "worker-1")
    events = build.collect_events()
    assert [type(e).__name__ for e in events] == ["BuildStateChanged"] * 3
    assert [e.state for e in events] == ["cloning", "installing", "building"]
    assert all(e.actor == "worker-1" and e.timestamp is not None for e in events)
    assert events[0].commit == "abc123"
    assert build.state == "building"
    assert build.commit == "abc123"  # a later state without a commit keeps it


def test_states_may_be_skipped_forward():
    build = triggered()
    build.change_state("building", "worker-1")
    assert build.state == "building"


@pytest.mark.parametrize(
    ("reached", "target"),
    [("cloning", "cloning"), ("installing", "cloning"), ("building", "installing"), ("building", "cloning")],
)
def test_states_never_move_backwards(reached, target):
    build = triggered()
    build.change_state(reached, "worker-1")
    build.collect_events()
    with pytest.raises(FieldError) as raised:
        build.change_state(target, "worker-1")
    assert (raised.value.resource, raised.value.field, code_of(raised.value)) == ("Build", "state", "invalid")
    assert build.state == reached
    assert build.collect_events() == []


@pytest.mark.parametrize("state", ["triggered", "finished", "exploded", ""])
def test_change_state_rejects_non_progress_states(state):
    build = triggered()
    with pytest.raises(FieldError) as raised:
        build.change_state(state, "worker-1")
    assert raised.value.field == "state"
    assert build.state == "triggered"
    assert build.collect_events() == []


def test_successful_finish():
    build = triggered()
    build.change_state("building", "worker-1")
    build.finish(True, "worker-1", error="ignored on success", builder="builder-7")
    events = build.collect_events()
    assert [type(e).__name__ for e in events] == ["BuildStateChanged", "BuildFinished"]
    finished = events[-1]
    assert (finished.success, finished.error, finished.builder) == (True, None, "builder-7")
    assert finished.actor == "worker-1" and finished.timestamp is not None
    assert (build.state, build.success, build.error, build.is_finished) == ("finished", True, None, True)


def test_failed_finish_carries_the_error():
    build = triggered()
    build.finish(False, "worker-1", error="sphinx exploded")
    [event] = build.collect_events()
    assert (event.success, event.error) == (False, "sphinx exploded")
    assert (build.success, build.error) == (False, "sphinx exploded")


def test_failed_finish_without_message_gets_a_default():
    build = triggered()
    build.finish(False, "worker-1")
    [event] = build.collect_events()
    assert event.error == "Build failed"
    assert build.error == "Build failed"


def test_a_build_finishes_once():
    build = triggered()
    build.finish(True, "worker-1")
    build.collect_events()
    with pytest.raises(FieldError):
        build.finish(False, "worker-2", error="late")
    with pytest.raises(FieldError):
        build.change_state("building", "worker-2")
    assert build.collect_events() == []
    assert (build.state, build.success, build.error) == ("finished", True, None)
