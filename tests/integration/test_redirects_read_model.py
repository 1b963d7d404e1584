"""Redirect commands → event store → projector → `redirects` read model, on each backend."""

import pytest

from commands.loading import load_project
from domain.errors import NotFound, PermissionDenied, PreconditionFailed, ValidationFailed
from integration_support import dump_tables, event_log, head, project_settings, rebuild_all, topic_name


@pytest.fixture
def project(docsplane):
    docsplane.projects.import_project("alice", project_settings("Pip"))
    docsplane.projects.import_project("alice", project_settings("Secret Docs", privacy_level="private"))
    docsplane.catch_up()
    return docsplane.read_model.project("pip", "alice")


def created(docsplane, type="page", from_url="/docs/", to_url="/documentation/", slug="pip") -> int:
    written = docsplane.redirects.create_redirect("alice", slug, type, from_url, to_url)
    docsplane.catch_up()
    return written.value


def test_create_projects_one_row(docsplane, project):
    written = docsplane.redirects.create_redirect("alice", "pip", "page", "/docs/", "/documentation/")
    assert [topic_name(r.notification.topic) for r in written.recordings] == ["RedirectCreated"]
    assert docsplane.redirect_queries.get(project["aggregate_id"], written.value) is None  # not projected yet
    docsplane.catch_up()

    row = docsplane.redirect_queries.get(project["aggregate_id"], written.value)
    assert row["id"] == written.value and isinstance(row["id"], int)
    assert (row["project_slug"], row["type"], row["from_url"], row["to_url"]) == ("pip", "page", "/docs/", "/documentation/")
    assert row["aggregate_version"] == 1
    assert row["created"] == row["modified"]


def test_list_is_in_creation_order_and_paginates(docsplane, project):
    numbers = [created(docsplane, "prefix", f"/old-{i}/", "") for i in range(5)]
    page = docsplane.redirect_queries.list(project["aggregate_id"], limit=2, offset=1)
    assert page.count == 5
    assert [r["id"] for r in page.results] == numbers[1:3]
    assert [r["from_url"] for r in page.results] == ["/old-1/", "/old-2/"]


def test_sphinx_types_store_blank_urls(docsplane, project):
    number = created(docsplane, "sphinx_htmldir", "", "")
    row = docsplane.redirect_queries.get(project["aggregate_id"], number)
    assert (row["type"], row["from_url"], row["to_url"]) == ("sphinx_htmldir", "", "")


def test_replace_updates_the_row_and_its_version(docsplane, project):
    number = created(docsplane)
    written = docsplane.redirects.replace_redirect("alice", "pip", number, "exact", "/a.html", "/b.html", expected_version=1)
    assert [topic_name(r.notification.topic) for r in written.recordings] == ["RedirectUpdated"]
    docsplane.catch_up()
    row = docsplane.redirect_queries.get(project["aggregate_id"], number)
    assert (row["type"], row["from_url"], row["to_url"], row["aggregate_version"]) == ("exact", "/a.html", "/b.html", 2)
    assert row["modified"] > row["created"]


def test_replace_with_the_same_content_records_nothing(docsplane, project):
    number = created(docsplane)
    before = head(docsplane)
    written = docsplane.redirects.replace_redirect("alice", "pip", number, "page", "/docs/", "/documentation/")
    assert written.recordings == [] and head(docsplane) == before


def test_replace_with_a_stale_version_is_refused(docsplane, project):
    number = created(docsplane)
    docsplane.redirects.replace_redirect("alice", "pip", number, "prefix", "/x/")
    before = head(docsplane)
    with pytest.raises(PreconditionFailed):
        docsplane.redirects.replace_redirect("alice", "pip", number, "prefix", "/y/", expected_version=1)
    with pytest.raises(PreconditionFailed):
        docsplane.redirects.delete_redirect("alice", "pip", number, expected_version=1)
    assert head(docsplane) == before


@pytest.mark.parametrize(
    ("type", "from_url", "to_url", "field", "code"),
    [("page", "/docs/", "", "to_url", "missing_field"), ("prefix", "", "", "from_url", "missing_field"),
     ("nope", "/a/", "/b/", "type", "invalid")],
)
def test_invalid_redirects_write_nothing_not_even_an_id(docsplane, project, type, from_url, to_url, field, code):
    before = head(docsplane)
    with pytest.raises(ValidationFailed) as raised:
        docsplane.redirects.create_redirect("alice", "pip", type, from_url, to_url)
    assert (raised.value.field, raised.value.code) == (field, code)
    assert head(docsplane) == before


def test_delete_removes_the_row_and_the_redirect_is_gone(docsplane, project):
    keep, gone = created(docsplane), created(docsplane, "prefix", "/old/", "")
    written = docsplane.redirects.delete_redirect("alice", "pip", gone)
    assert [topic_name(r.notification.topic) for r in written.recordings] == ["RedirectDeleted"]
    docsplane.catch_up()
    assert docsplane.redirect_queries.get(project["aggregate_id"], gone) is None
    assert [r["id"] for r in docsplane.redirect_queries.list(project["aggregate_id"], 10, 0).results] == [keep]
    with pytest.raises(NotFound):
        docsplane.redirects.delete_redirect("alice", "pip", gone)
    with pytest.raises(NotFound):
        docsplane.redirects.replace_redirect("alice", "pip", gone, "prefix", "/old/")


def test_a_redirect_is_found_only_under_its_own_project(docsplane, project):
    number = created(docsplane, slug="secret-docs")
    with pytest.raises(NotFound):
        docsplane.redirects.delete_redirect("alice", "pip", number)
    assert docsplane.redirect_queries.get(project["aggregate_id"], number) is None


def test_only_maintainers_write(docsplane, project):
    number = created(docsplane)
    before = head(docsplane)
    with pytest.raises(PermissionDenied):
        docsplane.redirects.create_redirect("mallory", "pip", "prefix", "/a/")
    with pytest.raises(PermissionDenied):
        docsplane.redirects.replace_redirect("mallory", "pip", number, "prefix", "/a/")
    with pytest.raises(PermissionDenied):
        docsplane.redirects.delete_redirect("mallory", "pip", number)
    with pytest.raises(NotFound):  # a private project does not exist for others
        docsplane.redirects.create_redirect("mallory", "secret-docs", "prefix", "/a/")
    assert head(docsplane) == before


def test_project_deleted_drops_its_redirects(docsplane, project):
    created(docsplane)
    created(docsplane, "prefix", "/old/", "")
    other = created(docsplane, slug="secret-docs")
    pip = load_project(docsplane.app, "pip")
    pip.delete("alice")
    docsplane.app.save(pip)
    docsplane.catch_up()
    rows = docsplane.store.fetchall("SELECT id FROM redirects ORDER BY id")
    assert [r["id"] for r in rows] == [other]


def test_rebuild_reproduces_the_read_model(docsplane, project):
    a = created(docsplane)
    b = created(docsplane, "prefix", "/old/", "")
    created(docsplane, "sphinx_html", "", "")
    docsplane.redirects.replace_redirect("alice", "pip", a, "exact", "/x", "/y")
    docsplane.redirects.delete_redirect("alice", "pip", b)
    docsplane.catch_up()
    incremental = dump_tables(docsplane)
    rebuild_all(docsplane)
    assert dump_tables(docsplane) == incremental
    assert len(incremental["redirects"]) == 2
    assert [topic_name(n.topic) for n in event_log(docsplane) if "Redirect" in n.topic] == [
        "RedirectCreated", "RedirectCreated", "RedirectCreated", "RedirectUpdated", "RedirectDeleted",
    ]
