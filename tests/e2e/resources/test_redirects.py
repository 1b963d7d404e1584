"""Redirects over real HTTP (seed 002, "Redirects", with Read the Docs' current fields and types):
every route, the per-type rules, PUT and PATCH, positions, and who may see and change them."""

from __future__ import annotations

import pytest
from e2e_support import assert_error, assert_json, project_body

BASE = "/api/v3/projects/test-project/redirects/"
FIELDS = {"pk", "created", "modified", "project", "from_url", "to_url", "type", "force", "enabled", "description",
          "http_status", "position", "_links"}
SEED_BODY = {"from_url": "/docs/", "to_url": "/documentation/", "type": "page"}





@pytest.fixture
def redirect(live_server, alice, project) -> dict:
    return assert_json(live_server.post(BASE, alice, json=SEED_BODY), 201)


def put(live, path, token, body):
    return live.request("PUT", path, token, json=body)


def test_create_answers_the_seed_redirect_and_is_readable_at_once(live_server, alice, project):
    response = live_server.post(BASE, alice, json=SEED_BODY)
    created = assert_json(response, 201)
    self_url = f"{live_server.url}{BASE}{created['pk']}/"
    assert response.headers["Location"] == self_url
    assert set(created) == FIELDS
    assert isinstance(created["pk"], int)
    assert (created["project"], created["from_url"], created["to_url"], created["type"]) == (
        "test-project", "/docs", "/documentation/", "page",  # from_url normalised as Read the Docs does
    )
    assert (created["http_status"], created["enabled"], created["force"], created["description"], created["position"]) == (
        302, True, False, "", 0)
    assert created["_links"] == {"_self": self_url, "project": f"{live_server.url}/api/v3/projects/test-project/"}
    assert created["created"] == created["modified"] and created["created"].endswith("Z")

    assert assert_json(live_server.get(self_url, alice), 200) == created
    listing = assert_json(live_server.get(BASE, alice), 200)
    assert listing == {"count": 1, "next": None, "previous": None, "results": [created]}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"type": "prefix", "from_url": "/old/"}, ("prefix", "/old", None)),
        ({"type": "exact", "from_url": "/dev/a.html", "to_url": "https://example.com/a/"}, ("exact", "/dev/a.html", "https://example.com/a/")),
        ({"type": "exact", "from_url": "/dev/*", "to_url": "/:splat"}, ("exact", "/dev/*", "/:splat")),
        ({"type": "clean_url_to_html"}, ("clean_url_to_html", None, None)),
        ({"type": "html_to_clean_url", "from_url": "/a/", "to_url": "/b/"}, ("html_to_clean_url", None, None)),
        ({"type": "sphinx_html"}, ("clean_url_to_html", None, None)),  # seed 002's names, answered as renamed
        ({"type": "sphinx_htmldir", "from_url": None, "to_url": None}, ("html_to_clean_url", None, None)),
    ],
)
def test_each_type_needs_only_its_urls(live_server, alice, project, body, expected):
    created = assert_json(live_server.post(BASE, alice, json=body), 201)
    assert (created["type"], created["from_url"], created["to_url"]) == expected


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"from_url": "/a/", "to_url": "/b/"}, "type", "missing_field"),
        ({"type": "sphinx", "from_url": "/a/", "to_url": "/b/"}, "type", "invalid"),
        ({"type": "page", "from_url": "/a/$rest", "to_url": "/b/"}, "from_url", "invalid"),
        ({"type": "page", "from_url": "/a/", "to_url": "/b/", "http_status": 307}, "http_status", "invalid"),
        ({"type": "page", "from_url": "/a/", "to_url": "/b/", "http_status": "301"}, "http_status", "invalid"),
        ({"type": "page", "from_url": "/a/", "to_url": "/b/", "position": -1}, "position", "invalid"),
        ({"type": "page", "from_url": "/a/", "to_url": "/b/", "enabled": "maybe"}, "enabled", "invalid"),
        ({"type": 3, "from_url": "/a/"}, "type", "invalid"),
        ({"type": "prefix"}, "from_url", "missing_field"),
        ({"type": "prefix", "from_url": "", "to_url": "/b/"}, "from_url", "missing_field"),
        ({"type": "page", "to_url": "/b/"}, "from_url", "missing_field"),
        ({"type": "page", "from_url": "/a/"}, "to_url", "missing_field"),
        ({"type": "exact", "to_url": "/b/"}, "from_url", "missing_field"),
        ({"type": "exact", "from_url": "/a/", "to_url": ""}, "to_url", "missing_field"),
        ({"type": "page", "from_url": "/a b/", "to_url": "/b/"}, "from_url", "invalid"),
        ({"type": "page", "from_url": "/a/", "to_url": ["/b/"]}, "to_url", "invalid"),
        ({"type": "page", "from_url": "/" + "a" * 300, "to_url": "/b/"}, "from_url", "invalid"),
    ],
)
def test_invalid_redirects_are_422_and_change_nothing(live_server, alice, project, body, field, code):
    before = live_server.log_head()
    assert_error(live_server.post(BASE, alice, json=body), 422, resource="Redirect", field=field, code=code)
    assert live_server.log_head() == before
    assert assert_json(live_server.get(BASE, alice), 200)["count"] == 0


def test_put_changes_the_given_fields_and_keeps_the_others(live_server, alice, redirect):
    """As Read the Docs: `type` is required, a field left out keeps its value."""
    path = f"{BASE}{redirect['pk']}/"
    changed = assert_json(put(live_server, path, alice, {"type": "exact", "http_status": 301, "description": "moved"}), 200)
    assert (changed["type"], changed["from_url"], changed["to_url"], changed["http_status"], changed["description"]) == (
        "exact", "/docs", "/documentation/", 301, "moved")
    assert (changed["pk"], changed["created"]) == (redirect["pk"], redirect["created"])
    assert changed["modified"] >= redirect["modified"]
    assert assert_json(live_server.get(path, alice), 200) == changed

    # the seed's update body
    seed = {"from_url": "/docs/", "to_url": "/documentation.html", "type": "page"}
    assert assert_json(put(live_server, path, alice, seed), 200)["to_url"] == "/documentation.html"
    before = live_server.log_head()
    assert assert_json(put(live_server, path, alice, seed), 200)["to_url"] == "/documentation.html"
    assert live_server.log_head() == before  # the same redirect again records nothing


def test_patch_changes_only_what_it_names(live_server, alice, redirect):
    path = f"{BASE}{redirect['pk']}/"
    changed = assert_json(live_server.patch(path, alice, json={"enabled": False, "force": True}), 200)
    unchanged = ("modified", "enabled", "force")
    assert {k: v for k, v in changed.items() if k not in unchanged} == {k: v for k, v in redirect.items() if k not in unchanged}
    assert (changed["enabled"], changed["force"]) == (False, True)
    assert assert_json(live_server.get(path, alice), 200) == changed
    assert_error(live_server.patch(path, alice, json={"type": "exact", "to_url": ""}), 422, resource="Redirect", field="to_url", code="missing_field")
    assert_error(live_server.patch(path, alice, json={"position": "first"}), 422, resource="Redirect", field="position", code="invalid")


def test_position_orders_the_list_and_shifts_the_others(live_server, alice, project):
    def create(name, **fields):
        return assert_json(live_server.post(BASE, alice, json={"type": "page", "from_url": f"/{name}/", "to_url": "/x/", **fields}), 201)["pk"]

    def order():
        return [(r["pk"], r["position"]) for r in assert_json(live_server.get(BASE, alice), 200)["results"]]

    a = create("a")
    b = create("b")  # position 0 by default, as on Read the Docs: a moves down
    c = create("c", position=1)
    assert order() == [(b, 0), (c, 1), (a, 2)]
    assert assert_json(live_server.patch(f"{BASE}{b}/", alice, json={"position": 2}), 200)["position"] == 2
    assert order() == [(c, 0), (a, 1), (b, 2)]
    assert live_server.request("DELETE", f"{BASE}{c}/", alice).status_code == 204
    assert order() == [(a, 0), (b, 1)]


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [({"from_url": "/a/", "to_url": "/b/"}, "type", "missing_field"), ({"type": "page", "to_url": None}, "to_url", "missing_field"),
     ({"type": "bogus"}, "type", "invalid")],
)
def test_put_obeys_the_same_rules(live_server, alice, redirect, body, field, code):
    path = f"{BASE}{redirect['pk']}/"
    before = live_server.log_head()
    assert_error(put(live_server, path, alice, body), 422, resource="Redirect", field=field, code=code)
    assert live_server.log_head() == before
    assert assert_json(live_server.get(path, alice), 200) == redirect


def test_delete(live_server, alice, redirect):
    path = f"{BASE}{redirect['pk']}/"
    response = live_server.request("DELETE", path, alice)
    assert response.status_code == 204 and response.content == b""
    assert_error(live_server.get(path, alice), 404)
    assert assert_json(live_server.get(BASE, alice), 200)["count"] == 0
    assert_error(live_server.request("DELETE", path, alice), 404)
    assert_error(put(live_server, path, alice, SEED_BODY), 404)


def test_unknown_redirects_are_404(live_server, alice, redirect):
    assert_json(live_server.post("/api/v3/projects/", alice, json=project_body("Other")), 201)
    elsewhere = f"/api/v3/projects/other/redirects/{redirect['pk']}/"  # a redirect lives under its own project
    for path in (elsewhere, f"{BASE}999999/", f"{BASE}notanumber/", f"{BASE}99999999999999999999/",
                 "/api/v3/projects/nope/redirects/", f"/api/v3/projects/nope/redirects/{redirect['pk']}/"):
        assert_error(live_server.get(path, alice), 404)
    assert_error(put(live_server, elsewhere, alice, SEED_BODY), 404)
    assert_error(live_server.request("DELETE", elsewhere, alice), 404)
    assert_error(live_server.post("/api/v3/projects/nope/redirects/", alice, json=SEED_BODY), 404)


def test_pagination(live_server, alice, project):
    pks = [assert_json(live_server.post(BASE, alice, json={"type": "prefix", "from_url": f"/{i}/"}), 201)["pk"] for i in range(3)]
    pks.reverse()  # each new one went to position 0
    page = assert_json(live_server.get(f"{BASE}?limit=2", alice), 200)
    assert page["count"] == 3 and [r["pk"] for r in page["results"]] == pks[:2]
    assert page["next"] == f"{live_server.url}{BASE}?limit=2&offset=2" and page["previous"] is None
    last = assert_json(live_server.get(page["next"], alice), 200)
    assert [r["pk"] for r in last["results"]] == pks[2:] and last["next"] is None


def test_only_maintainers_see_or_change_redirects_of_a_public_project(live_server, alice, bob, redirect):
    path = f"{BASE}{redirect['pk']}/"
    before = live_server.log_head()
    assert_error(live_server.get(BASE, bob), 403)
    assert_error(live_server.get(path, bob), 403)
    assert_error(live_server.post(BASE, bob, json=SEED_BODY), 403)
    assert_error(put(live_server, path, bob, {"type": "prefix", "from_url": "/mine/"}), 403)
    assert_error(live_server.request("DELETE", path, bob), 403)
    assert live_server.log_head() == before
    assert assert_json(live_server.get(path, alice), 200) == redirect


def test_redirects_of_a_private_project_do_not_exist_for_others(live_server, alice, bob):
    assert_json(live_server.post("/api/v3/projects/", alice, json=project_body("Secret", privacy_level="private")), 201)
    base = "/api/v3/projects/secret/redirects/"
    pk = assert_json(live_server.post(base, alice, json=SEED_BODY), 201)["pk"]
    before = live_server.log_head()
    assert_error(live_server.get(base, bob), 404)
    assert_error(live_server.get(f"{base}{pk}/", bob), 404)
    assert_error(live_server.post(base, bob, json=SEED_BODY), 404)
    assert_error(put(live_server, f"{base}{pk}/", bob, SEED_BODY), 404)
    assert_error(live_server.request("DELETE", f"{base}{pk}/", bob), 404)
    assert live_server.log_head() == before


def test_authentication_and_methods(live_server, alice, redirect):
    path = f"{BASE}{redirect['pk']}/"
    assert_error(live_server.get(BASE), 401)
    assert_error(live_server.get(path), 401)
    assert_error(live_server.post(BASE, json=SEED_BODY), 401)
    assert_error(live_server.patch(path, json={"type": "prefix"}), 401)
    response = live_server.patch(BASE, alice, json={"type": "prefix"})
    assert_error(response, 405)
    assert {"GET", "POST"} <= {m.strip() for m in response.headers["Allow"].split(",")}
    assert_error(live_server.request("PUT", BASE, alice, json=SEED_BODY), 405)
    assert_error(live_server.post(BASE, alice, data="{not json", headers={"Content-Type": "application/json"}), 400)


def test_if_match_guards_put_and_delete(live_server, alice, redirect):
    path = f"{BASE}{redirect['pk']}/"
    etag = live_server.get(path, alice).headers["ETag"]
    assert etag.startswith('"1-')  # the redirect's aggregate version leads its tag
    changed = assert_json(put(live_server, path, alice, {"type": "prefix", "from_url": "/x/"}), 200)
    before = live_server.log_head()
    stale = {"If-Match": etag}
    assert_error(live_server.request("PUT", path, alice, json=SEED_BODY, headers=stale), 412)
    assert_error(live_server.request("DELETE", path, alice, headers=stale), 412)
    assert live_server.log_head() == before
    assert assert_json(live_server.get(path, alice), 200) == changed

    current = {"If-Match": live_server.get(path, alice).headers["ETag"]}
    assert current["If-Match"].startswith('"2-')
    assert assert_json(live_server.request("PUT", path, alice, json=SEED_BODY, headers=current), 200)["type"] == "page"
    assert_error(live_server.request("DELETE", path, alice, headers=current), 412)  # the PUT moved it on
    current = {"If-Match": live_server.get(path, alice).headers["ETag"]}
    assert live_server.request("DELETE", path, alice, headers=current).status_code == 204


def test_one_redirect_of_each_clean_url_type_per_project(live_server, alice, project):
    first = assert_json(live_server.post(BASE, alice, json={"type": "clean_url_to_html"}), 201)
    before = live_server.log_head()
    assert_error(live_server.post(BASE, alice, json={"type": "sphinx_html"}), 422, resource="Redirect", field="type", code="already_exists")
    assert live_server.log_head() == before
    assert_json(live_server.post(BASE, alice, json={"type": "html_to_clean_url"}), 201)
    assert live_server.request("DELETE", f"{BASE}{first['pk']}/", alice).status_code == 204
    assert_json(live_server.post(BASE, alice, json={"type": "clean_url_to_html"}), 201)
