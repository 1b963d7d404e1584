"""Subprojects, translations, maintainers, deletion and the new project fields: commands → event
store → projector → queries, on each storage backend, including racing commands."""

from datetime import datetime, timedelta, timezone

import pytest
from integration_support import dump_tables, event_log, project_settings, rebuild_all, topic_name
from test_write_races import run_concurrently

from commands.handling.loading import load_project
from api.errors import code_of
from domain.errors import FieldError, NotAllowed, UnknownResource
from domain.project import Project
from domain.rules.project_settings import SINGLE_VERSION
from projections.projects.projection import ProjectsProjection


def imported(docsplane, name, actor="alice", **overrides) -> str:
    slug = docsplane.projects.import_project(actor, project_settings(name, **overrides)).value
    docsplane.catch_up()
    return slug


def topics(written) -> list[str]:
    """The events a command recorded, sorted: a save of several aggregates orders them by aggregate."""
    return sorted(topic_name(r.notification.topic) for r in written.recordings)


def row(docsplane, slug, viewer="alice"):
    return docsplane.read_model.project(slug, viewer)


def assert_versions_match(docsplane, *slugs):
    """Each row's aggregate_version is its aggregate's version (what If-Match is checked against)."""
    for slug in slugs:
        assert row(docsplane, slug)["aggregate_version"] == load_project(docsplane.app, slug).version, slug


def refused(call, field, code="invalid") -> FieldError:
    with pytest.raises(FieldError) as raised:
        call()
    assert (raised.value.field, code_of(raised.value)) == (field, code), raised.value
    return raised.value


def test_every_project_event_is_projected():
    """Each one moves the row's aggregate_version; one left out would make If-Match fail forever."""
    events = {
        value for value in vars(Project).values()
        if isinstance(value, type) and issubclass(value, Project.Event) and value not in (Project.Event, Project.Created)
    }
    assert len(events) > 10
    assert events <= set(ProjectsProjection.handlers), events - set(ProjectsProjection.handlers)


# -- subprojects -------------------------------------------------------------------------------

def test_subproject_relationship_in_the_read_model(docsplane):
    imported(docsplane, "Parent")
    imported(docsplane, "Child")
    written = docsplane.subprojects.add_subproject("alice", "parent", "child", "docs")
    assert written.value == "docs"
    assert topics(written) == sorted(["SubprojectAdded", "LinkedAsSubproject"])
    docsplane.catch_up()

    parent = row(docsplane, "parent")
    assert row(docsplane, "child")["subproject_of"] == "parent"
    assert parent["subproject_of"] is None
    relations = docsplane.project_relations
    [relationship] = relations.subprojects(parent, "alice", 10, 0).results
    assert relationship["alias"] == "docs" and relationship["parent_slug"] == "parent"
    assert relationship["child"]["slug"] == "child"
    assert [v["slug"] for v in relationship["child"]["active_versions"]] == ["latest"]
    assert relations.subproject(parent, "alice", "docs") == relationship
    assert relationship["aggregate_version"] == parent["aggregate_version"]
    assert relations.subproject(parent, "alice", "child") is None
    assert_versions_match(docsplane, "parent", "child")

    removed = docsplane.subprojects.remove_subproject("alice", "parent", "docs")
    assert topics(removed) == sorted(["SubprojectRemoved", "UnlinkedAsSubproject"])
    docsplane.catch_up()
    assert relations.subprojects(row(docsplane, "parent"), "alice", 10, 0).count == 0
    assert row(docsplane, "child")["subproject_of"] is None
    assert_versions_match(docsplane, "parent", "child")


def test_subproject_rules_and_permissions(docsplane):
    for name in ("Parent", "Child", "Grandchild"):
        imported(docsplane, name)
    imported(docsplane, "Bobs", actor="bob")
    imported(docsplane, "Bobs Secret", actor="bob", privacy_level="private")
    subprojects = docsplane.subprojects
    refused(lambda: subprojects.add_subproject("alice", "parent", "nothing"), "child", "missing")
    refused(lambda: subprojects.add_subproject("alice", "parent", "bobs-secret"), "child", "missing")
    refused(lambda: subprojects.add_subproject("alice", "parent", "bobs"), "child", "invalid")
    refused(lambda: subprojects.add_subproject("alice", "parent", "parent"), "child", "invalid")
    refused(lambda: subprojects.add_subproject("alice", "parent", "child", "Not An Alias"), "alias", "invalid")
    with pytest.raises(NotAllowed):
        subprojects.add_subproject("bob", "parent", "bobs")
    with pytest.raises(UnknownResource):
        subprojects.add_subproject("alice", "bobs-secret", "child")

    subprojects.add_subproject("alice", "parent", "child")
    refused(lambda: subprojects.add_subproject("alice", "child", "grandchild"), "child", "invalid")
    refused(lambda: subprojects.add_subproject("alice", "grandchild", "parent"), "child", "invalid")
    refused(lambda: subprojects.add_subproject("alice", "grandchild", "child"), "child", "already_exists")
    with pytest.raises(UnknownResource):
        subprojects.remove_subproject("alice", "parent", "grandchild")


def test_private_children_are_left_out_for_others(docsplane):
    imported(docsplane, "Parent")
    imported(docsplane, "Open Child")
    imported(docsplane, "Secret Child", privacy_level="private")
    docsplane.subprojects.add_subproject("alice", "parent", "open-child")
    docsplane.subprojects.add_subproject("alice", "parent", "secret-child")
    docsplane.catch_up()
    parent = row(docsplane, "parent")
    listed = lambda viewer: [r["alias"] for r in docsplane.project_relations.subprojects(parent, viewer, 10, 0).results]  # noqa: E731
    assert listed("alice") == ["open-child", "secret-child"]
    assert listed("bob") == ["open-child"]
    assert docsplane.project_relations.subproject(parent, "bob", "secret-child") is None


def test_two_parents_racing_for_one_child(docsplane):
    """Parent and child are saved atomically, so exactly one link wins; the loser's retry sees it."""
    for round_ in range(3):
        parents = [imported(docsplane, f"Parent {round_} {i}") for i in range(2)]
        child = imported(docsplane, f"Child {round_}")
        results = run_concurrently(2, lambda i: docsplane.subprojects.add_subproject("alice", parents[i], child))
        statuses = [status for status, _ in results]
        assert sorted(statuses) == ["error", "ok"], results
        winner = statuses.index("ok")
        error = results[1 - winner][1]
        assert isinstance(error, FieldError) and (error.field, code_of(error)) == ("child", "already_exists"), error

        assert load_project(docsplane.app, child).superproject["slug"] == parents[winner]
        assert load_project(docsplane.app, parents[1 - winner]).subprojects == {}
        docsplane.catch_up()
        assert row(docsplane, child)["subproject_of"] == parents[winner]
        for i, parent in enumerate(parents):
            assert docsplane.project_relations.subprojects(row(docsplane, parent), "alice", 10, 0).count == (i == winner)


def test_nesting_cannot_be_raced_into_existence(docsplane):
    """A links B under it while B links C under it: both decisions touch B, so one is refused."""
    for name in ("A", "B", "C"):
        imported(docsplane, name)
    pairs = [("a", "b"), ("b", "c")]
    results = run_concurrently(2, lambda i: docsplane.subprojects.add_subproject("alice", *pairs[i]))
    assert sorted(status for status, _ in results) == ["error", "ok"], results
    b = load_project(docsplane.app, "b")
    assert not (b.superproject and b.subprojects)


# -- translations ------------------------------------------------------------------------------

def test_translation_of_in_the_read_model(docsplane):
    imported(docsplane, "Original")
    imported(docsplane, "Spanish", language="es")
    imported(docsplane, "German", language="de")
    written = docsplane.projects.update_project("alice", "spanish", {"translation_of": "original", "tags": ["es"]})
    assert topics(written) == sorted(["ProjectUpdated", "TranslationAdded", "LinkedAsTranslation"])
    docsplane.projects.update_project("alice", "german", {"translation_of": "original"})
    docsplane.catch_up()

    assert row(docsplane, "spanish")["translation_of"] == "original"
    assert row(docsplane, "spanish")["tags"] == ["es"]
    original = row(docsplane, "original")
    page = docsplane.project_relations.translations(original, "alice", 10, 0)
    assert [p["slug"] for p in page.results] == ["spanish", "german"]
    assert all(p["active_versions"] for p in page.results)
    assert_versions_match(docsplane, "original", "spanish", "german")

    # A translation's new language is checked against its siblings, then recorded by the original.
    refused(lambda: docsplane.projects.update_project("alice", "german", {"language": "es"}), "language")
    moved = docsplane.projects.update_project("alice", "german", {"language": "fr"})
    assert topics(moved) == sorted(["ProjectUpdated", "TranslationLanguageChanged"])
    refused(lambda: docsplane.projects.update_project("alice", "original", {"language": "fr"}), "language")

    unset = docsplane.projects.update_project("alice", "spanish", {"translation_of": None})
    assert topics(unset) == sorted(["TranslationRemoved", "UnlinkedAsTranslation"])
    docsplane.catch_up()
    assert row(docsplane, "spanish")["translation_of"] is None
    assert [p["slug"] for p in docsplane.project_relations.translations(original, "alice", 10, 0).results] == ["german"]
    assert_versions_match(docsplane, "original", "spanish", "german")


def test_translation_rules(docsplane):
    imported(docsplane, "Original")
    imported(docsplane, "Spanish", language="es")
    imported(docsplane, "Castellano", language="es")
    imported(docsplane, "Bobs", actor="bob", language="it")
    imported(docsplane, "Bobs Secret", actor="bob", privacy_level="private")
    update = docsplane.projects.update_project
    refused(lambda: update("alice", "spanish", {"translation_of": "nothing"}), "translation_of", "missing")
    refused(lambda: update("alice", "spanish", {"translation_of": "bobs-secret"}), "translation_of", "missing")
    refused(lambda: update("alice", "spanish", {"translation_of": "bobs"}), "translation_of", "invalid")
    refused(lambda: update("alice", "spanish", {"translation_of": "spanish"}), "translation_of", "invalid")
    update("alice", "spanish", {"translation_of": "original"})
    refused(lambda: update("alice", "castellano", {"translation_of": "original"}), "translation_of", "invalid")
    refused(lambda: update("alice", "castellano", {"translation_of": "spanish"}), "translation_of", "invalid")
    refused(lambda: update("alice", "original", {"translation_of": "castellano"}), "translation_of", "invalid")
    # Changing language and original in one PATCH: the new language counts.
    written = update("alice", "castellano", {"translation_of": "original", "language": "ca"})
    assert topics(written) == sorted(["ProjectUpdated", "TranslationAdded", "LinkedAsTranslation"])
    # Moving to another original leaves the first one, in the same save.
    imported(docsplane, "Other", language="de")
    moved = update("alice", "spanish", {"translation_of": "other"})
    assert topics(moved) == sorted(["TranslationRemoved", "UnlinkedAsTranslation", "TranslationAdded", "LinkedAsTranslation"])
    assert set(load_project(docsplane.app, "original").translations) == {"castellano"}
    assert set(load_project(docsplane.app, "other").translations) == {"spanish"}


def test_two_translations_racing_for_one_language(docsplane):
    imported(docsplane, "Original")
    candidates = [imported(docsplane, f"Spanish {i}", language="de") for i in range(2)]
    results = run_concurrently(
        2, lambda i: docsplane.projects.update_project("alice", candidates[i], {"translation_of": "original", "language": "es"})
    )
    assert sorted(status for status, _ in results) == ["error", "ok"], results
    loser = next(value for status, value in results if status == "error")
    assert isinstance(loser, FieldError) and loser.field == "translation_of", loser
    assert [t["language"] for t in load_project(docsplane.app, "original").translations.values()] == ["es"]


# -- maintainers -------------------------------------------------------------------------------

def test_maintainers_in_the_read_model(docsplane):
    for username in ("alice", "bob"):
        docsplane.users.create_user(username)
    imported(docsplane, "Docs")
    refused(lambda: docsplane.maintainers.add_maintainer("alice", "docs", "nobody"), "username", "missing")
    with pytest.raises(NotAllowed):
        docsplane.maintainers.add_maintainer("bob", "docs", "bob")
    written = docsplane.maintainers.add_maintainer("alice", "docs", "bob")
    assert topics(written) == sorted(["MaintainerAdded"])
    refused(lambda: docsplane.maintainers.add_maintainer("alice", "docs", "bob"), "username", "already_exists")
    docsplane.catch_up()
    assert row(docsplane, "docs")["users"] == ["alice", "bob"]
    assert [p["slug"] for p in docsplane.read_model.projects_of("bob", {}, 10, 0).results] == ["docs"]
    docs = row(docsplane, "docs")
    assert [m["username"] for m in docsplane.project_relations.maintainers(docs, 10, 0).results] == ["alice", "bob"]
    assert docsplane.project_relations.maintainer(docs, "bob")["aggregate_version"] == docs["aggregate_version"]

    docsplane.maintainers.remove_maintainer("bob", "docs", "alice")
    refused(lambda: docsplane.maintainers.remove_maintainer("bob", "docs", "bob"), "username", "invalid")
    docsplane.catch_up()
    assert row(docsplane, "docs", "bob")["users"] == ["bob"]
    assert docsplane.read_model.projects_of("alice", {}, 10, 0).count == 0
    assert docsplane.project_relations.maintainer(row(docsplane, "docs", "bob"), "alice") is None
    assert_versions_match(docsplane, "docs")


def test_racing_removals_keep_one_maintainer(docsplane):
    for username in ("alice", "bob"):
        docsplane.users.create_user(username)
    imported(docsplane, "Docs")
    docsplane.maintainers.add_maintainer("alice", "docs", "bob")
    results = run_concurrently(2, lambda i: docsplane.maintainers.remove_maintainer("alice", "docs", ("alice", "bob")[i]))
    assert sorted(status for status, _ in results) == ["error", "ok"], results
    assert len(load_project(docsplane.app, "docs").maintainers) == 1


# -- delete and import again -------------------------------------------------------------------

def test_delete_unlinks_releases_the_slug_and_allows_a_new_import(docsplane):
    for name in ("Docs", "Child", "Parent"):
        imported(docsplane, name)
    imported(docsplane, "Spanish", language="es")
    docsplane.subprojects.add_subproject("alice", "docs", "child")
    docsplane.projects.update_project("alice", "spanish", {"translation_of": "docs"})
    docsplane.catch_up()
    first_id = row(docsplane, "docs")["id"]
    with pytest.raises(NotAllowed):
        docsplane.projects.delete_project("bob", "docs")

    written = docsplane.projects.delete_project("alice", "docs")
    assert topics(written) == sorted([
        "SubprojectRemoved", "TranslationRemoved", "ProjectDeleted", "SlugReleased", "UnlinkedAsSubproject", "UnlinkedAsTranslation",
    ])
    docsplane.catch_up()
    assert row(docsplane, "docs") is None
    assert docsplane.store.fetchall("SELECT * FROM subprojects") == []
    assert row(docsplane, "child")["subproject_of"] is None
    assert row(docsplane, "spanish")["translation_of"] is None
    assert docsplane.read_model.projects_of("alice", {}, 10, 0).count == 3
    with pytest.raises(UnknownResource):
        load_project(docsplane.app, "docs")
    with pytest.raises(UnknownResource):
        docsplane.projects.delete_project("alice", "docs")

    again = docsplane.projects.import_project("bob", project_settings("Docs"))
    assert topics(again) == sorted(["SlugReclaimed", "ProjectImported", "VersionCreated"])
    docsplane.catch_up()
    reimported = row(docsplane, "docs", "bob")
    assert reimported["users"] == ["bob"] and reimported["id"] != first_id
    assert reimported["subproject_of"] is None
    assert docsplane.read_model.version(reimported, "bob", "latest") is not None
    refused(lambda: docsplane.projects.import_project("alice", project_settings("Docs")), "name", "already_exists")

    projected = dump_tables(docsplane)
    rebuild_all(docsplane)
    assert dump_tables(docsplane) == projected


def test_a_deleted_subproject_leaves_its_parent(docsplane):
    imported(docsplane, "Parent")
    imported(docsplane, "Child")
    docsplane.subprojects.add_subproject("alice", "parent", "child", "docs")
    docsplane.projects.delete_project("alice", "child")
    docsplane.catch_up()
    assert load_project(docsplane.app, "parent").subprojects == {}
    assert docsplane.project_relations.subprojects(row(docsplane, "parent"), "alice", 10, 0).count == 0
    assert_versions_match(docsplane, "parent")


def test_racing_reimports_of_a_released_slug(docsplane):
    imported(docsplane, "Docs")
    docsplane.projects.delete_project("alice", "docs")
    results = run_concurrently(2, lambda i: docsplane.projects.import_project(("alice", "bob")[i], project_settings("Docs")))
    assert sorted(status for status, _ in results) == ["error", "ok"], results
    loser = next(value for status, value in results if status == "error")
    assert isinstance(loser, FieldError) and code_of(loser) == "already_exists"
    events = [docsplane.app.mapper.to_domain_event(n) for n in event_log(docsplane)]
    assert [type(e).__name__ for e in events if type(e).__name__.startswith("Slug")] == ["SlugClaimed", "SlugReleased", "SlugReclaimed"]


def test_commands_on_a_slug_released_and_taken_again_act_on_the_new_project(docsplane):
    """load_project remembers which project a slug named (one event-store read less per command):
    after a delete, and after another import of the slug, that memory must not be what answers."""
    imported(docsplane, "Docs")
    old = load_project(docsplane.app, "docs").id
    docsplane.projects.delete_project("alice", "docs")
    with pytest.raises(UnknownResource):
        load_project(docsplane.app, "docs")
    with pytest.raises(UnknownResource):
        docsplane.builds.trigger_build("alice", "docs")
    imported(docsplane, "Docs", actor="bob")
    assert load_project(docsplane.app, "docs").id != old
    with pytest.raises(NotAllowed):
        docsplane.builds.trigger_build("alice", "docs")
    docsplane.builds.trigger_build("bob", "docs")
    docsplane.catch_up()
    assert docsplane.read_model.builds("docs", {}, 10, 0).count == 1


# -- fields and filters ------------------------------------------------------------------------

def test_versioning_scheme_in_the_read_model(docsplane):
    imported(docsplane, "Docs", single_version=True)
    docs = row(docsplane, "docs")
    assert (docs["single_version"], docs["versioning_scheme"]) == (True, SINGLE_VERSION)
    docsplane.projects.update_project("alice", "docs", {"versioning_scheme": "multiple_versioning_without_translations"})
    docsplane.catch_up()
    docs = row(docsplane, "docs")
    assert (docs["single_version"], docs["versioning_scheme"]) == (False, "multiple_versions_without_translations")


def test_list_filters_by_name_slug_and_creation_time(docsplane):
    imported(docsplane, "Alpha Docs")
    imported(docsplane, "Beta_Guide")
    imported(docsplane, "100% Gamma")
    created = {p["slug"]: datetime.fromisoformat(p["created"]) for p in docsplane.read_model.projects_of("alice", {}, 10, 0).results}

    def slugs(**filters):
        return sorted(p["slug"] for p in docsplane.read_model.projects_of("alice", filters, 10, 0).results)

    assert slugs(name="DOCS") == ["alpha-docs"]
    assert slugs(name="a_g") == ["beta-guide"]  # '_' is literal, not a wildcard
    assert slugs(name="%") == ["100-gamma"]
    assert slugs(slug="-") == ["100-gamma", "alpha-docs", "beta-guide"]
    assert slugs(slug="ALPHA", name="docs") == ["alpha-docs"]
    beta = created["beta-guide"]
    assert slugs(created__gte=beta) == ["100-gamma", "beta-guide"]
    assert slugs(created__lte=beta) == ["alpha-docs", "beta-guide"]
    assert slugs(created__gte=beta, created__lte=beta) == ["beta-guide"]
    assert slugs(created__gte=beta.astimezone(timezone(timedelta(hours=5)))) == ["100-gamma", "beta-guide"]
    assert slugs(created__gte=beta.replace(tzinfo=None)) == ["100-gamma", "beta-guide"]  # naive: UTC
    assert slugs(created__gte=beta + timedelta(days=1)) == []
