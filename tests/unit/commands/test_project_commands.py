"""Importing, updating and deleting a project: what the commands decide and record."""

import pytest

from commands.projects import ProjectCommands
from write_side import names, settings


def test_an_import_claims_the_slug_and_creates_latest_in_one_save(commands, log):
    written = commands.projects.import_project("alice", settings("Pet Shop"))

    assert written.value == "pet-shop"
    events = log.new()
    assert names(events) == ["SlugIndex.SlugClaimed", "Project.ProjectImported", "Version.VersionCreated"]
    assert [r.domain_event for r in written.recordings] == events  # one save, returned to the caller
    imported, latest = events[1], events[2]
    assert (imported.slug, imported.maintainers) == ("pet-shop", ["alice"])
    assert (latest.slug, latest.identifier, latest.active, latest.machine) == ("latest", "main", True, True)


def test_latest_follows_head_when_no_default_branch_is_set(commands, log):
    commands.projects.import_project("alice", settings("Pets", default_branch=None))
    assert log.new()[-1].identifier == "HEAD"


def test_a_taken_slug_is_refused(commands, log, project, refused):
    with refused(log) as error:
        commands.projects.import_project("bob", settings("PETS"))  # slugifies to the same slug
    assert error.value.field == "name"


@pytest.mark.parametrize("url", ["", "not a url", "ftp://example.com/repo", "https://example.com/a && rm -rf /"])
def test_a_repository_url_that_is_not_one_is_refused(commands, log, refused, url):
    with refused(log) as error:
        commands.projects.import_project("alice", settings("Pets", repository={"url": url, "type": "git"}))
    assert error.value.field == "repository.url"


@pytest.mark.parametrize("url", ["/srv/repositories/pets", "file:///srv/repositories/pets"])
def test_a_local_repository_is_refused_unless_the_deployment_allows_it(app, commands, log, refused, url):
    with refused(log) as error:
        commands.projects.import_project("alice", settings("Pets", repository={"url": url, "type": "git"}))
    assert error.value.field == "repository.url"

    allowing = ProjectCommands(app, commands.projects.ids, allow_local_repositories=True)
    allowing.import_project("alice", settings("Pets", repository={"url": url, "type": "git"}))
    assert "Project.ProjectImported" in names(log.new())


def test_an_update_records_only_what_changed(commands, log, project):
    commands.projects.update_project("alice", project, {"homepage": "https://pets.example", "language": "en"})
    [updated] = log.new()
    assert names([updated]) == ["Project.ProjectUpdated"]
    assert updated.changes == {"homepage": "https://pets.example"}

    commands.projects.update_project("alice", project, {"homepage": "https://pets.example"})
    assert log.new() == []


def test_a_new_default_branch_moves_latest_with_it(commands, log, project):
    commands.projects.update_project("alice", project, {"default_branch": "trunk"})
    events = log.new()
    assert names(events) == ["Project.ProjectUpdated", "Version.VersionUpdated"]
    assert events[1].changes == {"identifier": "trunk"}


def test_a_put_of_a_field_that_cannot_change_is_refused(commands, log, project, refused):
    with refused(log) as error:
        commands.projects.update_project("alice", project, {"slug": "other"})
    assert error.value.field == "slug"


def test_the_default_version_must_exist(commands, log, project, refused):
    with refused(log) as error:
        commands.projects.update_project("alice", project, {"default_version": "2.0"})
    assert error.value.field == "default_version"


def test_only_maintainers_update_or_delete(commands, log, project, refused):
    with refused(log):
        commands.projects.update_project("mallory", project, {"homepage": "https://evil.example"})
    with refused(log):
        commands.projects.delete_project("mallory", project)


def test_a_deleted_project_releases_its_slug_for_a_new_import(commands, log, project):
    commands.projects.delete_project("alice", project)
    assert names(log.new()) == ["Project.ProjectDeleted", "SlugIndex.SlugReleased"]

    commands.projects.import_project("bob", settings("Pets"))
    assert names(log.new()) == ["SlugIndex.SlugReclaimed", "Project.ProjectImported", "Version.VersionCreated"]


def test_a_deleted_project_is_gone_for_its_commands(commands, log, project, refused):
    commands.projects.delete_project("alice", project)
    log.new()
    with refused(log):
        commands.projects.update_project("alice", project, {"homepage": None})
