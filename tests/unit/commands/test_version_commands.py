"""Versions: activating builds one, the default version stays active, hiding and privacy are recorded."""

from commands.handling.loading import load_project, load_version
from domain.ids import version_id
from domain.rules.version_sync import RepositoryRefs
from write_side import names


def synced(commands, log, project, **refs) -> None:
    commands.versions.sync_versions("worker:1", project, RepositoryRefs(**refs))
    log.new()


def test_activating_a_version_triggers_its_build_in_the_same_save(commands, log, project):
    synced(commands, log, project, branches={"main": "a" * 40, "dev": "b" * 40}, head="main")

    written = commands.versions.update_version("alice", project, "dev", {"active": True})

    events = log.new()
    assert names(events) == ["Version.VersionActivated", "Build.BuildTriggered"]
    assert len(written.recordings) == 2
    assert (events[1].version_slug, events[1].project_slug) == ("dev", project)


def test_activating_an_active_version_records_nothing(commands, log, project):
    commands.versions.update_version("alice", project, "latest", {"active": True})
    assert log.new() == []


def test_deactivating_and_hiding_are_recorded(commands, log, project):
    synced(commands, log, project, branches={"main": "a" * 40, "dev": "b" * 40}, head="main")
    commands.versions.update_version("alice", project, "dev", {"active": True})
    log.new()

    commands.versions.update_version("alice", project, "dev", {"active": False, "hidden": True, "privacy_level": "private"})

    events = log.new()
    assert names(events) == ["Version.VersionDeactivated", "Version.VersionUpdated"]
    assert events[1].changes == {"hidden": True, "privacy_level": "private"}


def test_the_default_version_cannot_be_deactivated(commands, log, project, refused):
    with refused(log) as error:
        commands.versions.update_version("alice", project, "latest", {"active": False})
    assert error.value.field == "active"


def test_an_unknown_privacy_level_is_refused(commands, log, project, refused):
    with refused(log) as error:
        commands.versions.update_version("alice", project, "latest", {"privacy_level": "secret"})
    assert error.value.field == "privacy_level"


def test_only_maintainers_change_versions(commands, log, project, refused):
    with refused(log):
        commands.versions.update_version("mallory", project, "latest", {"hidden": True})


def test_a_maintainer_asks_for_a_sync(commands, log, project, refused):
    commands.versions.request_version_sync("alice", project)
    assert names(log.new()) == ["Project.VersionSyncRequested"]
    with refused(log):
        commands.versions.request_version_sync("mallory", project)


def test_a_sync_creates_branches_and_tags_inactive_and_stable_as_an_alias(app, commands, log, project):
    refs = RepositoryRefs(branches={"main": "a" * 40, "dev": "b" * 40}, tags={"1.0": "c" * 40, "2.0": "d" * 40}, head="main")

    report = commands.versions.sync_versions("worker:1", project, refs).value

    assert sorted(report.created) == ["1.0", "2.0", "dev", "main", "stable"]
    created = {e.slug: e for e in log.new() if names([e]) == ["Version.VersionCreated"]}
    assert not any(created[slug].active for slug in ("1.0", "2.0", "dev", "main"))
    stable = created["stable"]
    assert (stable.alias_of, stable.identifier, stable.machine, stable.active) == ("2.0", "d" * 40, True, True)
    assert load_version(app, load_project(app, project), "latest").alias_of == "main"


def test_a_sync_applies_only_the_difference(app, commands, log, project):
    synced(commands, log, project, branches={"main": "a" * 40, "dev": "b" * 40}, tags={"1.0": "c" * 40}, head="main")
    commands.versions.update_version("alice", project, "dev", {"active": True})
    log.new()

    # dev (active) and 1.0 (inactive) are gone, 1.0 comes back moved as 1.1; main is unchanged
    report = commands.versions.sync_versions(
        "worker:1", project, RepositoryRefs(branches={"main": "a" * 40}, tags={"1.1": "e" * 40}, head="main")).value

    assert (report.created, report.deleted, report.kept) == (["1.1"], ["1.0"], ["dev"])
    by_version = {}
    for event in log.new():
        by_version.setdefault(event.originator_id, []).append(event)
    pid = load_project(app, project).id
    assert {slug: names(by_version.get(version_id(pid, slug), [])) for slug in ("1.1", "1.0", "dev", "main", "stable")} == {
        "1.1": ["Version.VersionCreated"], "1.0": ["Version.VersionDeleted"], "dev": [], "main": [],
        "stable": ["Version.VersionUpdated"],
    }
    assert by_version[version_id(pid, "stable")][0].changes == {"identifier": "e" * 40, "alias_of": "1.1"}

    again = commands.versions.sync_versions(
        "worker:1", project, RepositoryRefs(branches={"main": "a" * 40}, tags={"1.1": "e" * 40}, head="main"))
    assert (again.recordings, log.new()) == ([], [])  # nothing differs: nothing recorded


def test_a_failed_sync_is_recorded_in_the_project_history(commands, log, project):
    commands.versions.record_sync_failure("worker:1", project, "repository not found")
    failure = log.new()[-1]
    assert (failure.reason, failure.actor) == ("repository not found", "worker:1")
