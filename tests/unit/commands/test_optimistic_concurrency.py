"""Optimistic concurrency: a command on a state the client no longer sees is refused, and a save
that loses a race to another writer is decided again on the winner's state."""

from types import SimpleNamespace

import pytest
from eventsourcing.persistence import IntegrityError

from commands.handling import concurrency
from commands.handling.loading import load_project
from domain.errors import DomainError
from domain.sequence import IdSequence
from write_side import names, settings


def lose_the_next_race(monkeypatch, app, winner) -> None:
    """The next save of anything but id bookkeeping finds `winner()` saved just before it."""
    save = app.save
    raced = []

    def losing_save(*objs, **kwargs):
        if not raced and not all(isinstance(obj, IdSequence) for obj in objs):
            raced.append(True)
            winner()
        return save(*objs, **kwargs)

    monkeypatch.setattr(app, "save", losing_save)


def test_a_stale_expected_version_is_refused(app, commands, log, project, refused):
    read = load_project(app, project).version
    commands.projects.update_project("alice", project, {"homepage": "https://a.example"}, expected_version=read)
    log.new()

    with refused(log):
        commands.projects.update_project("alice", project, {"homepage": "https://b.example"}, expected_version=read)
    with refused(log):
        commands.projects.delete_project("alice", project, expected_version=read)
    commands.projects.update_project("alice", project, {"homepage": "https://b.example"}, expected_version=read + 1)
    assert names(log.new()) == ["Project.ProjectUpdated"]


@pytest.mark.parametrize("command", [
    lambda c, p, n, v: c.versions.update_version("alice", p, "latest", {"hidden": True}, expected_version=v),
    lambda c, p, n, v: c.redirects.change_redirect("alice", p, n.redirect, {"to_url": "/c"}, expected_version=v),
    lambda c, p, n, v: c.redirects.delete_redirect("alice", p, n.redirect, expected_version=v),
    lambda c, p, n, v: c.environment_variables.delete_environment_variable("alice", p, n.variable, expected_version=v),
    lambda c, p, n, v: c.projects.delete_project("alice", p, expected_version=v),
], ids=["version", "redirect change", "redirect delete", "environment variable", "project delete"])
def test_every_command_with_an_expected_version_refuses_a_stale_one(commands, log, project, refused, command):
    numbers = SimpleNamespace(
        redirect=commands.redirects.create_redirect("alice", project, "page", "/a", "/b").value,
        variable=commands.environment_variables.create_environment_variable("alice", project, "API_KEY", "x").value,
    )
    log.new()
    with refused(log):
        command(commands, project, numbers, 2)
    command(commands, project, numbers, 1)  # each aggregate is at its first version
    assert log.new() != []


def test_a_lost_race_is_retried_on_the_winners_state(monkeypatch, app, commands, log, project):
    lose_the_next_race(monkeypatch, app, lambda: commands.projects.update_project(
        "alice", project, {"homepage": "https://a.example"}))

    commands.projects.update_project("alice", project, {"language": "de"})

    winner, ours = log.new()
    assert (winner.changes, ours.changes) == ({"homepage": "https://a.example"}, {"language": "de"})
    assert ours.originator_version == winner.originator_version + 1


def test_a_retry_decides_again_and_may_refuse(monkeypatch, app, commands, log):
    lose_the_next_race(monkeypatch, app, lambda: commands.projects.import_project("bob", settings("Pets")))

    with pytest.raises(DomainError) as error:
        commands.projects.import_project("alice", settings("Pets"))

    assert error.value.field == "name"
    [imported] = [e for e in log.new() if names([e]) == ["Project.ProjectImported"]]
    assert imported.maintainers == ["bob"]


def test_a_write_between_the_clients_read_and_the_save_fails_its_precondition(monkeypatch, app, commands, log, project):
    read = load_project(app, project).version
    lose_the_next_race(monkeypatch, app, lambda: commands.projects.update_project(
        "alice", project, {"homepage": "https://a.example"}))

    with pytest.raises(DomainError):
        commands.projects.update_project("alice", project, {"language": "de"}, expected_version=read)

    assert [e.changes for e in log.new()] == [{"homepage": "https://a.example"}]


def test_a_command_that_always_loses_gives_up_with_a_conflict(monkeypatch, app, commands, log, project):
    monkeypatch.setattr(concurrency, "MAX_BACKOFF", 0)  # no waiting between the attempts
    attempts = []

    def always_losing(*objs, **kwargs):
        attempts.append(objs)
        raise IntegrityError("another writer got there first")

    monkeypatch.setattr(app, "save", always_losing)
    with pytest.raises(DomainError):
        commands.projects.update_project("alice", project, {"homepage": "https://a.example"})
    assert len(attempts) == concurrency.ATTEMPTS
    assert log.new() == []
