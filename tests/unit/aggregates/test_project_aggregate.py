"""Project decisions: import (slug, validation), update (effective changes only), maintainers."""

import pytest

from api.errors import code_of
from domain.errors import FieldError, NotAllowed, UnknownResource
from domain.project import LATEST, Project
from domain.rules.values import SLUG_MAX, slugify


def settings(**overrides):
    values = {
        "name": "Sample Docs",
        "repository": {"url": "https://github.com/example/sample", "type": "git"},
        "language": "en",
        "programming_language": "py",
        "homepage": "https://example.com",
        "default_branch": "main",
        "privacy_level": "public",
        "tags": ["docs", "sample"],
        "single_version": False,
    }
    values.update(overrides)
    return values


def imported(actor="alice", **overrides) -> Project:
    project = Project.import_(number=7, actor=actor, **settings(**overrides))
    project.collect_events()  # start each test from a saved aggregate
    return project


def assert_stamped(event, actor):
    assert event.actor == actor
    assert event.timestamp is not None
    assert event.timestamp.tzinfo is not None


# -- slugify -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Sample Docs", "sample-docs"),
        ("  --Foo__Bar--  ", "foo-bar"),
        ("Ünïcödé Dócs!", "unicode-docs"),
        ("Django REST framework 3.x", "django-rest-framework-3-x"),
        ("日本語", ""),
    ],
)
def test_slugify(name, slug):
    assert slugify(name) == slug


def test_slugify_truncates_without_trailing_hyphen():
    name = "a" * 62 + " b" + "c" * 40
    slug = slugify(name)
    assert len(slug) <= SLUG_MAX
    assert slug == "a" * 62
    assert not slug.endswith("-")


# -- import ------------------------------------------------------------------------------------

def test_import_records_one_project_imported_event():
    project = Project.import_(number=7, actor="alice", **settings(name="My Sample Docs"))
    events = project.collect_events()
    assert [type(e).__name__ for e in events] == ["ProjectImported"]
    event = events[0]
    assert_stamped(event, "alice")
    assert event.slug == "my-sample-docs"
    assert event.number == 7
    assert event.maintainers == ["alice"]
    assert event.language == "en"
    assert event.programming_language == "py"
    assert event.repository == {"url": "https://github.com/example/sample", "type": "git"}
    assert event.originator_id == project.id
    assert project.slug == "my-sample-docs"
    assert project.default_version == LATEST
    assert project.maintainers == ["alice"]
    assert project.privacy_level == "public"
    assert project.collect_events() == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"language": "xx"}, "language"),
        ({"language": "EN"}, "language"),
        ({"programming_language": "cobol"}, "programming_language"),
        ({"privacy_level": "secret"}, "privacy_level"),
        ({"repository": {"url": "https://hg.example/x", "type": "hg"}}, "repository.type"),
        ({"name": "!!! ???"}, "name"),
        ({"name": ""}, "name"),
    ],
)
def test_import_rejects_invalid_settings(overrides, field):
    with pytest.raises(FieldError) as raised:
        Project.import_(number=1, actor="alice", **settings(**overrides))
    assert raised.value.resource == "Project"
    assert raised.value.field == field
    assert code_of(raised.value) == "invalid"


@pytest.mark.parametrize("language", ["pt_BR", "zh_CN", "de"])
def test_import_accepts_regional_languages(language):
    project = Project.import_(number=1, actor="alice", **settings(language=language))
    assert project.language == language


# -- maintainers -------------------------------------------------------------------------------

def test_maintainer_may_write():
    imported().ensure_maintainer("alice")  # does not raise


def test_non_maintainer_of_public_project_is_denied():
    with pytest.raises(NotAllowed):
        imported(privacy_level="public").ensure_maintainer("mallory")


def test_private_project_does_not_exist_for_non_maintainers():
    with pytest.raises(UnknownResource):
        imported(privacy_level="private").ensure_maintainer("mallory")


# -- update ------------------------------------------------------------------------------------

def test_update_records_only_effective_changes():
    project = imported()
    effective = project.update("alice", {"language": "es", "programming_language": "py", "tags": ["new"]})
    assert effective == {"language": "es", "tags": ["new"]}
    events = project.collect_events()
    assert [type(e).__name__ for e in events] == ["ProjectUpdated"]
    assert events[0].changes == {"language": "es", "tags": ["new"]}
    assert_stamped(events[0], "alice")
    assert project.language == "es"
    assert project.tags == ["new"]


def test_update_without_effective_change_records_nothing():
    project = imported()
    assert project.update("alice", {"language": "en", "name": "Sample Docs", "privacy_level": "public"}) == {}
    assert project.collect_events() == []


def test_update_rejects_unknown_fields():
    project = imported()
    with pytest.raises(FieldError) as raised:
        project.update("alice", {"language": "es", "slug": "other", "maintainers": ["mallory"]})
    assert raised.value.field == "maintainers"  # the first unknown field, alphabetically
    assert code_of(raised.value) == "invalid"
    assert project.collect_events() == []
    assert project.language == "en"
    assert project.slug == "sample-docs"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"language": "klingon"}, "language"),
        ({"programming_language": "brainfuck"}, "programming_language"),
        ({"privacy_level": "internal"}, "privacy_level"),
        ({"name": "---"}, "name"),
    ],
)
def test_update_validates_values(changes, field):
    project = imported()
    with pytest.raises(FieldError) as raised:
        project.update("alice", changes)
    assert raised.value.field == field
    assert project.collect_events() == []


def test_successive_updates_each_record_an_event():
    project = imported()
    project.update("alice", {"privacy_level": "private"})
    project.update("bob", {"default_branch": "develop"})
    events = project.collect_events()
    assert [type(e).__name__ for e in events] == ["ProjectUpdated", "ProjectUpdated"]
    assert [e.changes for e in events] == [{"privacy_level": "private"}, {"default_branch": "develop"}]
    assert [e.actor for e in events] == ["alice", "bob"]
    assert events[0].originator_version + 1 == events[1].originator_version


@pytest.mark.parametrize("repository", [{"type": "git"}, {"url": "", "type": "git"}, {"url": "  ", "type": "git"}])
def test_import_requires_a_repository_url(repository):
    """The projector needs the URL; a project without one must never be recorded."""
    with pytest.raises(FieldError) as caught:
        Project.import_(number=1, actor="alice", **settings(repository=repository))
    assert (caught.value.field, code_of(caught.value)) == ("repository.url", "missing_field")
