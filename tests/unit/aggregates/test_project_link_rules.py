"""Project decisions that span projects (subprojects, translations, deletion), maintainers, and
the versioning scheme."""

import itertools

import pytest

from api.errors import code_of
from domain.errors import FieldError, NotAllowed, UnknownResource
from domain.project import Project
from domain.rules.project_settings import MULTIPLE_WITH_TRANSLATIONS, MULTIPLE_WITHOUT_TRANSLATIONS, SINGLE_VERSION
from domain.slug_index import SlugIndex

numbers = itertools.count(1)


def project(name: str, actor: str = "alice", **overrides) -> Project:
    settings = {
        "name": name, "repository": {"url": f"https://github.com/example/{name}", "type": "git"},
        "language": "en", "programming_language": "py", "homepage": None, "default_branch": "main",
        "privacy_level": "public", "tags": [], **overrides,
    }
    aggregate = Project.import_(number=next(numbers), actor=actor, **settings)
    aggregate.collect_events()  # start from a saved aggregate
    return aggregate


def recorded(*aggregates) -> list[list[str]]:
    return [[type(e).__name__ for e in aggregate.collect_events()] for aggregate in aggregates]


def refused(call, field: str, code: str = "invalid", resource: str | None = None) -> FieldError:
    with pytest.raises(FieldError) as raised:
        call()
    assert (raised.value.field, code_of(raised.value)) == (field, code), raised.value
    if resource:
        assert raised.value.resource == resource
    return raised.value


# -- subprojects -------------------------------------------------------------------------------

def test_adding_a_subproject_records_it_on_parent_and_child():
    parent, child = project("parent"), project("child")
    assert parent.add_subproject(child, "docs", "alice") == "docs"
    parent_events, child_events = parent.collect_events(), child.collect_events()
    assert [type(e).__name__ for e in parent_events] == ["SubprojectAdded"]
    assert [type(e).__name__ for e in child_events] == ["LinkedAsSubproject"]
    assert (parent_events[0].alias, parent_events[0].child_id, parent_events[0].child_slug) == ("docs", child.id, "child")
    assert (child_events[0].parent_id, child_events[0].parent_slug, child_events[0].actor) == (parent.id, "parent", "alice")
    assert parent.subproject("docs") == {"id": child.id, "slug": "child"}
    assert child.superproject == {"id": parent.id, "slug": "parent", "alias": "docs"}


def test_the_alias_defaults_to_the_childs_slug():
    parent, child = project("parent"), project("child")
    assert parent.add_subproject(child, None, "alice") == "child"
    assert list(parent.subprojects) == ["child"]


@pytest.mark.parametrize("alias", ["", "Docs", "my docs", "-docs", "docs/", "a" * 64, "ünï"])
def test_an_alias_is_slug_like(alias):
    parent, child = project("parent"), project("child")
    refused(lambda: parent.add_subproject(child, alias, "alice"), "alias", resource="Subproject")
    assert recorded(parent, child) == [[], []]


def test_a_project_cannot_be_its_own_subproject():
    parent = project("parent")
    refused(lambda: parent.add_subproject(parent, None, "alice"), "child")


def test_a_subproject_cannot_have_subprojects():
    top, middle, bottom = project("top"), project("middle"), project("bottom")
    top.add_subproject(middle, None, "alice")
    refused(lambda: middle.add_subproject(bottom, None, "alice"), "child")


def test_a_project_with_subprojects_cannot_become_one():
    top, middle, bottom = project("top"), project("middle"), project("bottom")
    middle.add_subproject(bottom, None, "alice")
    refused(lambda: top.add_subproject(middle, None, "alice"), "child")


def test_a_child_has_one_parent():
    first, second, child = project("first"), project("second"), project("child")
    first.add_subproject(child, None, "alice")
    error = refused(lambda: second.add_subproject(child, "other", "alice"), "child", "already_exists")
    assert "first" in error.message
    refused(lambda: first.add_subproject(child, "again", "alice"), "child", "already_exists")


def test_aliases_are_unique_among_a_parents_subprojects():
    parent, one, two = project("parent"), project("one"), project("two")
    parent.add_subproject(one, "docs", "alice")
    refused(lambda: parent.add_subproject(two, "docs", "alice"), "alias", "already_exists")


def test_removing_a_subproject_unlinks_both():
    parent, child = project("parent"), project("child")
    parent.add_subproject(child, "docs", "alice")
    parent.collect_events(), child.collect_events()
    parent.remove_subproject(child, "bob")
    assert recorded(parent, child) == [["SubprojectRemoved"], ["UnlinkedAsSubproject"]]
    assert parent.subprojects == {} and child.superproject is None
    with pytest.raises(UnknownResource):
        parent.subproject("docs")
    parent.add_subproject(child, "docs", "alice")  # and it may be linked again


# -- who may link ------------------------------------------------------------------------------

def test_linking_needs_a_maintainer_of_the_other_project():
    theirs = project("theirs", actor="bob")
    theirs.ensure_linkable_by("bob", "Subproject", "child")  # does not raise
    refused(lambda: theirs.ensure_linkable_by("alice", "Subproject", "child"), "child", "invalid")
    private = project("private", actor="bob", privacy_level="private")
    refused(lambda: private.ensure_linkable_by("alice", "Subproject", "child"), "child", "missing")


# -- translations ------------------------------------------------------------------------------

def test_adding_a_translation_records_it_on_original_and_translation():
    original, spanish = project("original"), project("spanish", language="es")
    original.add_translation(spanish, "alice")
    original_events, spanish_events = original.collect_events(), spanish.collect_events()
    assert [type(e).__name__ for e in original_events] == ["TranslationAdded"]
    assert [type(e).__name__ for e in spanish_events] == ["LinkedAsTranslation"]
    assert (original_events[0].slug, original_events[0].language) == ("spanish", "es")
    assert spanish_events[0].original_slug == "original"
    assert original.translations == {"spanish": {"id": spanish.id, "language": "es"}}
    assert spanish.translation_of == {"id": original.id, "slug": "original"}


def test_a_project_cannot_translate_itself():
    original = project("original")
    refused(lambda: original.add_translation(original, "alice"), "translation_of", resource="Project")


def test_translations_do_not_chain():
    original, spanish, german = project("original"), project("spanish", language="es"), project("german", language="de")
    original.add_translation(spanish, "alice")
    refused(lambda: spanish.add_translation(german, "alice"), "translation_of")  # the original is a translation
    refused(lambda: german.add_translation(original, "alice"), "translation_of")  # it has translations


def test_a_translation_has_one_original():
    first, second, spanish = project("first"), project("second", language="de"), project("spanish", language="es")
    first.add_translation(spanish, "alice")
    refused(lambda: second.add_translation(spanish, "alice"), "translation_of", "already_exists")


def test_a_translation_differs_in_language_from_its_original_and_siblings():
    original = project("original")
    refused(lambda: original.add_translation(project("english", language="en"), "alice"), "translation_of")
    original.add_translation(project("spanish", language="es"), "alice")
    error = refused(lambda: original.add_translation(project("castellano", language="es"), "alice"), "translation_of")
    assert "spanish" in error.message


@pytest.mark.parametrize("scheme", [MULTIPLE_WITHOUT_TRANSLATIONS, SINGLE_VERSION])
def test_translations_need_a_scheme_with_translations(scheme):
    refused(lambda: project("original", versioning_scheme=scheme).add_translation(project("es", language="es"), "alice"), "translation_of")
    refused(lambda: project("original").add_translation(project("es", language="es", versioning_scheme=scheme), "alice"), "translation_of")


def test_a_translation_changing_language_is_checked_by_its_original():
    original, spanish, german = project("original"), project("spanish", language="es"), project("german", language="de")
    original.add_translation(spanish, "alice")
    original.add_translation(german, "alice")
    original.collect_events()
    german.update("alice", {"language": "es"})
    refused(lambda: original.follow_translation_language(german, "alice"), "language")
    german.update("alice", {"language": "fr"})
    original.follow_translation_language(german, "alice")
    assert recorded(original) == [["TranslationLanguageChanged"]]
    assert original.translations["german"]["language"] == "fr"


def test_an_original_keeps_a_language_none_of_its_translations_has():
    original, spanish = project("original"), project("spanish", language="es")
    original.add_translation(spanish, "alice")
    refused(lambda: original.update("alice", {"language": "es"}), "language")
    assert original.update("alice", {"language": "de"}) == {"language": "de"}


def test_a_project_linked_by_translations_keeps_a_scheme_with_translations():
    original, spanish = project("original"), project("spanish", language="es")
    original.add_translation(spanish, "alice")
    refused(lambda: original.update("alice", {"versioning_scheme": MULTIPLE_WITHOUT_TRANSLATIONS}), "versioning_scheme")
    refused(lambda: spanish.update("alice", {"single_version": True}), "single_version")


def test_removing_a_translation_unlinks_both():
    original, spanish = project("original"), project("spanish", language="es")
    original.add_translation(spanish, "alice")
    original.collect_events(), spanish.collect_events()
    original.remove_translation(spanish, "alice")
    assert recorded(original, spanish) == [["TranslationRemoved"], ["UnlinkedAsTranslation"]]
    assert original.translations == {} and spanish.translation_of is None


# -- maintainers -------------------------------------------------------------------------------

def test_maintainers_add_and_remove_maintainers():
    docs = project("docs")
    docs.add_maintainer("bob", "alice")
    docs.remove_maintainer("alice", "bob")
    events = docs.collect_events()
    assert [(type(e).__name__, e.username, e.actor) for e in events] == [
        ("MaintainerAdded", "bob", "alice"), ("MaintainerRemoved", "alice", "bob"),
    ]
    assert docs.maintainers == ["bob"]


def test_a_maintainer_is_added_once():
    docs = project("docs")
    refused(lambda: docs.add_maintainer("alice", "alice"), "username", "already_exists", resource="Maintainer")


def test_a_project_always_keeps_one_maintainer():
    docs = project("docs")
    error = refused(lambda: docs.remove_maintainer("alice", "alice"), "username", "invalid", resource="Maintainer")
    assert "only maintainer" in error.message
    assert docs.collect_events() == []


def test_only_maintainers_change_maintainers():
    with pytest.raises(NotAllowed):
        project("docs").add_maintainer("mallory", "mallory")
    with pytest.raises(UnknownResource):
        project("secret", privacy_level="private").remove_maintainer("alice", "mallory")
    with pytest.raises(UnknownResource):
        project("docs").remove_maintainer("bob", "alice")  # not a maintainer


# -- versioning scheme -------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("given", "single_version", "scheme"),
    [
        ({}, False, MULTIPLE_WITH_TRANSLATIONS),
        ({"single_version": True}, True, SINGLE_VERSION),
        ({"single_version": False}, False, MULTIPLE_WITH_TRANSLATIONS),
        ({"versioning_scheme": SINGLE_VERSION}, True, SINGLE_VERSION),
        ({"versioning_scheme": MULTIPLE_WITHOUT_TRANSLATIONS}, False, MULTIPLE_WITHOUT_TRANSLATIONS),
        ({"versioning_scheme": SINGLE_VERSION, "single_version": True}, True, SINGLE_VERSION),
    ],
)
def test_single_version_and_the_versioning_scheme_agree_at_import(given, single_version, scheme):
    imported = project("docs", **given)
    assert (imported.single_version, imported.versioning_scheme) == (single_version, scheme)


def test_single_version_and_the_versioning_scheme_agree_on_update():
    docs = project("docs")
    assert docs.update("alice", {"single_version": True}) == {"single_version": True, "versioning_scheme": SINGLE_VERSION}
    assert docs.update("alice", {"single_version": False}) == {"single_version": False, "versioning_scheme": MULTIPLE_WITH_TRANSLATIONS}
    assert docs.update("alice", {"versioning_scheme": MULTIPLE_WITHOUT_TRANSLATIONS}) == {"versioning_scheme": MULTIPLE_WITHOUT_TRANSLATIONS}
    assert docs.update("alice", {"single_version": False}) == {}  # still multiple versions


def test_contradicting_versioning_settings_are_refused():
    refused(lambda: project("docs", versioning_scheme=SINGLE_VERSION, single_version=False), "single_version")
    refused(lambda: project("docs").update("alice", {"versioning_scheme": MULTIPLE_WITH_TRANSLATIONS, "single_version": True}), "single_version")
    refused(lambda: project("docs", versioning_scheme="sometimes"), "versioning_scheme")
    refused(lambda: project("docs").update("alice", {"versioning_scheme": None}), "versioning_scheme")


# -- deletion ----------------------------------------------------------------------------------

def test_deleting_a_subproject_and_translation_unlinks_it_from_parent_and_original():
    parent, docs, original = project("parent"), project("docs"), project("original", language="de")
    parent.add_subproject(docs, None, "alice")
    original.add_translation(docs, "alice")
    for aggregate in (parent, docs, original):
        aggregate.collect_events()
    assert sorted(map(str, docs.linked_ids())) == sorted(map(str, (parent.id, original.id)))

    docs.delete("alice", [parent, original])
    assert recorded(docs, parent, original) == [
        ["UnlinkedAsSubproject", "UnlinkedAsTranslation", "ProjectDeleted"], ["SubprojectRemoved"], ["TranslationRemoved"],
    ]
    assert docs.deleted
    assert parent.subprojects == {} and original.translations == {}


def test_deleting_a_parent_and_an_original_unlinks_their_children_and_translations():
    parent, child = project("parent"), project("child")
    spanish, german = project("spanish", language="es"), project("german", language="de")
    parent.add_subproject(child, None, "alice")
    parent.add_translation(spanish, "alice")
    parent.add_translation(german, "alice")
    for aggregate in (parent, child, spanish, german):
        aggregate.collect_events()
    parent.delete("alice", [child, spanish, german])
    assert recorded(parent, child, spanish, german) == [
        ["SubprojectRemoved", "TranslationRemoved", "TranslationRemoved", "ProjectDeleted"],
        ["UnlinkedAsSubproject"], ["UnlinkedAsTranslation"], ["UnlinkedAsTranslation"],
    ]
    assert child.superproject is None and spanish.translation_of is None and german.translation_of is None


def test_only_maintainers_delete():
    with pytest.raises(NotAllowed):
        project("docs").delete("mallory")
    with pytest.raises(UnknownResource):
        project("secret", privacy_level="private").delete("mallory")


def test_a_released_slug_is_claimed_again():
    first, second = project("docs"), project("docs")
    index = SlugIndex(slug="docs", project_id=first.id)
    assert index.claimed
    index.release("alice")
    assert not index.claimed and index.project_id is None
    index.reclaim(second.id, "bob")
    assert index.project_id == second.id
    assert [type(e).__name__ for e in index.collect_events()] == ["SlugClaimed", "SlugReleased", "SlugReclaimed"]
