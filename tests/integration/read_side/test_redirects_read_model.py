"""Redirect commands → event store → projector → `redirects` read model, on each backend."""

import pytest

from commands.handling.loading import load_project
from api.errors import code_of
from domain.errors import FieldError, NotAllowed, StaleWrite, UnknownResource
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
    assert (row["project_slug"], row["type"], row["from_url"], row["to_url"]) == ("pip", "page", "/docs", "/documentation/")
    assert (row["http_status"], row["description"], row["enabled"], row["force"], row["position"]) == (302, "", True, False, 0)
    assert row["aggregate_version"] == 1
    assert row["created"] == row["modified"]


def positions(docsplane, project) -> list[tuple[int, int]]:
    """(id, position) of every redirect, in the list's order."""
    return [(r["id"], r["position"]) for r in docsplane.redirect_queries.list(project["aggregate_id"], 100, 0).results]


def test_new_redirects_go_first_by_default_and_the_list_paginates_by_position(docsplane, project):
    numbers = [created(docsplane, "prefix", f"/old-{i}/", "") for i in range(5)]
    page = docsplane.redirect_queries.list(project["aggregate_id"], limit=2, offset=1)
    assert page.count == 5
    assert [(r["id"], r["position"]) for r in page.results] == [(numbers[3], 1), (numbers[2], 2)]
    assert [r["from_url"] for r in page.results] == ["/old-3", "/old-2"]


def test_inserting_at_a_position_shifts_the_others_down(docsplane, project):
    a, b = created(docsplane), created(docsplane)  # b at 0, a at 1
    c = docsplane.redirects.create_redirect("alice", "pip", "page", "/c/", "/d/", position=1).value
    d = docsplane.redirects.create_redirect("alice", "pip", "page", "/e/", "/f/", position=99).value  # past the end: last
    docsplane.catch_up()
    assert positions(docsplane, project) == [(b, 0), (c, 1), (a, 2), (d, 3)]


def test_moving_and_deleting_keep_positions_contiguous(docsplane, project):
    r0, r1, r2, r3 = reversed([created(docsplane) for _ in range(4)])  # newest first
    assert positions(docsplane, project) == [(r0, 0), (r1, 1), (r2, 2), (r3, 3)]
    docsplane.redirects.change_redirect("alice", "pip", r0, {"position": 2})  # down: those between move up
    docsplane.catch_up()
    assert positions(docsplane, project) == [(r1, 0), (r2, 1), (r0, 2), (r3, 3)]
    docsplane.redirects.change_redirect("alice", "pip", r3, {"position": 0})  # up: those between move down
    docsplane.catch_up()
    assert positions(docsplane, project) == [(r3, 0), (r1, 1), (r2, 2), (r0, 3)]
    docsplane.redirects.change_redirect("alice", "pip", r1, {"position": 50})  # past the end: last
    docsplane.redirects.delete_redirect("alice", "pip", r2)
    docsplane.catch_up()
    assert positions(docsplane, project) == [(r3, 0), (r0, 1), (r1, 2)]


def test_clean_url_types_store_blank_urls(docsplane, project):
    number = created(docsplane, "sphinx_htmldir", "/a/", "/b/")
    row = docsplane.redirect_queries.get(project["aggregate_id"], number)
    assert (row["type"], row["from_url"], row["to_url"]) == ("html_to_clean_url", "", "")


def test_change_updates_the_row_and_its_version(docsplane, project):
    number = created(docsplane)
    written = docsplane.redirects.change_redirect(
        "alice", "pip", number, {"type": "exact", "from_url": "/a.html", "to_url": "/b.html", "http_status": 301,
                                 "enabled": False, "force": True, "description": "moved"}, expected_version=1)
    assert [topic_name(r.notification.topic) for r in written.recordings] == ["RedirectUpdated"]
    docsplane.catch_up()
    row = docsplane.redirect_queries.get(project["aggregate_id"], number)
    assert (row["type"], row["from_url"], row["to_url"], row["aggregate_version"]) == ("exact", "/a.html", "/b.html", 2)
    assert (row["http_status"], row["enabled"], row["force"], row["description"]) == (301, False, True, "moved")
    assert row["modified"] > row["created"]


def test_change_to_the_same_content_records_nothing(docsplane, project):
    number = created(docsplane)
    before = head(docsplane)
    written = docsplane.redirects.change_redirect("alice", "pip", number, {"type": "page", "from_url": "/docs/", "to_url": "/documentation/"})
    assert written.recordings == [] and head(docsplane) == before


def test_change_with_a_stale_version_is_refused(docsplane, project):
    number = created(docsplane)
    docsplane.redirects.change_redirect("alice", "pip", number, {"type": "prefix", "from_url": "/x/"})
    before = head(docsplane)
    with pytest.raises(StaleWrite):
        docsplane.redirects.change_redirect("alice", "pip", number, {"type": "prefix", "from_url": "/y/"}, expected_version=1)
    with pytest.raises(StaleWrite):
        docsplane.redirects.delete_redirect("alice", "pip", number, expected_version=1)
    assert head(docsplane) == before


@pytest.mark.parametrize(
    ("type", "from_url", "to_url", "field", "code"),
    [("page", "/docs/", "", "to_url", "missing_field"), ("prefix", "", "", "from_url", "missing_field"),
     ("nope", "/a/", "/b/", "type", "invalid")],
)
def test_invalid_redirects_write_nothing_not_even_an_id(docsplane, project, type, from_url, to_url, field, code):
    before = head(docsplane)
    with pytest.raises(FieldError) as raised:
        docsplane.redirects.create_redirect("alice", "pip", type, from_url, to_url)
    assert (raised.value.field, code_of(raised.value)) == (field, code)
    assert head(docsplane) == before


def test_delete_removes_the_row_and_the_redirect_is_gone(docsplane, project):
    keep, gone = created(docsplane), created(docsplane, "prefix", "/old/", "")
    written = docsplane.redirects.delete_redirect("alice", "pip", gone)
    assert [topic_name(r.notification.topic) for r in written.recordings] == ["RedirectDeleted"]
    docsplane.catch_up()
    assert docsplane.redirect_queries.get(project["aggregate_id"], gone) is None
    assert [r["id"] for r in docsplane.redirect_queries.list(project["aggregate_id"], 10, 0).results] == [keep]
    with pytest.raises(UnknownResource):
        docsplane.redirects.delete_redirect("alice", "pip", gone)
    with pytest.raises(UnknownResource):
        docsplane.redirects.change_redirect("alice", "pip", gone, {"type": "prefix", "from_url": "/old/"})


def test_a_redirect_is_found_only_under_its_own_project(docsplane, project):
    number = created(docsplane, slug="secret-docs")
    with pytest.raises(UnknownResource):
        docsplane.redirects.delete_redirect("alice", "pip", number)
    assert docsplane.redirect_queries.get(project["aggregate_id"], number) is None


def test_only_maintainers_write(docsplane, project):
    number = created(docsplane)
    before = head(docsplane)
    with pytest.raises(NotAllowed):
        docsplane.redirects.create_redirect("mallory", "pip", "prefix", "/a/")
    with pytest.raises(NotAllowed):
        docsplane.redirects.change_redirect("mallory", "pip", number, {"type": "prefix", "from_url": "/a/"})
    with pytest.raises(NotAllowed):
        docsplane.redirects.delete_redirect("mallory", "pip", number)
    with pytest.raises(UnknownResource):  # a private project does not exist for others
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
    docsplane.redirects.change_redirect("alice", "pip", a, {"type": "exact", "from_url": "/x", "to_url": "/y"})
    docsplane.redirects.delete_redirect("alice", "pip", b)
    docsplane.catch_up()
    incremental = dump_tables(docsplane)
    rebuild_all(docsplane)
    assert dump_tables(docsplane) == incremental
    assert len(incremental["redirects"]) == 2
    assert [topic_name(n.topic) for n in event_log(docsplane) if "Redirect" in n.topic] == [
        "RedirectCreated", "RedirectCreated", "RedirectCreated", "RedirectTypeClaimed", "RedirectUpdated", "RedirectDeleted",
    ]


@pytest.mark.parametrize("type", ["clean_url_to_html", "html_to_clean_url"])
def test_a_project_has_one_redirect_of_each_clean_url_type(docsplane, project, type):
    first = created(docsplane, type, "", "")
    created(docsplane, "clean_url_to_html" if type == "html_to_clean_url" else "html_to_clean_url", "", "")  # the other type: fine
    created(docsplane, type, "", "", slug="secret-docs")  # another project: fine
    before = head(docsplane)
    with pytest.raises(FieldError) as raised:
        docsplane.redirects.create_redirect("alice", "pip", type)
    assert (raised.value.field, code_of(raised.value)) == ("type", "already_exists")
    other = created(docsplane)
    with pytest.raises(FieldError):
        docsplane.redirects.change_redirect("alice", "pip", other, {"type": type})
    assert head(docsplane) > before  # only `other` was written
    docsplane.redirects.change_redirect("alice", "pip", first, {"position": 3})  # its own claim does not stand in its way

    docsplane.redirects.change_redirect("alice", "pip", first, {"type": "page", "from_url": "/a", "to_url": "/b"})  # releases
    docsplane.redirects.change_redirect("alice", "pip", other, {"type": type})  # takes it
    with pytest.raises(FieldError):
        docsplane.redirects.change_redirect("alice", "pip", first, {"type": type})
    docsplane.redirects.delete_redirect("alice", "pip", other)  # releases
    assert docsplane.redirects.create_redirect("alice", "pip", type).value
