"""Redirect decisions: Read the Docs' fields, types and URL normalisation (readthedocs/redirects/models.py),
the per-type URL rules (seed 002), changes (PATCH/PUT), deletion, and reading release-1 events."""

from uuid import uuid4

import pytest

from api.errors import code_of
from domain.errors import FieldError
from domain.ids import redirect_id
from domain.redirect import URL_MAX, Redirect

PROJECT_ID = uuid4()


def created(type="page", from_url="/docs/", to_url="/documentation/", **fields) -> Redirect:
    redirect = Redirect.create(
        project_id=PROJECT_ID, project_slug="pip", number=4, type=type, from_url=from_url, to_url=to_url, actor="alice",
        **fields,
    )
    redirect.collect_events()
    return redirect


def test_create_records_every_field_with_read_the_docs_defaults():
    redirect = Redirect.create(
        project_id=PROJECT_ID, project_slug="pip", number=4, type="page", from_url="/docs/",
        to_url="/documentation/", actor="alice",
    )
    [event] = redirect.collect_events()
    assert type(event).__name__ == "RedirectCreated"
    assert (event.actor, event.number, event.project_slug) == ("alice", 4, "pip")
    assert (event.type, event.from_url, event.to_url) == ("page", "/docs", "/documentation/")
    assert (event.http_status, event.description, event.enabled, event.force, event.position) == (302, "", True, False, 0)
    assert redirect.id == redirect_id(PROJECT_ID, 4)
    assert redirect.id != redirect_id(uuid4(), 4)  # the same number in another project is another redirect


def test_create_takes_every_field():
    redirect = created("exact", "/a/*", "/b/:splat", http_status=301, description="moved", enabled=False, force=True, position=3)
    assert redirect.settings() == {"type": "exact", "from_url": "/a/*", "to_url": "/b/:splat", "http_status": 301,
                                   "description": "moved", "enabled": False, "force": True, "position": 3}


@pytest.mark.parametrize(
    ("type", "from_url", "to_url", "stored"),
    [
        ("prefix", "/old/", "", ("prefix", "/old", "")),
        ("page", "/a.html", "/b.html", ("page", "/a.html", "/b.html")),
        ("exact", "/dev/install.html", "https://example.com/install/", ("exact", "/dev/install.html", "https://example.com/install/")),
        ("clean_url_to_html", "", "", ("clean_url_to_html", "", "")),
        ("html_to_clean_url", "/x/", "/y/", ("html_to_clean_url", "", "")),  # these types keep no URLs
        ("sphinx_html", "", "", ("clean_url_to_html", "", "")),  # seed 002's names, stored as RTD renamed them
        ("sphinx_htmldir", "", "", ("html_to_clean_url", "", "")),
    ],
)
def test_each_type_keeps_what_it_needs(type, from_url, to_url, stored):
    redirect = created(type, from_url, to_url)
    assert (redirect.type, redirect.from_url, redirect.to_url) == stored


@pytest.mark.parametrize(
    ("from_url", "to_url", "stored"),
    [
        ("docs/", "documentation/", ("/docs", "/documentation/")),
        ("///docs///", "//other/", ("/docs", "/other/")),
        ("/", "/", ("/", "/")),
        ("/a.html", "HTTPS://example.com/x", ("/a.html", "HTTPS://example.com/x")),
        ("javascript:alert(1)", "javascript:alert(1)", ("/javascript:alert(1)", "/javascript:alert(1)")),
    ],
)
def test_urls_are_normalised_as_read_the_docs_does(from_url, to_url, stored):
    redirect = created("page", from_url, to_url)
    assert (redirect.from_url, redirect.to_url) == stored


@pytest.mark.parametrize(
    ("type", "from_url", "to_url", "field"),
    [
        ("prefix", "", "/new/", "from_url"),
        ("page", "", "/b.html", "from_url"),
        ("page", "/a.html", "", "to_url"),
        ("exact", "", "/b.html", "from_url"),
        ("exact", "/a.html", "", "to_url"),
    ],
)
def test_missing_required_url_is_missing_field(type, from_url, to_url, field):
    with pytest.raises(FieldError) as raised:
        created(type, from_url, to_url)
    assert (raised.value.resource, raised.value.field, code_of(raised.value)) == ("Redirect", field, "missing_field")


@pytest.mark.parametrize(
    ("type", "from_url", "to_url", "fields", "field"),
    [
        ("sphinx", "/a/", "/b/", {}, "type"),
        ("", "/a/", "/b/", {}, "type"),
        ("page", "/a b/", "/b/", {}, "from_url"),
        ("page", "/a/\n", "/b/", {}, "from_url"),
        ("page", "/a/", "/b/\x00", {}, "to_url"),
        ("page", "/" + "a" * URL_MAX, "/b/", {}, "from_url"),
        ("page", "/a/$rest", "/b/", {}, "from_url"),
        ("exact", "/a/*/b", "/b/", {}, "from_url"),
        ("exact", "/a/", "/b/:splat", {}, "to_url"),
        ("page", "/a/", "/b/", {"http_status": 307}, "http_status"),
        ("page", "/a/", "/b/", {"enabled": "yes"}, "enabled"),
        ("page", "/a/", "/b/", {"force": 1}, "force"),
        ("page", "/a/", "/b/", {"position": -1}, "position"),
        ("page", "/a/", "/b/", {"position": True}, "position"),
        ("page", "/a/", "/b/", {"description": "x" * 256}, "description"),
    ],
)
def test_bad_values_are_invalid(type, from_url, to_url, fields, field):
    with pytest.raises(FieldError) as raised:
        created(type, from_url, to_url, **fields)
    assert (raised.value.field, code_of(raised.value)) == (field, "invalid")


@pytest.mark.parametrize("url", [
    "../../etc/passwd", "/../etc/passwd", "/a/../../b/", "/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E/",
    "/%252e%252e/x", "/%2fevil.com/", "/\\evil.com/", "/a\\..\\b", "/a/%0d%0aSet-Cookie:%20x=1",
])
def test_from_url_stays_within_the_projects_documentation(url):
    with pytest.raises(FieldError) as raised:
        created("page", url, "/b/")
    assert (raised.value.field, code_of(raised.value)) == ("from_url", "invalid")
    assert "within the project's documentation" in raised.value.message


@pytest.mark.parametrize("url", [
    "../../etc/passwd", "/%2e%2e/", "/\\evil.com", "https:\\\\evil.com", "http://", "https://",
    "/a/%0aLocation:%20https://evil.com",
])
def test_to_url_is_a_documentation_path_or_a_web_url(url):
    with pytest.raises(FieldError) as raised:
        created("exact", "/a/", url)
    assert (raised.value.field, code_of(raised.value)) == ("to_url", "invalid")


def test_change_records_only_what_differs():
    redirect = created()
    assert redirect.change("bob", {"type": "exact", "to_url": "/b.html", "from_url": "docs/"}) == {"type": "exact", "to_url": "/b.html"}
    [event] = redirect.collect_events()
    assert (type(event).__name__, event.actor, event.changes) == ("RedirectUpdated", "bob", {"type": "exact", "to_url": "/b.html"})
    assert (redirect.type, redirect.from_url, redirect.to_url) == ("exact", "/docs", "/b.html")


def test_change_to_the_same_values_records_nothing_but_a_given_position_always_counts():
    redirect = created(position=2)
    assert redirect.change("bob", {"type": "page", "from_url": "/docs/", "http_status": 302}) == {}
    assert redirect.collect_events() == []
    # where position 2 lands depends on the other redirects (the read model places it), so it is recorded
    assert redirect.change("bob", {"position": 2}) == {"position": 2}


def test_change_obeys_the_same_rules_and_changes_nothing_when_refused():
    redirect = created()
    with pytest.raises(FieldError) as raised:
        redirect.change("bob", {"type": "exact", "to_url": ""})
    assert (raised.value.field, code_of(raised.value)) == ("to_url", "missing_field")
    assert redirect.collect_events() == []
    assert (redirect.type, redirect.to_url) == ("page", "/documentation/")


def test_changing_to_a_clean_url_type_clears_the_urls():
    redirect = created()
    assert redirect.change("bob", {"type": "sphinx_htmldir"}) == {"type": "html_to_clean_url", "from_url": "", "to_url": ""}


def test_delete_records_redirect_deleted():
    redirect = created()
    redirect.delete("bob")
    [event] = redirect.collect_events()
    assert (type(event).__name__, event.actor) == ("RedirectDeleted", "bob")
    assert redirect.deleted is True


def test_release_1_events_read_with_the_new_names_and_defaults():
    created_state = {"type": "sphinx_html", "from_url": "", "to_url": ""}
    Redirect.RedirectCreated.upcast_v1_v2(created_state)
    assert created_state == {"type": "clean_url_to_html", "from_url": "", "to_url": "", "http_status": 302,
                             "description": "", "enabled": True, "force": False, "position": 0}
    updated_state = {"type": "sphinx_htmldir", "from_url": "", "to_url": "", "actor": "alice"}
    Redirect.RedirectUpdated.upcast_v1_v2(updated_state)
    assert updated_state == {"actor": "alice", "changes": {"type": "html_to_clean_url", "from_url": "", "to_url": ""}}
