"""Redirect rules as Read the Docs applies them (docshost/redirects.py): matching, targets, order, loops."""

from docshost.redirects import Request, find, ordered


def at(filename: str, lang: str = "en", version: str = "latest") -> Request:
    root = f"/{lang}/{version}/"
    return Request(filename, root.rstrip("/") + filename if filename else filename, lambda f: root + f.lstrip("/"), "/en/stable/")


def rule(type_: str, from_url: str = "", to_url: str = "", **fields) -> dict:
    fields.setdefault("id", 1)
    return {"type": type_, "from_url": from_url, "to_url": to_url, **fields}


def target(rows, request, forced_only=False):
    found = find(ordered(rows), request, forced_only)
    return found and (found[1], found[0].http_status)


def test_a_page_redirect_applies_in_every_version_and_language():
    rows = [rule("page", "/old.html", "/new.html")]
    assert target(rows, at("/old.html")) == ("/en/latest/new.html", 302)
    assert target(rows, at("/old.html", "es", "v2")) == ("/es/v2/new.html", 302)
    assert target(rows, at("/other.html")) is None


def test_page_redirects_match_with_or_without_a_trailing_slash_and_may_leave_the_site():
    rows = [rule("page", "/guide/", "https://example.com/guide")]
    assert target(rows, at("/guide")) == ("https://example.com/guide", 302)
    assert target(rows, at("/guide/")) == ("https://example.com/guide", 302)


def test_a_page_wildcard_carries_the_rest_into_splat():
    rows = [rule("page", "/api/*", "/reference/:splat")]
    assert target(rows, at("/api/module/x.html")) == ("/en/latest/reference/module/x.html", 302)


def test_an_exact_redirect_matches_the_whole_path_only():
    rows = [rule("exact", "/en/latest/install.html", "/en/latest/installing.html", http_status=301)]
    assert target(rows, at("/install.html")) == ("/en/latest/installing.html", 301)
    assert target(rows, at("/install.html", version="stable")) is None


def test_the_exact_wildcards_old_and_new():
    assert target([rule("exact", "/en/v1/$rest", "/en/v2/")], at("/a/b.html", version="v1")) == ("/en/v2/a/b.html", 302)
    assert target([rule("exact", "/en/v1/*", "/en/v2/:splat")], at("/a/b.html", version="v1")) == ("/en/v2/a/b.html", 302)


def test_an_exact_redirect_applies_to_paths_that_name_no_version():
    rows = [rule("exact", "/docs/*", "/en/latest/:splat")]
    request = Request("", "/docs/setup.html", lambda f: f, "/en/stable/")
    assert target(rows, request) == ("/en/latest/setup.html", 302)


def test_clean_urls_to_html_and_back():
    to_html, to_clean = [rule("clean_url_to_html")], [rule("html_to_clean_url")]
    assert target(to_html, at("/guide/")) == ("/en/latest/guide.html", 302)
    assert target(to_html, at("/guide/index.html")) == ("/en/latest/guide.html", 302)
    assert target(to_html, at("/guide.html")) is None
    assert target(to_clean, at("/guide.html")) == ("/en/latest/guide/", 302)
    assert target(to_clean, at("/guide/index.html")) is None
    for root in ("/", "/index.html"):  # the root has no other name
        assert target(to_html, at(root)) is None and target(to_clean, at(root)) is None


def test_the_older_sphinx_names_are_the_same_types():
    assert target([rule("sphinx_html")], at("/guide/")) == ("/en/latest/guide.html", 302)
    assert target([rule("sphinx_htmldir")], at("/guide.html")) == ("/en/latest/guide/", 302)


def test_the_first_rule_by_position_decides_and_disabled_rules_are_ignored():
    rows = [
        rule("page", "/a.html", "/third.html", id=1, position=2),
        rule("page", "/a.html", "/disabled.html", id=2, position=0, enabled=False),
        rule("page", "/a.html", "/first.html", id=3, position=1),
    ]
    assert target(rows, at("/a.html")) == ("/en/latest/first.html", 302)


def test_without_positions_the_older_rule_comes_first():
    rows = [rule("page", "/a.html", "/newer.html", id=7), rule("page", "/a.html", "/older.html", id=3)]
    assert target(rows, at("/a.html")) == ("/en/latest/older.html", 302)


def test_only_forced_rules_apply_before_an_existing_page():
    rows = [rule("page", "/a.html", "/b.html", id=1), rule("page", "/c.html", "/d.html", id=2, force=True)]
    assert target(rows, at("/a.html"), forced_only=True) is None
    assert target(rows, at("/c.html"), forced_only=True) == ("/en/latest/d.html", 302)


def test_no_loops():
    assert target([rule("page", "/a.html", "/a.html")], at("/a.html")) is None
    assert target([rule("exact", "/en/latest/dir/*", "/en/latest/dir/sub/:splat")], at("/dir/sub/x.html")) is None
    assert target([rule("exact", "/en/latest/dir/*", "/en/latest/dir/sub/:splat")], at("/dir/x.html")) == (
        "/en/latest/dir/sub/x.html", 302)


def test_an_unknown_status_falls_back_to_302():
    assert target([rule("page", "/a.html", "/b.html", http_status=307)], at("/a.html")) == ("/en/latest/b.html", 302)


def test_the_retired_prefix_type_sends_the_rest_to_the_default_version():
    request = Request("", "/old-site/install.html", lambda f: f, "/en/stable/")
    assert target([rule("prefix", "/old-site/")], request) == ("/en/stable/install.html", 302)
