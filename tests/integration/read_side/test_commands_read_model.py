"""Commands → event store → projectors → queries, on each storage backend."""

import pytest

from commands.users import hash_token
from api.errors import code_of
from domain.errors import FieldError, NotAllowed, UnknownResource
from domain.version import Version
from integration_support import event_log, project_settings, topic_name


def imported(docsplane, name="Sample Docs", actor="alice", **overrides):
    written = docsplane.projects.import_project(actor, project_settings(name, **overrides))
    docsplane.catch_up()
    return written


def add_version(docsplane, project_slug, slug, active):
    """No command creates versions other than `latest` yet (syncing from the repository comes
    later), so save one straight through the event-sourced application."""
    from commands.handling.loading import load_project

    project = load_project(docsplane.app, project_slug)
    version = Version.create(
        project_id=project.id, project_slug=project.slug, number=docsplane.projects.ids["version"].next(),
        slug=slug, verbose_name=slug, identifier=slug, type="tag", active=active, actor="alice",
    )
    docsplane.app.save(version)
    docsplane.catch_up()


# -- projects ------------------------------------------------------------------------------------

def test_import_creates_project_and_latest(docsplane):
    written = docsplane.projects.import_project(
        "alice", project_settings("Sample Docs", tags=["x", "y"], homepage="https://sample.example")
    )
    assert written.value == "sample-docs"
    assert [topic_name(r.notification.topic) for r in written.recordings] == [
        "SlugClaimed", "ProjectImported", "VersionCreated",
    ]
    assert docsplane.read_model.project("sample-docs", "alice") is None  # not projected yet
    docsplane.catch_up()

    project = docsplane.read_model.project("sample-docs", "alice")
    assert project["slug"] == "sample-docs"
    assert project["name"] == "Sample Docs"
    assert (project["language"], project["programming_language"], project["privacy_level"]) == ("en", "py", "public")
    assert project["repository_url"] == "https://github.com/example/sample-docs"
    assert project["repository_type"] == "git"
    assert project["homepage"] == "https://sample.example"
    assert project["default_version"] == "latest"
    assert project["default_branch"] == "main"
    assert project["tags"] == ["x", "y"]
    assert project["users"] == ["alice"]
    assert project["single_version"] is False
    assert isinstance(project["id"], int)

    page = docsplane.read_model.versions(project, "alice", {}, limit=10, offset=0)
    assert page.count == 1
    [latest] = page.results
    assert (latest["slug"], latest["identifier"], latest["type"]) == ("latest", "main", "branch")
    assert (latest["active"], latest["built"], latest["hidden"]) == (True, False, False)
    assert latest["privacy_level"] == "public"
    assert latest["last_build"] is None


def test_latest_follows_head_without_default_branch(docsplane):
    imported(docsplane, default_branch=None)
    project = docsplane.read_model.project("sample-docs", "alice")
    assert docsplane.read_model.version(project, "alice", "latest")["identifier"] == "HEAD"


def test_import_rejects_taken_slug(docsplane):
    imported(docsplane, "Sample Docs")
    with pytest.raises(FieldError) as raised:
        docsplane.projects.import_project("bob", project_settings("sample docs!"))
    assert (raised.value.field, code_of(raised.value)) == ("name", "already_exists")
    docsplane.catch_up()
    assert docsplane.read_model.project("sample-docs", "bob")["users"] == ["alice"]


def test_import_rejects_invalid_settings_without_writing(docsplane):
    before = len(event_log(docsplane))
    with pytest.raises(FieldError) as raised:
        docsplane.projects.import_project("alice", project_settings("Sample", language="xx"))
    assert raised.value.field == "language"
    assert [topic_name(n.topic) for n in event_log(docsplane)[before:]] in ([], ["SequenceStarted", "BlockReserved"])
    docsplane.catch_up()
    assert docsplane.read_model.project("sample", "alice") is None


def test_project_ids_are_distinct_integers(docsplane):
    for name in ("One", "Two", "Three"):
        imported(docsplane, name)
    ids = [docsplane.read_model.project(slug, "alice")["id"] for slug in ("one", "two", "three")]
    assert all(isinstance(i, int) for i in ids)
    assert len(set(ids)) == 3


def test_update_project(docsplane):
    imported(docsplane)
    before = docsplane.read_model.project("sample-docs", "alice")
    written = docsplane.projects.update_project(
        "alice", "sample-docs",
        {"language": "es", "programming_language": "js", "tags": ["new"], "name": "Sample Docs",
         "repository": {"url": "https://gitlab.com/x/y", "type": "git"}, "homepage": "https://h.example"},
    )
    assert [topic_name(r.notification.topic) for r in written.recordings] == ["ProjectUpdated"]
    assert written.recordings[0].domain_event.changes == {
        "language": "es", "programming_language": "js", "tags": ["new"],
        "repository": {"url": "https://gitlab.com/x/y", "type": "git"}, "homepage": "https://h.example",
    }
    docsplane.catch_up()
    after = docsplane.read_model.project("sample-docs", "alice")
    assert (after["language"], after["programming_language"], after["tags"]) == ("es", "js", ["new"])
    assert (after["repository_url"], after["homepage"]) == ("https://gitlab.com/x/y", "https://h.example")
    assert after["name"] == "Sample Docs"
    assert after["modified"] > before["modified"]
    assert after["created"] == before["created"]


def test_update_without_effective_change_writes_nothing(docsplane):
    imported(docsplane)
    before = len(event_log(docsplane))
    written = docsplane.projects.update_project("alice", "sample-docs", {"language": "en", "tags": []})
    assert written.recordings == []
    assert len(event_log(docsplane)) == before


def test_default_branch_change_moves_latest(docsplane):
    imported(docsplane)
    written = docsplane.projects.update_project("alice", "sample-docs", {"default_branch": "develop"})
    assert sorted(topic_name(r.notification.topic) for r in written.recordings) == ["ProjectUpdated", "VersionUpdated"]
    docsplane.catch_up()
    project = docsplane.read_model.project("sample-docs", "alice")
    assert project["default_branch"] == "develop"
    assert docsplane.read_model.version(project, "alice", "latest")["identifier"] == "develop"


def test_default_version_must_exist(docsplane):
    imported(docsplane)
    with pytest.raises(FieldError) as raised:
        docsplane.projects.update_project("alice", "sample-docs", {"default_version": "v9"})
    assert (raised.value.field, code_of(raised.value)) == ("default_version", "missing")
    add_version(docsplane, "sample-docs", "v9", active=True)
    docsplane.projects.update_project("alice", "sample-docs", {"default_version": "v9"})
    docsplane.catch_up()
    assert docsplane.read_model.project("sample-docs", "alice")["default_version"] == "v9"


def test_only_maintainers_update(docsplane):
    imported(docsplane, "Public Docs")
    imported(docsplane, "Secret Docs", privacy_level="private")
    with pytest.raises(NotAllowed):
        docsplane.projects.update_project("mallory", "public-docs", {"language": "es"})
    with pytest.raises(UnknownResource):
        docsplane.projects.update_project("mallory", "secret-docs", {"language": "es"})
    with pytest.raises(UnknownResource):
        docsplane.projects.update_project("alice", "no-such-project", {"language": "es"})
    with pytest.raises(FieldError) as raised:
        docsplane.projects.update_project("alice", "public-docs", {"slug": "renamed"})
    assert raised.value.field == "slug"
    docsplane.catch_up()
    assert docsplane.read_model.project("public-docs", "alice")["language"] == "en"


def test_private_projects_are_invisible_to_non_maintainers(docsplane):
    imported(docsplane, "Secret Docs", privacy_level="private")
    imported(docsplane, "Open Docs")
    assert docsplane.read_model.project("secret-docs", "alice")["privacy_level"] == "private"
    assert docsplane.read_model.project("secret-docs", "bob") is None
    assert docsplane.read_model.project("secret-docs", None) is None
    assert docsplane.read_model.project("open-docs", "bob")["slug"] == "open-docs"
    assert docsplane.read_model.project("open-docs", None)["slug"] == "open-docs"
    assert docsplane.read_model.projects_of("bob", {}, limit=10, offset=0).count == 0
    # Making it public reveals it.
    docsplane.projects.update_project("alice", "secret-docs", {"privacy_level": "public"})
    docsplane.catch_up()
    assert docsplane.read_model.project("secret-docs", "bob")["privacy_level"] == "public"


def test_project_listing_filters(docsplane):
    imported(docsplane, "Py En")
    imported(docsplane, "Js En", programming_language="js")
    imported(docsplane, "Py Es", language="es")
    imported(docsplane, "Py En Private", privacy_level="private")
    imported(docsplane, "Bobs", actor="bob")
    rm = docsplane.read_model

    def slugs(filters, **page):
        result = rm.projects_of("alice", filters, limit=page.get("limit", 50), offset=page.get("offset", 0))
        return result.count, sorted(p["slug"] for p in result.results)

    assert slugs({}) == (4, ["js-en", "py-en", "py-en-private", "py-es"])
    assert slugs({"language": "es"}) == (1, ["py-es"])
    assert slugs({"programming_language": "js"}) == (1, ["js-en"])
    assert slugs({"privacy_level": "private"}) == (1, ["py-en-private"])
    assert slugs({"language": "en", "programming_language": "py"}) == (2, ["py-en", "py-en-private"])
    assert slugs({"language": "en", "privacy_level": "public", "programming_language": "py"}) == (1, ["py-en"])
    assert slugs({"language": "fr"}) == (0, [])
    assert slugs({"language": None}) == (4, ["js-en", "py-en", "py-en-private", "py-es"])
    # Pagination: count is the total, newest first.
    page = rm.projects_of("alice", {}, limit=2, offset=0)
    rest = rm.projects_of("alice", {}, limit=2, offset=2)
    assert (page.count, len(page.results), len(rest.results)) == (4, 2, 2)
    assert [p["slug"] for p in page.results + rest.results] == ["py-en-private", "py-es", "js-en", "py-en"]
    assert rm.projects_of("bob", {}, limit=10, offset=0).count == 1


# -- versions ------------------------------------------------------------------------------------

def test_update_version(docsplane):
    imported(docsplane)
    written = docsplane.versions.update_version(
        "alice", "sample-docs", "latest", {"hidden": True, "privacy_level": "private", "active": True}
    )
    assert [topic_name(r.notification.topic) for r in written.recordings] == ["VersionUpdated"]
    docsplane.catch_up()
    project = docsplane.read_model.project("sample-docs", "alice")
    latest = docsplane.read_model.version(project, "alice", "latest")
    assert (latest["hidden"], latest["privacy_level"], latest["active"]) == (True, "private", True)
    # A private version is invisible to anybody but the maintainers.
    assert docsplane.read_model.version(project, "bob", "latest") is None
    assert docsplane.read_model.versions(project, "bob", {}, limit=10, offset=0).count == 0
    assert docsplane.read_model.versions(project, None, {}, limit=10, offset=0).count == 0
    docsplane.versions.update_version("alice", "sample-docs", "latest", {"hidden": False, "privacy_level": "public"})
    docsplane.catch_up()
    latest = docsplane.read_model.version(project, "bob", "latest")
    assert (latest["hidden"], latest["privacy_level"]) == (False, "public")


def test_default_version_cannot_be_deactivated(docsplane):
    imported(docsplane)
    with pytest.raises(FieldError) as raised:
        docsplane.versions.update_version("alice", "sample-docs", "latest", {"active": False})
    assert (raised.value.field, code_of(raised.value)) == ("active", "invalid")
    with pytest.raises(NotAllowed):
        docsplane.versions.update_version("mallory", "sample-docs", "latest", {"hidden": True})
    with pytest.raises(UnknownResource):
        docsplane.versions.update_version("alice", "sample-docs", "v404", {"hidden": True})
    docsplane.catch_up()
    project = docsplane.read_model.project("sample-docs", "alice")
    latest = docsplane.read_model.version(project, "alice", "latest")
    assert (latest["active"], latest["hidden"]) == (True, False)


def test_version_listing_filters(docsplane):
    imported(docsplane)
    add_version(docsplane, "sample-docs", "v1.0", active=False)
    add_version(docsplane, "sample-docs", "v2.0", active=False)
    rm = docsplane.read_model
    project = rm.project("sample-docs", "alice")

    def slugs(filters):
        page = rm.versions(project, "alice", filters, limit=50, offset=0)
        assert page.count == len(page.results)
        return sorted(v["slug"] for v in page.results)

    assert slugs({}) == ["latest", "v1.0", "v2.0"]
    assert slugs({"active": True}) == ["latest"]
    assert slugs({"active": False}) == ["v1.0", "v2.0"]

    written = docsplane.versions.update_version("alice", "sample-docs", "v1.0", {"active": True})
    # Activating builds the version, as Read the Docs does, in the same save.
    assert [topic_name(r.notification.topic) for r in written.recordings] == ["VersionActivated", "BuildTriggered"]
    docsplane.catch_up()
    assert slugs({"active": True}) == ["latest", "v1.0"]
    assert [v["slug"] for v in rm.active_versions(project, "alice")] == ["latest", "v1.0"]

    build = docsplane.builds.trigger_build("alice", "sample-docs", "v1.0").value
    docsplane.builds.finish_build("worker", build, True)
    docsplane.catch_up()
    assert slugs({"built": True}) == ["v1.0"]
    assert slugs({"built": False}) == ["latest", "v2.0"]
    assert slugs({"built": True, "active": True}) == ["v1.0"]

    written = docsplane.versions.update_version("alice", "sample-docs", "v1.0", {"active": False})
    assert [topic_name(r.notification.topic) for r in written.recordings] == ["VersionDeactivated"]
    docsplane.catch_up()
    assert slugs({"active": True}) == ["latest"]
    assert slugs({"built": True, "active": False}) == ["v1.0"]


# -- builds --------------------------------------------------------------------------------------

def test_builds_move_through_states_and_mark_the_version(docsplane):
    imported(docsplane)
    rm = docsplane.read_model
    first = docsplane.builds.trigger_build("alice", "sample-docs").value
    second = docsplane.builds.trigger_build("alice", "sample-docs", "latest").value
    assert isinstance(first, int) and isinstance(second, int)
    assert first != second
    docsplane.catch_up()
    project = rm.project("sample-docs", "alice")
    latest = rm.version(project, "alice", "latest")
    assert latest["last_build"]["id"] == second
    assert latest["built"] is False
    assert rm.build("sample-docs", first)["state"] == "triggered"

    docsplane.builds.change_build_state("worker", first, "cloning", commit="c0ffee")
    docsplane.builds.change_build_state("worker", first, "building")
    docsplane.catch_up()
    build = rm.build("sample-docs", first)
    assert (build["state"], build["commit_hash"], build["success"], build["finished"]) == ("building", "c0ffee", None, None)

    docsplane.builds.finish_build("worker", first, True, builder="builder-1")
    docsplane.builds.finish_build("worker", second, False, error="sphinx exploded")
    docsplane.catch_up()
    build = rm.build("sample-docs", first)
    assert (build["state"], build["success"], build["error"], build["builder"]) == ("finished", True, None, "builder-1")
    assert build["finished"] is not None
    failed = rm.build("sample-docs", second)
    assert (failed["state"], failed["success"], failed["error"]) == ("finished", False, "sphinx exploded")

    latest = rm.version(project, "alice", "latest")
    assert latest["built"] is True  # the successful build built it
    assert latest["last_build"]["id"] == second
    assert latest["last_build"]["success"] is False
    assert rm.latest_build("sample-docs")["id"] == second


def test_failed_build_alone_does_not_mark_built(docsplane):
    imported(docsplane)
    number = docsplane.builds.trigger_build("alice", "sample-docs").value
    docsplane.builds.finish_build("worker", number, False)
    docsplane.catch_up()
    project = docsplane.read_model.project("sample-docs", "alice")
    latest = docsplane.read_model.version(project, "alice", "latest")
    assert latest["built"] is False
    assert latest["last_build"]["id"] == number
    assert latest["last_build"]["error"] == "Build failed"


def test_build_rules(docsplane):
    imported(docsplane)
    imported(docsplane, "Secret", privacy_level="private")
    add_version(docsplane, "sample-docs", "v1.0", active=False)
    with pytest.raises(FieldError) as raised:
        docsplane.builds.trigger_build("alice", "sample-docs", "v1.0")
    assert (raised.value.field, code_of(raised.value)) == ("version", "invalid")
    with pytest.raises(NotAllowed):
        docsplane.builds.trigger_build("mallory", "sample-docs")
    with pytest.raises(UnknownResource):
        docsplane.builds.trigger_build("mallory", "secret")
    with pytest.raises(UnknownResource):
        docsplane.builds.trigger_build("alice", "sample-docs", "v404")
    with pytest.raises(UnknownResource):
        docsplane.builds.change_build_state("worker", 987654, "cloning")
    number = docsplane.builds.trigger_build("alice", "sample-docs").value
    docsplane.builds.change_build_state("worker", number, "building")
    with pytest.raises(FieldError):
        docsplane.builds.change_build_state("worker", number, "cloning")
    docsplane.builds.finish_build("worker", number, True)
    with pytest.raises(FieldError):
        docsplane.builds.finish_build("worker", number, False)
    docsplane.catch_up()
    page = docsplane.read_model.builds("sample-docs", {}, limit=10, offset=0)
    assert [(b["id"], b["state"], b["success"]) for b in page.results] == [(number, "finished", True)]


def test_build_listing_filters(docsplane):
    imported(docsplane)
    imported(docsplane, "Other")
    rm = docsplane.read_model
    numbers = [docsplane.builds.trigger_build("alice", "sample-docs").value for _ in range(4)]
    other = docsplane.builds.trigger_build("alice", "other").value
    docsplane.builds.change_build_state("worker", numbers[0], "cloning", commit="aaa")
    docsplane.builds.finish_build("worker", numbers[0], True)
    docsplane.builds.change_build_state("worker", numbers[1], "cloning", commit="aaa")
    docsplane.builds.change_build_state("worker", numbers[2], "installing", commit="bbb")
    docsplane.builds.finish_build("worker", numbers[2], False, error="boom")
    docsplane.builds.change_build_state("worker", other, "cloning", commit="aaa")
    docsplane.catch_up()

    def ids(filters, version_slug=None):
        page = rm.builds("sample-docs", filters, limit=50, offset=0, version_slug=version_slug)
        assert page.count == len(page.results)
        return sorted(b["id"] for b in page.results)

    assert ids({}) == sorted(numbers)
    assert ids({"commit": "aaa"}) == sorted(numbers[:2])
    assert ids({"commit": "bbb"}) == [numbers[2]]
    assert ids({"commit": "zzz"}) == []
    assert ids({"running": True}) == sorted([numbers[1], numbers[3]])
    assert ids({"running": False}) == sorted([numbers[0], numbers[2]])
    assert ids({"running": True, "commit": "aaa"}) == [numbers[1]]
    assert ids({}, version_slug="latest") == sorted(numbers)
    assert ids({}, version_slug="v1") == []
    assert rm.build("sample-docs", other) is None  # a build of another project
    assert rm.build("other", other)["commit_hash"] == "aaa"
    # Newest first, paginated.
    first_page = rm.builds("sample-docs", {}, limit=3, offset=0)
    second_page = rm.builds("sample-docs", {}, limit=3, offset=3)
    assert first_page.count == 4
    assert [b["id"] for b in first_page.results + second_page.results] == list(reversed(numbers))


# -- users and tokens ----------------------------------------------------------------------------

def test_tokens_resolve_to_usernames(docsplane):
    first = docsplane.users.create_user("alice").value
    second = docsplane.users.issue_token("alice").value.token
    bobs = docsplane.users.create_user("bob").value
    assert len({first, second, bobs}) == 3
    assert all(len(token) == 40 for token in (first, second, bobs))

    def username_for(token_hash):
        found = docsplane.token_queries.by_hash(token_hash)
        return found and found["username"]

    assert username_for(hash_token(first)) is None  # not projected yet
    docsplane.catch_up()
    assert username_for(hash_token(first)) == "alice"
    assert username_for(hash_token(second)) == "alice"
    assert username_for(hash_token(bobs)) == "bob"
    assert username_for(hash_token("not-a-token")) is None
    assert username_for(first) is None  # the plain token is not what is stored
    # The event store holds only hashes.
    for notification in event_log(docsplane):
        for token in (first, second, bobs):
            assert token.encode() not in notification.state


def test_user_rules(docsplane):
    docsplane.users.create_user("alice")
    with pytest.raises(FieldError) as raised:
        docsplane.users.create_user("alice")
    assert (raised.value.field, code_of(raised.value)) == ("username", "already_exists")
    with pytest.raises(FieldError) as raised:
        docsplane.users.create_user("not valid!")
    assert (raised.value.field, code_of(raised.value)) == ("username", "invalid")
    with pytest.raises(UnknownResource):
        docsplane.users.issue_token("nobody")
    docsplane.catch_up()
    assert [r["username"] for r in docsplane.store.fetchall("SELECT username FROM users")] == ["alice"]
