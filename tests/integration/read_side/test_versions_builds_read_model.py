"""Versions, builds and build commands through commands → projector → queries, on each backend:
filters, aliases, build configs and commands, sync requests, the flyout menu's lists."""

from datetime import datetime, timedelta, timezone

import pytest

from commands.handling.loading import load_project
from domain.errors import FieldError, NotAllowed, UnknownResource
from domain.version import Version
from integration_support import dump_tables, event_log, project_settings, rebuild_all, topic_name

T0 = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)


def imported(docsplane, name="Pip", actor="alice", **overrides) -> str:
    slug = docsplane.projects.import_project(actor, project_settings(name, **overrides)).value
    docsplane.catch_up()
    return slug


def add_version(docsplane, project_slug, slug, type="tag", active=True, alias_of=None):
    """Versions besides `latest` come from the repository sync (a build worker); save one directly."""
    project = load_project(docsplane.app, project_slug)
    docsplane.app.save(Version.create(
        project_id=project.id, project_slug=project.slug, number=docsplane.projects.ids["version"].next(),
        slug=slug, verbose_name=slug, identifier=f"id-{slug}", type=type, active=active, actor="alice",
        alias_of=alias_of,
    ))
    docsplane.catch_up()


def slugs(page) -> list[str]:
    return [v["slug"] for v in page.results]


# -- versions ------------------------------------------------------------------------------------

def test_version_filters_type_and_slug(docsplane):
    imported(docsplane)
    for slug, kind in (("v1_0", "tag"), ("v1x0", "tag"), ("feature-100", "branch"), ("pr-7", "external")):
        add_version(docsplane, "pip", slug, type=kind)
    project = docsplane.read_model.project("pip", "alice")

    def versions(**filters):
        page = docsplane.read_model.versions(project, "alice", filters, limit=100, offset=0)
        assert page.count == len(page.results)
        return slugs(page)

    assert versions(type="tag") == ["v1_0", "v1x0"]
    assert versions(type="branch") == ["latest", "feature-100"]
    assert versions(type="external") == ["pr-7"]
    assert versions(slug="1") == ["v1_0", "v1x0", "feature-100"]  # contains
    assert versions(slug="V1") == ["v1_0", "v1x0"]  # slugs are lower-case: case does not matter
    assert versions(slug="1_") == ["v1_0"]  # '_' is a character, not a LIKE wildcard
    assert versions(slug="%") == [] and versions(slug="\\") == []
    assert versions(slug="latest", type="branch") == ["latest"]
    assert versions(slug="latest", type="tag") == []


def test_private_versions_stay_invisible_to_outsiders_through_filters(docsplane):
    imported(docsplane)
    add_version(docsplane, "pip", "secret-1")
    docsplane.versions.update_version("alice", "pip", "secret-1", {"privacy_level": "private"})
    docsplane.catch_up()
    project = docsplane.read_model.project("pip", "bob")
    assert slugs(docsplane.read_model.versions(project, "bob", {"slug": "secret"}, 10, 0)) == []
    assert slugs(docsplane.read_model.versions(project, "alice", {"slug": "secret"}, 10, 0)) == ["secret-1"]


def test_stable_is_an_alias_of_the_release_it_points_to(docsplane):
    imported(docsplane)
    add_version(docsplane, "pip", "19.0.2")
    add_version(docsplane, "pip", "stable", alias_of="19.0.2")
    project = docsplane.read_model.project("pip", "alice")
    stable = docsplane.read_model.version(project, "alice", "stable")
    assert stable["alias_of"] == "19.0.2"
    [alias] = stable["aliases"]
    assert (alias["slug"], alias["identifier"], alias["active"]) == ("19.0.2", "id-19.0.2", True)
    assert docsplane.read_model.version(project, "alice", "19.0.2")["aliases"] == []
    listed = {v["slug"]: v for v in docsplane.read_model.versions(project, "alice", {}, 10, 0).results}
    assert [a["slug"] for a in listed["stable"]["aliases"]] == ["19.0.2"]
    [alice_project] = docsplane.read_model.projects_of("alice", {}, 10, 0).results
    active = {v["slug"]: v for v in alice_project["active_versions"]}
    assert [a["slug"] for a in active["stable"]["aliases"]] == ["19.0.2"]

    # The sync moves stable on; an inactive or private target is not shown (to outsiders).
    add_version(docsplane, "pip", "19.1", active=False)
    docsplane.app.save(_updated(docsplane, "stable", {"alias_of": "19.1"}))
    docsplane.catch_up()
    assert docsplane.read_model.version(project, "alice", "stable")["aliases"] == []
    docsplane.versions.update_version("alice", "pip", "19.1", {"active": True, "privacy_level": "private"})
    docsplane.catch_up()
    assert [a["slug"] for a in docsplane.read_model.version(project, "alice", "stable")["aliases"]] == ["19.1"]
    assert docsplane.read_model.version(project, "bob", "stable")["aliases"] == []


def test_a_project_detail_shows_the_active_versions_its_viewer_may_see(docsplane):
    """project_detail reads project and versions in one statement: it must answer what the
    project and versions queries answer, aliases and last builds included."""
    imported(docsplane)
    imported(docsplane, "Other")
    for slug, active in (("19.0.2", True), ("19.1", True), ("old", False)):
        add_version(docsplane, "pip", slug, active=active)
    add_version(docsplane, "pip", "stable", alias_of="19.1")
    add_version(docsplane, "pip", "previous", alias_of="old")
    add_version(docsplane, "other", "19.1")
    docsplane.versions.update_version("alice", "pip", "19.1", {"privacy_level": "private"})
    docsplane.builds.trigger_build("alice", "pip", "19.0.2")
    docsplane.catch_up()
    for viewer in ("alice", "bob", None):
        project = docsplane.read_model.project("pip", viewer)
        detail = docsplane.read_model.project_detail("pip", viewer)
        assert detail == {**project, "active_versions": docsplane.read_model.active_versions(project, viewer)}
    maintained = {v["slug"]: v for v in docsplane.read_model.project_detail("pip", "alice")["active_versions"]}
    assert [a["slug"] for a in maintained["stable"]["aliases"]] == ["19.1"] and maintained["previous"]["aliases"] == []
    assert maintained["19.0.2"]["last_build"]["version_slug"] == "19.0.2"
    assert "19.1" not in {v["slug"] for v in docsplane.read_model.project_detail("pip", "bob")["active_versions"]}
    docsplane.projects.update_project("alice", "pip", {"privacy_level": "private"})
    docsplane.catch_up()
    assert docsplane.read_model.project_detail("pip", "bob") is None
    assert docsplane.read_model.project_detail("missing", "alice") is None


def _updated(docsplane, slug, changes):
    from commands.handling.loading import load_version

    version = load_version(docsplane.app, load_project(docsplane.app, "pip"), slug)
    version.update("sync", changes)
    return version


def test_version_sync_request_is_recorded_for_maintainers_only(docsplane):
    imported(docsplane)
    imported(docsplane, "Hidden", privacy_level="private")
    written = docsplane.versions.request_version_sync("alice", "pip")
    assert [topic_name(r.notification.topic) for r in written.recordings] == ["VersionSyncRequested"]
    assert written.recordings[0].domain_event.actor == "alice"
    with pytest.raises(NotAllowed):
        docsplane.versions.request_version_sync("bob", "pip")
    with pytest.raises(UnknownResource):
        docsplane.versions.request_version_sync("bob", "hidden")
    with pytest.raises(UnknownResource):
        docsplane.versions.request_version_sync("alice", "nope")
    assert [topic_name(n.topic) for n in event_log(docsplane)].count("VersionSyncRequested") == 1


# -- builds --------------------------------------------------------------------------------------

def test_build_config_and_filters_by_success_and_state(docsplane):
    imported(docsplane)
    builds = docsplane.builds
    ok, failed, running, fresh = (builds.trigger_build("alice", "pip").value for _ in range(4))
    config = {"version": "2", "formats": ["htmlzip", "epub"], "sphinx": {"fail_on_warning": False}}
    builds.change_build_state("worker", ok, "cloning")
    builds.configure_build("worker", ok, config)
    builds.finish_build("worker", ok, True)
    builds.finish_build("worker", failed, False, error="boom")
    builds.change_build_state("worker", running, "installing")
    docsplane.catch_up()

    assert docsplane.read_model.build("pip", ok)["config"] == config
    assert docsplane.read_model.build("pip", failed)["config"] is None
    version = docsplane.read_model.version(docsplane.read_model.project("pip", "alice"), "alice", "latest")
    assert version["last_build"]["id"] == fresh and version["last_build"]["config"] is None

    def ids(**filters):
        return [b["id"] for b in docsplane.read_model.builds("pip", filters, 100, 0).results]

    assert ids(success=True) == [ok]
    assert ids(success=False) == [failed]  # a running build has no success yet
    assert ids(state="finished") == [failed, ok]
    assert ids(state="installing") == [running]
    assert ids(state="triggered") == [fresh]
    assert ids(state="building") == []
    assert ids(state="finished", success=True) == [ok]
    assert ids(running=True, success=False) == []


def test_build_commands_are_listed_in_the_order_they_ran(docsplane):
    imported(docsplane)
    other = docsplane.builds.trigger_build("alice", "pip").value
    build = docsplane.builds.trigger_build("alice", "pip").value
    later = docsplane.builds.record_command("worker", build, "make html", "build succeeded", 0,
                                            started=T0 + timedelta(seconds=5), finished=T0 + timedelta(seconds=64))
    first = docsplane.builds.record_command("worker", build, "git clone", "", 128, started=T0, finished=T0 + timedelta(seconds=2))
    assert isinstance(first.value, int) and first.value != later.value
    assert [topic_name(r.notification.topic) for r in first.recordings] == ["BuildCommandRecorded"]
    docsplane.builds.record_command("worker", other, "echo other", "other", 0)
    docsplane.catch_up()

    page = docsplane.build_command_queries.list(build, 10, 0)
    assert page.count == 2
    assert [c["command"] for c in page.results] == ["git clone", "make html"]
    detail = docsplane.build_command_queries.get(build, later.value)
    assert (detail["build_id"], detail["project_slug"], detail["version_slug"]) == (build, "pip", "latest")
    assert (detail["output"], detail["exit_code"]) == ("build succeeded", 0)
    assert datetime.fromisoformat(detail["created"]) == T0 + timedelta(seconds=5)
    assert datetime.fromisoformat(detail["finished"]) == T0 + timedelta(seconds=64)
    assert docsplane.build_command_queries.get(other, later.value) is None  # another build's id
    assert [c["command"] for c in docsplane.build_command_queries.list(build, 1, 1).results] == ["make html"]


def test_a_finished_build_records_no_more_commands(docsplane):
    imported(docsplane)
    build = docsplane.builds.trigger_build("alice", "pip").value
    docsplane.builds.finish_build("worker", build, True)
    with pytest.raises(FieldError):
        docsplane.builds.record_command("worker", build, "make html", "", 0)
    with pytest.raises(FieldError):
        docsplane.builds.configure_build("worker", build, {"formats": []})
    with pytest.raises(UnknownResource):
        docsplane.builds.record_command("worker", 99_999_999, "make html", "", 0)
    docsplane.catch_up()
    assert docsplane.build_command_queries.list(build, 10, 0).count == 0


def test_deleting_a_project_drops_its_versions_builds_and_commands(docsplane):
    imported(docsplane)
    imported(docsplane, "Other")
    add_version(docsplane, "pip", "1.0")
    for slug in ("pip", "other"):
        build = docsplane.builds.trigger_build("alice", slug).value
        docsplane.builds.record_command("worker", build, "make html", "", 0)
    docsplane.projects.delete_project("alice", "pip")
    docsplane.catch_up()
    rows = dump_tables(docsplane)
    assert {v["project_slug"] for v in rows["versions"]} == {"other"}
    assert len(rows["version_builds"]) == 1
    assert {b["project_slug"] for b in rows["builds"]} == {"other"}
    assert {c["project_slug"] for c in rows["build_commands"]} == {"other"}


def test_a_rebuild_reproduces_configs_commands_and_aliases(docsplane):
    imported(docsplane)
    add_version(docsplane, "pip", "1.0")
    add_version(docsplane, "pip", "stable", alias_of="1.0")
    build = docsplane.builds.trigger_build("alice", "pip", "stable").value
    docsplane.builds.configure_build("worker", build, {"formats": "all"})
    docsplane.builds.record_command("worker", build, "make html", "ok", 0)
    docsplane.catch_up()
    before = dump_tables(docsplane)
    rebuild_all(docsplane)
    assert dump_tables(docsplane) == before


# -- the flyout menu's lists ---------------------------------------------------------------------

def built_successfully(docsplane, project_slug: str, version_slug: str) -> None:
    number = docsplane.builds.trigger_build("alice", project_slug, version_slug).value
    docsplane.build_leases.lease_build("worker", number)
    docsplane.builds.finish_build("worker", number, True)


def test_flyout_lists_what_the_viewer_may_see(docsplane):
    imported(docsplane)
    for slug in ("1.0", "2.0", "old"):
        add_version(docsplane, "pip", slug)
    add_version(docsplane, "pip", "draft", active=False)
    docsplane.versions.update_version("alice", "pip", "old", {"hidden": True})
    docsplane.versions.update_version("alice", "pip", "2.0", {"privacy_level": "private"})
    imported(docsplane, "Pip ES", language="es")
    add_version(docsplane, "pip-es", "1.0")
    imported(docsplane, "Pip JA", language="ja")
    imported(docsplane, "Pip FR", language="fr", privacy_level="private")
    for translation in ("pip-es", "pip-ja", "pip-fr"):
        docsplane.projects.update_project("alice", translation, {"translation_of": "pip"})
    imported(docsplane, "Plugin")
    imported(docsplane, "Internal", privacy_level="private")
    docsplane.subprojects.add_subproject("alice", "pip", "plugin", "plugins")
    docsplane.subprojects.add_subproject("alice", "pip", "internal")
    add_version(docsplane, "pip", "3.0")  # active, never built: nothing to read, not listed
    for project, version in (("pip", "latest"), ("pip", "1.0"), ("pip", "2.0"), ("pip", "old"), ("pip-es", "1.0")):
        built_successfully(docsplane, project, version)
    docsplane.catch_up()

    def menu(viewer, version="1.0"):
        return docsplane.flyout_queries.menu(docsplane.read_model.project("pip", viewer), viewer, version)

    public = menu(None)
    assert [v["slug"] for v in public["versions"]] == ["latest", "1.0"]
    assert public["translations"] == [
        {"slug": "pip-es", "language": "es", "version": "1.0"},  # has the same version
        {"slug": "pip-ja", "language": "ja", "version": "latest"},  # does not: its default
    ]
    assert public["subprojects"] == [{"alias": "plugins", "slug": "plugin", "language": "en", "version": "latest"}]

    maintainer = menu("alice")
    assert [v["slug"] for v in maintainer["versions"]] == ["latest", "1.0", "2.0"]
    assert [t["slug"] for t in maintainer["translations"]] == ["pip-es", "pip-fr", "pip-ja"]
    assert [s["alias"] for s in maintainer["subprojects"]] == ["internal", "plugins"]
    assert menu("bob") == public
