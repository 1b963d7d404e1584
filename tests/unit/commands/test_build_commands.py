"""Builds: a maintainer triggers one of an active version; its worker moves it forward and finishes it."""

import pytest

from domain.rules.version_sync import RepositoryRefs
from write_side import names


def triggered(commands, log, project) -> int:
    number = commands.builds.trigger_build("alice", project).value
    log.new()
    return number


def test_a_trigger_without_a_version_builds_the_default_one(commands, log, project):
    written = commands.builds.trigger_build("alice", project)
    [event] = log.new()
    assert names([event]) == ["Build.BuildTriggered"]
    assert (event.number, event.version_slug, event.actor) == (written.value, "latest", "alice")


def test_an_inactive_version_is_not_built(commands, log, project, refused):
    commands.versions.sync_versions("worker:1", project, RepositoryRefs(branches={"main": "a" * 40, "dev": "b" * 40}))
    log.new()
    with refused(log) as error:
        commands.builds.trigger_build("alice", project, "dev")
    assert error.value.field == "version"


def test_an_unknown_version_named_in_the_body_is_a_field_error_and_in_the_url_is_not(commands, log, project, refused):
    with refused(log) as error:
        commands.builds.trigger_build("alice", project, "nope", version_in_body=True)
    assert error.value.field == "version"
    with refused(log) as error:
        commands.builds.trigger_build("alice", project, "nope")
    assert getattr(error.value, "field", None) is None  # a 404, not a field of the body


def test_only_maintainers_trigger(commands, log, project, refused):
    with refused(log):
        commands.builds.trigger_build("mallory", project)


def test_a_leased_build_moves_forward_only_and_finishes_once(commands, log, project, refused):
    number = triggered(commands, log, project)
    commands.build_leases.lease_build("worker:1", number)
    commands.builds.change_build_state("worker:1", number, "cloning", commit="a" * 40)
    commands.builds.change_build_state("worker:1", number, "building")
    assert names(log.new()) == ["Build.BuildLeased", "Build.BuildStateChanged", "Build.BuildStateChanged"]

    with refused(log) as error:
        commands.builds.change_build_state("worker:1", number, "installing")  # backwards
    assert error.value.field == "state"
    with refused(log):
        commands.builds.change_build_state("worker:2", number, "building")  # not the lease's holder

    commands.builds.finish_build("worker:1", number, success=True, builder="host-1")
    [finished] = log.new()
    assert (finished.success, finished.builder) == (True, "host-1")
    with refused(log) as error:
        commands.builds.finish_build("worker:1", number, success=False)
    assert error.value.field == "state"


def test_a_second_worker_cannot_take_a_leased_build(commands, log, project, refused):
    number = triggered(commands, log, project)
    commands.build_leases.lease_build("worker:1", number)
    log.new()
    with refused(log):
        commands.build_leases.lease_build("worker:2", number)


def test_recorded_commands_get_their_own_ids(commands, log, project, refused):
    number = triggered(commands, log, project)
    first = commands.builds.record_command("worker:1", number, "git clone", "ok", 0).value
    second = commands.builds.record_command("worker:1", number, "sphinx-build", "", 1).value
    assert first != second
    assert [(e.command, e.exit_code) for e in log.new()] == [("git clone", 0), ("sphinx-build", 1)]
    with refused(log) as error:
        commands.builds.record_command("worker:1", number, "", "", 0)
    assert error.value.field == "command"


@pytest.mark.parametrize("leased, running", [(True, True), (False, False)])
def test_a_cancel_ends_a_waiting_build_at_once_and_asks_a_running_one(commands, log, project, refused, leased, running):
    number = triggered(commands, log, project)
    if leased:
        commands.build_leases.lease_build("worker:1", number)
        log.new()

    assert commands.builds.cancel_build("alice", project, number).value is running

    assert names(log.new()) == ["Build.BuildCancelRequested"] + ([] if running else ["Build.BuildFinished"])
