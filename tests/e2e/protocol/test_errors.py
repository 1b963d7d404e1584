"""Error conventions (seed 004) over real HTTP: every error is JSON, and a failed write changes nothing."""

from __future__ import annotations

import json

import pytest
from e2e_support import assert_error, assert_json, nothing_changes, project_body

PROJECTS = "/api/v3/projects/"
BASE = "/api/v3/projects/test-project"





def test_a_rejected_first_import_writes_nothing(live_server, alice):
    """On a fresh server, a rejected import must not leave anything in the event log."""
    head = live_server.log_head()
    response = live_server.post(PROJECTS, alice, json=project_body("Bad", language="xx"))
    assert_error(response, 422, resource="Project", field="language", code="invalid")
    assert live_server.log_head() == head
    response = live_server.post(PROJECTS, alice, json=project_body("!!!"))
    assert_error(response, 422, resource="Project", field="name", code="invalid")
    assert live_server.log_head() == head
    assert assert_json(live_server.get(PROJECTS, alice), 200)["count"] == 0


def test_bodies_that_are_not_a_json_object(live_server, alice, project):
    with nothing_changes(live_server, alice, project):
        for method, path in (("POST", PROJECTS), ("PATCH", f"{BASE}/"), ("POST", f"{BASE}/builds/"),
                             ("PATCH", f"{BASE}/versions/latest/")):
            for text in ('{"name": ', "{'name': 'x'}", "\xff\xfe", '{"a": 1}}'):
                response = live_server.request(method, path, alice, data=text.encode("latin-1"),
                                               headers={"Content-Type": "application/json"})
                assert assert_json(response, 400) == {"message": "Problems parsing JSON"}, (method, path, text)
            for text in ("[]", '[{"name": "x"}]', '"text"', "42", "null", "true"):
                response = live_server.request(method, path, alice, data=text, headers={"Content-Type": "application/json"})
                assert assert_json(response, 400) == {"message": "Body should be a JSON Hash"}, (method, path, text)


def test_missing_fields(live_server, alice, project):
    with nothing_changes(live_server, alice, project):
        body = assert_error(live_server.post(PROJECTS, alice, json={}), 422)
        assert body["message"] == "Validation Failed"
        assert {(e["resource"], e["field"], e["code"]) for e in body["errors"]} == {
            ("Project", "name", "missing_field"), ("Project", "repository", "missing_field")}
        # No body at all is the same as an empty object.
        body = assert_error(live_server.post(PROJECTS, alice), 422, field="name", code="missing_field")
        response = live_server.post(PROJECTS, alice, json={"name": "Other", "repository": {"type": "git"}})
        assert_error(response, 422, resource="Project", field="repository.url", code="missing_field")
        for error in body["errors"]:
            assert set(error) >= {"resource", "field", "code"}


def test_duplicate_import(live_server, alice, bob, project):
    with nothing_changes(live_server, alice, project):
        for name in ("Test Project", "test-project", "  TEST   project!! "):
            response = live_server.post(PROJECTS, alice, json=project_body(name))
            assert_error(response, 422, resource="Project", field="name", code="already_exists")
        # Slugs are global: another user cannot take it either.
        response = live_server.post(PROJECTS, bob, json=project_body("Test Project"))
        assert_error(response, 422, field="name", code="already_exists")


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"name": 123}, "name"),
        ({"name": ""}, "name"),
        ({"repository": "https://github.com/x/y"}, "repository"),
        ({"repository": {"url": "https://github.com/x/y", "type": "hg"}}, "repository.type"),
        ({"repository": {"url": "has spaces in it"}}, "repository.url"),
        ({"homepage": "not a url"}, "homepage"),
        ({"tags": "docs"}, "tags"),
        ({"single_version": "maybe"}, "single_version"),
        ({"language": "xx"}, "language"),
        ({"programming_language": 7}, "programming_language"),
        ({"privacy_level": "secret"}, "privacy_level"),
    ],
)
def test_wrong_types_and_values(live_server, alice, project, changes, field):
    with nothing_changes(live_server, alice, project):
        response = live_server.post(PROJECTS, alice, json={**project_body("Another"), **changes})
        assert_error(response, 422, resource="Project", field=field, code="invalid")
        response = live_server.patch(f"{BASE}/", alice, json=changes)
        assert_error(response, 422, resource="Project", field=field, code="invalid")


def test_wrong_types_on_versions_and_builds(live_server, alice, project):
    with nothing_changes(live_server, alice, project):
        assert_error(live_server.patch(f"{BASE}/versions/latest/", alice, json={"active": "sure"}), 422,
                     resource="Version", field="active", code="invalid")
        assert_error(live_server.patch(f"{BASE}/versions/latest/", alice, json={"hidden": [1]}), 422,
                     field="hidden", code="invalid")
        assert_error(live_server.post(f"{BASE}/builds/", alice, json={"version": 3}), 422,
                     resource="Build", field="version", code="invalid")


def test_authentication(live_server, alice, project):
    with nothing_changes(live_server, alice, project):
        for headers in ({}, {"Authorization": ""}, {"Authorization": "Token"}, {"Authorization": "Token nope"},
                        {"Authorization": f"Bearer {alice}"}, {"Authorization": f"Token {alice}x"}):
            for method, path in (("GET", PROJECTS), ("GET", f"{BASE}/"), ("GET", f"{BASE}/versions/"),
                                 ("GET", f"{BASE}/builds/"), ("POST", PROJECTS), ("PATCH", f"{BASE}/"),
                                 ("POST", f"{BASE}/versions/latest/builds/")):
                kwargs = {"json": project_body("Intruder")} if method != "GET" else {}
                response = live_server.request(method, path, headers=headers, **kwargs)
                if not headers.get("Authorization") and method == "GET" and path != PROJECTS:
                    assert_json(response, 200)  # a public project reads without a token, as on Read the Docs
                    continue
                assert_error(response, 401)
                assert response.headers.get("WWW-Authenticate", "").startswith("Token"), (headers, method, path)
    # The scheme is case-insensitive, surrounding spaces do not matter.
    assert live_server.get(PROJECTS, headers={"Authorization": f"token   {alice} "}).status_code == 200


def test_another_users_private_project_does_not_exist_for_them(live_server, alice, bob):
    body = project_body("Secret", privacy_level="private")
    assert_json(live_server.post(PROJECTS, alice, json=body), 201)
    build_id = assert_json(live_server.post("/api/v3/projects/secret/builds/", alice), 201)["build"]["id"]
    unknown = assert_error(live_server.get("/api/v3/projects/no-such-project/", bob), 404)

    with nothing_changes(live_server, alice, "secret"):
        base = "/api/v3/projects/secret"
        for path in ("/", "/versions/", "/versions/latest/", "/version/latest/", "/builds/", "/builds/latest/",
                     f"/builds/{build_id}/", "/versions/latest/builds/"):
            response = live_server.get(base + path, bob)
            assert assert_error(response, 404) == unknown, path  # indistinguishable from a project that does not exist
        for method, path, kwargs in (
            ("PATCH", "/", {"json": {"name": "Mine now"}}),
            ("PATCH", "/versions/latest/", {"json": {"hidden": True}}),
            ("POST", "/builds/", {}),
            ("POST", "/versions/latest/builds/", {}),
        ):
            assert assert_error(live_server.request(method, base + path, bob, **kwargs), 404) == unknown, path
        listing = assert_json(live_server.get(f"{PROJECTS}?privacy_level=private", bob), 200)
        assert listing["count"] == 0
    assert assert_json(live_server.get("/api/v3/projects/secret/", alice), 200)["slug"] == "secret"


def test_another_users_public_project_is_read_only_for_them(live_server, alice, bob, project):
    assert assert_json(live_server.get(f"{BASE}/", bob), 200)["slug"] == project
    assert assert_json(live_server.get(f"{BASE}/versions/latest/", bob), 200)["slug"] == "latest"
    with nothing_changes(live_server, alice, project):
        assert_error(live_server.patch(f"{BASE}/", bob, json={"name": "Mine now"}), 403)
        assert_error(live_server.patch(f"{BASE}/versions/latest/", bob, json={"hidden": True}), 403)
        assert_error(live_server.post(f"{BASE}/versions/latest/builds/", bob), 403)
        assert_error(live_server.post(f"{BASE}/builds/", bob, json={"version": "latest"}), 403)
        assert assert_json(live_server.get(PROJECTS, bob), 200)["count"] == 0  # not a maintainer


def test_unknown_things_are_json_404(live_server, alice, project):
    for path in ("/api/v3/projects/nope/", "/api/v3/projects/nope/versions/", "/api/v3/projects/nope/builds/",
                 "/api/v3/projects/nope/versions/latest/", "/api/v3/projects/nope/builds/1/",
                 f"{BASE}/builds/notanumber/", f"{BASE}/versions/nope/builds/", "/api/v3/nothing/", "/", "/favicon.ico"):
        assert_error(live_server.get(path, alice), 404)
    with nothing_changes(live_server, alice, project):
        assert_error(live_server.patch("/api/v3/projects/nope/", alice, json={"name": "x"}), 404)
        assert_error(live_server.post("/api/v3/projects/nope/builds/", alice), 404)
        assert_error(live_server.patch("/api/v3/projects/nope/versions/latest/", alice, json={"hidden": True}), 404)


def test_method_not_allowed_says_what_is(live_server, alice, project):
    for method, path, allowed in (
        ("POST", f"{BASE}/", {"GET", "PATCH", "PUT", "DELETE"}),
        ("PUT", PROJECTS, {"GET", "POST"}),
        ("DELETE", PROJECTS, {"GET", "POST"}),
        ("PATCH", f"{BASE}/builds/", {"GET", "POST"}),
        ("POST", f"{BASE}/versions/", {"GET"}),
        ("POST", "/api/v3/", {"GET"}),
    ):
        with nothing_changes(live_server, alice, project):
            response = live_server.request(method, path, alice, json={"name": "x"})
        assert_error(response, 405)
        allow = {m.strip() for m in response.headers["Allow"].split(",")}
        assert allowed | {"HEAD"} <= allow and method not in allow, (method, path, allow)


def test_head_works_on_get_routes(live_server, alice, project):
    assert_json(live_server.post(f"{BASE}/builds/", alice), 201)
    for path in ("/api/v3/", PROJECTS, f"{BASE}/", f"{BASE}/versions/", f"{BASE}/versions/latest/",
                 f"{BASE}/builds/", f"{BASE}/builds/latest/", f"{BASE}/versions/latest/builds/"):
        get = live_server.get(path, alice)
        head = live_server.request("HEAD", path, alice)
        assert head.status_code == get.status_code == 200, path
        assert head.content == b""
        assert head.headers["Content-Type"] == get.headers["Content-Type"] == "application/json"
        assert head.headers["Content-Length"] == get.headers["Content-Length"]
    assert live_server.request("HEAD", PROJECTS).status_code == 401
    assert live_server.request("HEAD", "/api/v3/projects/nope/", alice).status_code == 404


def test_body_over_one_mebibyte(live_server, alice, project):
    limit = live_server.docsplane.settings.max_body_bytes
    assert limit == 1024 * 1024

    def body_of_size(size: int, **fields) -> bytes:
        data = json.dumps({**fields, "pad": ""}).encode()
        return json.dumps({**fields, "pad": "x" * (size - len(data))}).encode()

    with nothing_changes(live_server, alice, project):
        for method, path in (("POST", PROJECTS), ("PATCH", f"{BASE}/"), ("POST", f"{BASE}/builds/")):
            data = body_of_size(limit + 1, version="latest", name="Too Big")
            assert len(data) == limit + 1
            response = live_server.request(method, path, alice, data=data, headers={"Content-Type": "application/json"})
            assert_error(response, 413)
    # Exactly at the limit is fine.
    data = body_of_size(limit, version="latest")
    assert len(data) == limit
    assert assert_json(live_server.post(f"{BASE}/builds/", alice, data=data), 201)["build"]["version"] == "latest"


def test_errors_are_never_html(live_server, alice, project):
    """A sweep of odd requests: no 500, and every error answer is a JSON object with a message."""
    odd = [
        ("GET", "/api/v3/projects/%ff/"),
        ("GET", "/api/v3/projects/test-project/builds/99999999999999999999/"),
        ("GET", "/api/v3/projects/?limit=abc"),
        ("GET", "/api/v3/projects/?offset=99999999999999999999"),
        ("GET", "/api/v3/projects/?limit=99999999999999999999"),
        ("GET", "/api/v3/projects/test-project/builds/?offset=99999999999999999999"),
        ("GET", "/api/v3/projects/test-project/versions/?active=perhaps"),
        ("GET", "/api/v3/projects/test-project/builds/?running=perhaps"),
        ("OPTIONS", "/api/v3/projects/"),
        ("TRACE", "/api/v3/projects/"),
        ("POST", "/api/v3/projects/test-project/versions/latest/"),
        ("GET", "/api/v3/projects/" + "a" * 5000 + "/"),
    ]
    failures = []
    for method, path in odd:
        response = live_server.request(method, path, alice)
        is_json = response.headers.get("Content-Type", "").startswith("application/json")
        if response.status_code >= 500 or (response.status_code >= 400 and not (is_json and "message" in response.json())):
            failures.append((method, path, response.status_code, response.headers.get("Content-Type"), response.text[:100]))
        assert "<html" not in response.text.lower(), (method, path)
    assert not failures


def test_options_lists_the_allowed_methods_as_json(live_server, alice, project):
    response = live_server.request("OPTIONS", "/api/v3/projects/test-project/", alice)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json() == {"methods": ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "PUT"]}
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == {"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "PUT"}


def test_builds_of_a_private_version_are_hidden_from_outsiders(live_server, alice, bob, project):
    """A private version is 404 to non-maintainers, and so are its builds, in every builds route."""
    build_id = assert_json(live_server.post(f"{BASE}/versions/latest/builds/", alice), 201)["build"]["id"]
    assert live_server.patch(f"{BASE}/versions/latest/", alice, json={"privacy_level": "private"}).status_code == 204

    assert assert_json(live_server.get(f"{BASE}/builds/", bob), 200)["count"] == 0
    assert_error(live_server.get(f"{BASE}/builds/{build_id}/", bob), 404)
    assert_error(live_server.get(f"{BASE}/builds/latest/", bob), 404)
    assert_error(live_server.get(f"{BASE}/versions/latest/builds/", bob), 404)
    assert assert_json(live_server.get(f"{BASE}/versions/", bob), 200)["count"] == 0

    assert assert_json(live_server.get(f"{BASE}/builds/", alice), 200)["count"] == 1
    assert assert_json(live_server.get(f"{BASE}/builds/{build_id}/", alice), 200)["id"] == build_id
    assert assert_json(live_server.get(f"{BASE}/builds/latest/", alice), 200)["id"] == build_id
