"""A build's lease: one worker at a time runs it, renewing as it goes; an expired lease is retried
once, then failed; a cancel ends a build that is not running at once and asks a running one to stop."""

from datetime import datetime, timedelta, timezone
from uuid import uuid4

import pytest

from domain.build import WORKER_LOST, Build
from domain.errors import FieldError, StateMovedOn

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
LEASE = 60


def triggered() -> Build:
    build = Build(number=7, project_id=uuid4(), project_slug="pip", version_id=uuid4(), version_slug="latest", actor="alice")
    build.collect_events()
    return build


def names(build: Build) -> list[str]:
    return [type(e).__name__ for e in build.collect_events()]


def test_a_worker_leases_a_waiting_build_and_renews_it():
    build = triggered()
    build.lease("w1", T0, LEASE)
    build.renew_lease("w1", T0 + timedelta(seconds=20), LEASE)
    events = build.collect_events()
    assert [type(e).__name__ for e in events] == ["BuildLeased", "LeaseRenewed"]
    assert events[0].worker == "w1" and events[0].actor == "w1" and events[0].expires_at == T0 + timedelta(seconds=LEASE)
    assert build.lease_expires == T0 + timedelta(seconds=20 + LEASE)
    assert build.is_leased(T0 + timedelta(seconds=79)) and not build.is_leased(T0 + timedelta(seconds=80))


def test_a_second_worker_cannot_lease_a_leased_build():
    build = triggered()
    build.lease("w1", T0, LEASE)
    with pytest.raises(StateMovedOn, match="w1"):
        build.lease("w2", T0, LEASE)
    # Not even once the lease expired: the reaper decides what happens to that build.
    with pytest.raises(StateMovedOn):
        build.lease("w2", T0 + timedelta(hours=1), LEASE)


@pytest.mark.parametrize("progress", ["started", "finished"])
def test_only_a_build_waiting_to_run_is_leased(progress):
    build = triggered()
    if progress == "started":
        build.change_state("building", "w0")
    else:
        build.finish(True, "w0")
    with pytest.raises(FieldError):
        build.lease("w1", T0, LEASE)


def test_renewal_is_refused_once_the_lease_was_taken():
    build = triggered()
    build.lease("w1", T0, LEASE)
    build.expire_lease(T0 + timedelta(seconds=LEASE + 1), "reaper")
    with pytest.raises(StateMovedOn, match="no longer holds"):
        build.renew_lease("w1", T0 + timedelta(seconds=LEASE + 2), LEASE)
    build.lease("w2", T0 + timedelta(seconds=LEASE + 2), LEASE)
    with pytest.raises(StateMovedOn):
        build.renew_lease("w1", T0 + timedelta(seconds=LEASE + 3), LEASE)


def test_an_expired_lease_is_retried_once_then_the_build_fails():
    build = triggered()
    build.lease("w1", T0, LEASE)
    build.change_state("building", "w1")
    assert build.expire_lease(T0 + timedelta(seconds=LEASE - 1), "reaper") is None  # still valid
    assert build.expire_lease(T0 + timedelta(seconds=LEASE + 1), "reaper") == "retried"
    retried = build.collect_events()[-1]
    assert type(retried).__name__ == "BuildRetried"
    assert (retried.number, retried.attempt, retried.worker, retried.actor) == (7, 2, "w1", "reaper")
    assert (build.state, build.attempt, build.lease_holder) == ("triggered", 2, None)
    assert build.expire_lease(T0 + timedelta(hours=1), "reaper") is None  # nobody holds it now

    later = T0 + timedelta(minutes=5)
    build.lease("w2", later, LEASE)
    build.change_state("cloning", "w2")
    assert build.expire_lease(later + timedelta(seconds=LEASE + 1), "reaper") == "failed"
    assert names(build) == ["BuildLeased", "BuildStateChanged", "BuildFinished"]
    assert (build.state, build.success) == ("finished", False)
    assert build.error == f"{WORKER_LOST} (attempt 2 of 2)."
    assert build.expire_lease(later + timedelta(hours=1), "reaper") is None


def test_cancelling_a_build_not_running_finishes_it_at_once():
    build = triggered()
    build.request_cancel("alice", T0)
    assert names(build) == ["BuildCancelRequested", "BuildFinished"]
    assert (build.state, build.success, build.error) == ("finished", False, "Cancelled by alice")
    with pytest.raises(StateMovedOn, match="already finished"):
        build.request_cancel("alice", T0)


def test_cancelling_a_running_build_asks_its_worker_once():
    build = triggered()
    build.lease("w1", T0, LEASE)
    build.collect_events()
    build.request_cancel("alice", T0 + timedelta(seconds=1))
    build.request_cancel("bob", T0 + timedelta(seconds=2))
    assert names(build) == ["BuildCancelRequested"]
    assert (build.state, build.cancel_requested_by) == ("triggered", "alice")
    # If the worker dies before stopping it, the reaper ends it as cancelled, without a retry.
    assert build.expire_lease(T0 + timedelta(seconds=LEASE + 1), "reaper") == "cancelled"
    assert (build.state, build.error) == ("finished", "Cancelled by alice")


def test_a_running_build_its_worker_stops_ends_as_cancelled():
    build = triggered()
    build.lease("w1", T0, LEASE)
    build.request_cancel("alice", T0)
    build.finish(False, "w1", error="the step was killed")
    assert (build.state, build.success, build.error) == ("finished", False, "Cancelled by alice")


def test_only_the_lease_holder_writes_the_build_progress():
    build = triggered()
    build.lease("w1", T0, LEASE)
    with pytest.raises(StateMovedOn, match="w2 does not hold the lease"):
        build.change_state("cloning", "w2")
    build.change_state("cloning", "w1")
    build.expire_lease(T0 + timedelta(seconds=LEASE + 1), "reaper")
    # Retried: the worker that stopped responding may come back; nothing it writes is taken.
    writes = {
        "state": lambda: build.change_state("building", "w1"),
        "config": lambda: build.configure({}, "w1"),
        "command": lambda: build.record_command(1, "make", "", 0, T0, T0, "w1"),
        "finish": lambda: build.finish(True, "w1"),
    }
    for name, write in writes.items():
        with pytest.raises(StateMovedOn):
            write()
    build.collect_events()
    build.lease("w2", T0 + timedelta(seconds=LEASE + 2), LEASE)
    build.change_state("cloning", "w2")
    build.finish(True, "w2")
    assert (build.state, build.success) == ("finished", True)


def test_a_worker_that_fails_itself_gives_the_build_up_to_a_retry():
    build = triggered()
    build.lease("w1", T0, LEASE)
    with pytest.raises(StateMovedOn):
        build.give_up("w2", "disk full")
    assert build.give_up("w1", "disk full") == "retried"
    build.lease("w2", T0, LEASE)
    assert build.give_up("w2", "disk full") == "failed"
    assert build.error == "The build worker failed: disk full (attempt 2 of 2)."
