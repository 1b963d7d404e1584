"""Events and snapshots recorded by release 1 (the spine) still load, on each storage backend.

The stored records below are what release 1 wrote (its event classes had fewer fields); they are
inserted into the real event store as they were, then read through the repository and projected."""

import json
from uuid import uuid4

from eventsourcing.persistence import StoredEvent
from integration_support import project_settings, topic_name

from commands.users import hash_token
from domain.ids import redirect_id, slug_index_id, user_id
from domain.project import Project
from domain.user import User, legacy_token_number

RELEASE_1_TIME = {"_type_": "datetime_iso", "_data_": "2026-11-01T10:00:00+00:00"}


def _record(app, originator_id, version, topic, state: dict) -> StoredEvent:
    body = json.dumps({"timestamp": RELEASE_1_TIME, **state}).encode()
    return StoredEvent(originator_id=originator_id, originator_version=version, topic=topic, state=body)


def test_release_1_project_and_token_events_load(docsplane):
    app = docsplane.app
    project_id, token_hash = uuid4(), hash_token("release-1-token")
    app.recorder.insert_events([
        _record(app, slug_index_id("old-docs"), 1, "domain.slug_index:SlugIndex.SlugClaimed",
                {"originator_topic": "domain.slug_index:SlugIndex", "slug": "old-docs",
                 "project_id": {"_type_": "uuid_hex", "_data_": project_id.hex}}),
        _record(app, project_id, 1, "domain.project:Project.ProjectImported", {
            "originator_topic": "domain.project:Project", "number": 1, "slug": "old-docs", "name": "Old Docs",
            "repository": {"url": "https://example.com/old.git", "type": "git"}, "language": "en",
            "programming_language": "py", "homepage": None, "default_branch": None, "privacy_level": "public",
            "tags": [], "single_version": True, "maintainers": ["alice"], "actor": "alice",
        }),
        _record(app, user_id("alice"), 1, "domain.user:User.UserCreated",
                {"originator_topic": "domain.user:User", "username": "alice", "actor": "alice"}),
        _record(app, user_id("alice"), 2, "domain.user:User.TokenIssued", {"token_hash": token_hash, "actor": "alice"}),
    ])
    project = app.repository.get(project_id)
    assert (project.versioning_scheme, project.subprojects, project.translation_of) == (
        "single_version_without_translations", {}, None)
    user = app.repository.get(user_id("alice"))
    assert user.token_numbers == [legacy_token_number(token_hash)]

    docsplane.catch_up()  # the projectors read the same old records
    row = docsplane.store.fetchone("SELECT versioning_scheme FROM projects WHERE slug = ?", ("old-docs",))
    assert row == {"versioning_scheme": "single_version_without_translations"}
    token = docsplane.store.fetchone("SELECT access FROM tokens WHERE token_hash = ?", (token_hash,))
    assert token == {"access": "write"}

    # New decisions on the old aggregates record current-version events.
    written = docsplane.users.revoke_token("alice", legacy_token_number(token_hash), "alice")
    assert [topic_name(r.notification.topic) for r in written.recordings] == ["TokenRevoked"]


def test_release_1_snapshots_load(docsplane):
    """Snapshots carry the aggregate's whole state: release 1's lacked the newer attributes."""
    app = docsplane.app
    project_id, alice = uuid4(), user_id("bob")
    token_hash = hash_token("bob-token")
    snapshots = app.snapshots.recorder
    snapshots.insert_events([
        _record(app, project_id, 3, "eventsourcing.domain:Snapshot", {
            "topic": "domain.project:Project", "state": {
                "number": 7, "slug": "snap", "name": "Snap", "repository": {"url": "u", "type": "git"},
                "language": "en", "programming_language": "py", "homepage": None, "default_branch": None,
                "default_version": "latest", "analytics_code": None, "privacy_level": "public", "tags": [],
                "single_version": False, "maintainers": ["bob"], "_created_on": RELEASE_1_TIME,
                "_modified_on": RELEASE_1_TIME}}),
        _record(app, alice, 2, "eventsourcing.domain:Snapshot", {
            "topic": "domain.user:User", "state": {
                "username": "bob", "token_hashes": [token_hash], "_created_on": RELEASE_1_TIME,
                "_modified_on": RELEASE_1_TIME}}),
    ])
    project = app.repository.get(project_id)
    assert isinstance(project, Project) and project.version == 3
    assert (project.versioning_scheme, project.deleted, project.translations) == (
        "multiple_versions_with_translations", False, {})
    user = app.repository.get(alice)
    assert isinstance(user, User) and user.token_numbers == [legacy_token_number(token_hash)]


def test_release_1_redirects_load_with_read_the_docs_names_and_fields(docsplane):
    """Release 1 knew `sphinx_html`/`sphinx_htmldir`, replaced a whole redirect, and had no status,
    flags or position: the records read as Read the Docs' current redirects and project in order."""
    docsplane.projects.import_project("alice", project_settings("Old Docs"))
    project_id = docsplane.app.repository.get(slug_index_id("old-docs")).project_id
    first, second = redirect_id(project_id, 901), redirect_id(project_id, 902)
    topic = "domain.redirect:Redirect"

    def created(originator_id, number, type):
        return _record(docsplane.app, originator_id, 1, f"{topic}.RedirectCreated", {
            "originator_topic": topic, "project_id": {"_type_": "uuid_hex", "_data_": project_id.hex},
            "project_slug": "old-docs", "number": number, "type": type, "from_url": "", "to_url": "", "actor": "alice"})

    docsplane.app.recorder.insert_events([
        created(first, 901, "sphinx_html"),
        created(second, 902, "sphinx_html"),
        _record(docsplane.app, second, 2, f"{topic}.RedirectUpdated",
                {"type": "sphinx_htmldir", "from_url": "", "to_url": "", "actor": "alice"}),
    ])
    redirect = docsplane.app.repository.get(first)
    assert redirect.settings() == {"type": "clean_url_to_html", "from_url": "", "to_url": "", "http_status": 302,
                                   "description": "", "enabled": True, "force": False, "position": 0}
    assert docsplane.app.repository.get(second).type == "html_to_clean_url"

    docsplane.catch_up()
    rows = docsplane.store.fetchall("SELECT id, type, position, http_status FROM redirects ORDER BY position")
    assert rows == [{"id": 902, "type": "html_to_clean_url", "position": 0, "http_status": 302},  # newest first, as RTD migrated
                    {"id": 901, "type": "clean_url_to_html", "position": 1, "http_status": 302}]

    written = docsplane.redirects.change_redirect("alice", "old-docs", 901, {"http_status": 301})
    assert [topic_name(r.notification.topic) for r in written.recordings] == ["RedirectUpdated"]


def test_release_2_versioning_schemes_load_as_read_the_docs_spells_them(docsplane):
    """Release 2 wrote `multiple_versioning_*` (imported and updated) and had no configuration file path
    or pull-request builds' privacy: the records read with Read the Docs' values and defaults."""
    app = docsplane.app
    project_id = uuid4()
    topic = "domain.project:Project"
    app.recorder.insert_events([
        _record(app, slug_index_id("scheme-docs"), 1, "domain.slug_index:SlugIndex.SlugClaimed",
                {"originator_topic": "domain.slug_index:SlugIndex", "slug": "scheme-docs",
                 "project_id": {"_type_": "uuid_hex", "_data_": project_id.hex}}),
        _record(app, project_id, 1, f"{topic}.ProjectImported", {
            "originator_topic": topic, "number": 1, "slug": "scheme-docs", "name": "Scheme Docs",
            "repository": {"url": "https://example.com/old.git", "type": "git"}, "language": "en",
            "programming_language": "py", "homepage": None, "default_branch": None, "privacy_level": "public",
            "tags": ["b", "a"], "single_version": False, "versioning_scheme": "multiple_versioning_with_translations",
            "maintainers": ["alice"], "actor": "alice", "class_version": 2,
        }),
        _record(app, project_id, 2, f"{topic}.ProjectUpdated",
                {"changes": {"versioning_scheme": "multiple_versioning_without_translations"}, "actor": "alice"}),
    ])
    project = app.repository.get(project_id)
    assert (project.versioning_scheme, project.readthedocs_yaml_path, project.external_builds_privacy_level) == (
        "multiple_versions_without_translations", None, "public")

    docsplane.catch_up()
    row = docsplane.store.fetchone(
        "SELECT versioning_scheme, readthedocs_yaml_path, external_builds_privacy_level, tags FROM projects WHERE slug = ?",
        ("scheme-docs",))
    assert row == {"versioning_scheme": "multiple_versions_without_translations", "readthedocs_yaml_path": None,
                   "external_builds_privacy_level": "public", "tags": '["a", "b"]'}

    # Read the Docs' value is taken; the old spelling from an old client too, stored renamed.
    written = docsplane.projects.update_project("alice", "scheme-docs", {"versioning_scheme": "multiple_versioning_with_translations"})
    assert [r.notification.topic for r in written.recordings] == [f"{topic}.ProjectUpdated"]
    assert app.repository.get(project_id).versioning_scheme == "multiple_versions_with_translations"
