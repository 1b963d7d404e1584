"""Redirect decisions: the per-type URL rules (seed 002), replacement (PUT), deletion."""

from uuid import uuid4

import pytest

from domain.errors import ValidationFailed
from domain.ids import redirect_id
from domain.redirect import URL_MAX, Redirect

PROJECT_ID = uuid4()


def created(type="page", from_url="/docs/", to_url="/documentation/") -> Redirect:
    redirect = Redirect.create(
        project_id=PROJECT_ID, project_slug="pip", number=4, type=type, from_url=from_url, to_url=to_url, actor="alice",
    )
    redirect.collect_events()
    return redirect


def test_create_records_redirect_created_with_an_id_derived_from_project_and_number():
    redirect = Redirect.create(
        project_id=PROJECT_ID, project_slug="pip", number=4, type="page", from_url="/docs/",
        to_url="/documentation/", actor="alice",
    )
    [event] = redirect.collect_events()
    assert type(event).__name__ == "RedirectCreated"
    assert (event.actor, event.number, event.project_slug) == ("alice", 4, "pip")
    assert (event.type, event.from_url, event.to_url) == ("page", "/docs/", "/documentation/")
    assert event.timestamp is not None
    assert redirect.id == redirect_id(PROJECT_ID, 4)
    assert redirect.id != redirect_id(uuid4(), 4)  # the same number in another project is another redirect


@pytest.mark.parametrize(
    ("type", "from_url", "to_url"),
    [
        ("prefix", "/old/", ""),
        ("prefix", "/old/", "/ignored/"),
        ("page", "/a.html", "/b.html"),
        ("exact", "/dev/install.html", "https://example.com/install/"),
        ("sphinx_html", "", ""),
        ("sphinx_htmldir", "", ""),
        ("sphinx_htmldir", "/x/", "/y/"),
    ],
)
def test_each_type_accepts_what_it_needs(type, from_url, to_url):
    redirect = created(type, from_url, to_url)
    assert (redirect.type, redirect.from_url, redirect.to_url) == (type, from_url, to_url)


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
    with pytest.raises(ValidationFailed) as raised:
        created(type, from_url, to_url)
    assert (raised.value.resource, raised.value.field, raised.value.code) == ("Redirect", field, "missing_field")


@pytest.mark.parametrize(
    ("type", "from_url", "to_url", "field"),
    [
        ("html_to_clean_url", "/a/", "/b/", "type"),
        ("", "/a/", "/b/", "type"),
        ("page", "/a b/", "/b/", "from_url"),
        ("page", "/a/\n", "/b/", "from_url"),
        ("page", "/a/", "/b/\x00", "to_url"),
        ("page", "/" + "a" * URL_MAX, "/b/", "from_url"),
    ],
)
def test_bad_values_are_invalid(type, from_url, to_url, field):
    with pytest.raises(ValidationFailed) as raised:
        created(type, from_url, to_url)
    assert (raised.value.field, raised.value.code) == (field, "invalid")


@pytest.mark.parametrize("url", [
    "../../etc/passwd", "docs/", "/../etc/passwd", "/a/../../b/", "/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E/",
    "/%252e%252e/x", "//evil.com/", "/%2fevil.com/", "/\\evil.com/", "/a\\..\\b", "javascript:alert(1)",
    "https://evil.com/", "/a/%0d%0aSet-Cookie:%20x=1",
])
def test_from_url_stays_within_the_projects_documentation(url):
    with pytest.raises(ValidationFailed) as raised:
        created("page", url, "/b/")
    assert (raised.value.field, raised.value.code) == ("from_url", "invalid")
    assert "within the project's documentation" in raised.value.message


@pytest.mark.parametrize("url", [
    "../../etc/passwd", "/%2e%2e/", "//evil.com/", "/\\evil.com", "javascript:alert(document.cookie)",
    "JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:x", "ftp://example.com/",
    "https:evil.com", "https:\\\\evil.com", "http://", "/a/%0aLocation:%20https://evil.com",
])
def test_to_url_is_a_documentation_path_or_a_web_url(url):
    with pytest.raises(ValidationFailed) as raised:
        created("exact", "/a/", url)
    assert (raised.value.field, raised.value.code) == ("to_url", "invalid")


@pytest.mark.parametrize("url", ["/a/b..c/", "/my%20page.html", "/x/?next=..", "/$rest", "/",
                                 "https://other.example/docs/", "HTTP://EXAMPLE.COM"])
def test_ordinary_paths_and_web_urls_are_fine(url):
    assert created("exact", "/from/", url).to_url == url


def test_replace_records_the_whole_new_redirect():
    redirect = created()
    assert redirect.replace("bob", "prefix", "/old/", "") is True
    [event] = redirect.collect_events()
    assert type(event).__name__ == "RedirectUpdated"
    assert (event.actor, event.type, event.from_url, event.to_url) == ("bob", "prefix", "/old/", "")
    assert (redirect.type, redirect.from_url, redirect.to_url) == ("prefix", "/old/", "")


def test_replace_with_the_same_redirect_records_nothing():
    redirect = created()
    assert redirect.replace("bob", "page", "/docs/", "/documentation/") is False
    assert redirect.collect_events() == []


def test_replace_obeys_the_same_rules_and_changes_nothing_when_refused():
    redirect = created()
    with pytest.raises(ValidationFailed) as raised:
        redirect.replace("bob", "exact", "/docs/", "")
    assert (raised.value.field, raised.value.code) == ("to_url", "missing_field")
    assert redirect.collect_events() == []
    assert (redirect.type, redirect.to_url) == ("page", "/documentation/")


def test_delete_records_redirect_deleted():
    redirect = created()
    redirect.delete("bob")
    [event] = redirect.collect_events()
    assert (type(event).__name__, event.actor) == ("RedirectDeleted", "bob")
    assert redirect.deleted is True
