"""HTTP conventions over real HTTP: a User-Agent is required, Accept picks the payload version
(seed 003), and ETags make reads conditional (304) and writes safe against lost updates (412)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from e2e_support import assert_error, assert_json, nothing_changes

from urllib3.util import SKIP_HEADER

from commands.handling.loading import load_project, load_version

PROJECTS = "/api/v3/projects/"
BASE = "/api/v3/projects/test-project"
VENDOR_V3 = "application/vnd.docsplane.v3+json"




def aggregate_versions(live, slug: str) -> tuple[int, int]:
    """The write side's versions of the project and of its `latest` version."""
    project = load_project(live.docsplane.app, slug)
    return project.version, load_version(live.docsplane.app, project, "latest").version


# -- User-Agent --------------------------------------------------------------------------------
@pytest.mark.parametrize("user_agent", [SKIP_HEADER, ""], ids=["absent", "empty"])
def test_a_request_without_a_user_agent_is_400_before_authentication(live_server, alice, project, user_agent):
    with nothing_changes(live_server, alice, project):
        for method, path, token in (("GET", f"{BASE}/", alice), ("GET", PROJECTS, None), ("GET", "/api/v3/", None),
                                    ("PATCH", f"{BASE}/", alice), ("GET", "/api/v3/nowhere/", None)):
            response = live_server.request(method, path, token, headers={"User-Agent": user_agent}, json={"name": "x"})
            body = assert_error(response, 400)
            assert "User-Agent" in body["message"] and "MyClient/1.0.0" in body["message"], body


def test_any_user_agent_will_do(live_server, alice, project):
    for user_agent in ("MyClient/1.0.0", "curl/8.5.0", "Travis/1.6.8 (Mac OS X 10.9.2 like Darwin; Ruby 2.1.1)"):
        assert_json(live_server.get(f"{BASE}/", alice, headers={"User-Agent": user_agent}), 200)


# -- Accept ------------------------------------------------------------------------------------
@pytest.mark.parametrize("accept, content_type", [
    (None, "application/json"),
    ("*/*", "application/json"),
    ("application/json", "application/json"),
    ("application/*", "application/json"),
    (VENDOR_V3, VENDOR_V3),
    ("application/vnd.docsplane+json", "application/vnd.docsplane+json"),
    (f"application/vnd.docsplane.v2+json, {VENDOR_V3}", VENDOR_V3),
    (f"{VENDOR_V3};q=0, application/json", "application/json"),
])
def test_accepted_media_types(live_server, alice, project, accept, content_type):
    plain = assert_json(live_server.get(f"{BASE}/", alice), 200)
    response = live_server.get(f"{BASE}/", alice, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == content_type
    assert response.json() == plain
    # Writes and errors are answered in the negotiated type too.
    patch = live_server.patch(f"{BASE}/", alice, json={"homepage": "https://example.com/"}, headers={"Accept": accept})
    assert patch.status_code == 204
    error = live_server.get(f"{BASE}/versions/nope/", alice, headers={"Accept": accept})
    assert error.status_code == 404 and error.headers["Content-Type"] == content_type and error.json()["message"]


@pytest.mark.parametrize("accept", [
    "application/vnd.docsplane.v2+json",
    "application/vnd.docsplane.v4+json",
    "application/vnd.docsplane.vX+json",
    "application/vnd.docsplane.v2+json, */*",  # naming a version means that payload shape, or none
])
def test_other_payload_versions_are_406_naming_the_supported_ones(live_server, alice, project, accept):
    with nothing_changes(live_server, alice, project):
        for method in ("GET", "PATCH"):
            response = live_server.request(method, f"{BASE}/", alice, headers={"Accept": accept}, json={"name": "x"})
            body = assert_error(response, 406)
            assert VENDOR_V3 in body["message"] and "application/json" in body["message"], body


@pytest.mark.parametrize("accept", ["application/xml", "image/png", "text/plain", "application/json;q=0"])
def test_nothing_acceptable_is_406(live_server, alice, project, accept):
    body = assert_error(live_server.get(f"{BASE}/", alice, headers={"Accept": accept}), 406)
    assert VENDOR_V3 in body["message"]


def test_browsers_asking_for_html_are_not_refused(live_server, alice, project):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert live_server.get(f"{BASE}/", alice, headers={"Accept": accept}).status_code == 200


# -- ETag and If-None-Match --------------------------------------------------------------------
def test_reads_carry_an_etag_and_answer_304_when_it_still_matches(live_server, alice, project):
    for path in (f"{BASE}/", f"{BASE}/versions/latest/", f"{BASE}/version/latest/", PROJECTS, f"{BASE}/versions/", "/api/v3/"):
        response = live_server.get(path, alice)
        etag = response.headers["ETag"]
        assert etag.startswith('"') and etag.endswith('"'), etag
        for method in ("GET", "HEAD"):
            again = live_server.request(method, path, alice, headers={"If-None-Match": etag})
            assert again.status_code == 304, (path, method, again.status_code)
            assert again.content == b"" and again.headers["ETag"] == etag
        for other in ('"0-0"', 'W/"0-0"'):
            assert live_server.get(path, alice, headers={"If-None-Match": other}).status_code == 200
        assert live_server.get(path, alice, headers={"If-None-Match": f'"0-0", W/{etag}'}).status_code == 304
        assert live_server.get(path, alice, headers={"If-None-Match": "*"}).status_code == 304


def test_a_detail_etag_names_the_aggregate_version_and_follows_nested_data(live_server, alice, project):
    project_tag = live_server.get(f"{BASE}/", alice).headers["ETag"]
    version_tag = live_server.get(f"{BASE}/versions/latest/", alice).headers["ETag"]
    assert (project_tag.split("-")[0], version_tag.split("-")[0]) == tuple(f'"{v}' for v in aggregate_versions(live_server, project))

    # A change of the version changes both tags: the project's lists its active versions.
    assert live_server.patch(f"{BASE}/versions/latest/", alice, json={"hidden": True}).status_code == 204
    new_project_tag = live_server.get(f"{BASE}/", alice).headers["ETag"]
    new_version_tag = live_server.get(f"{BASE}/versions/latest/", alice).headers["ETag"]
    assert new_project_tag != project_tag and new_project_tag.split("-")[0] == project_tag.split("-")[0]
    assert new_version_tag != version_tag
    assert new_version_tag.split("-")[0] == f'"{aggregate_versions(live_server, project)[1]}'
    assert live_server.get(f"{BASE}/", alice, headers={"If-None-Match": project_tag}).status_code == 200

    # A build changes the version's row (last build), not the version aggregate.
    assert_json(live_server.post(f"{BASE}/versions/latest/builds/", alice), 201)
    built_tag = live_server.get(f"{BASE}/versions/latest/", alice).headers["ETag"]
    assert built_tag != new_version_tag and built_tag.split("-")[0] == new_version_tag.split("-")[0]


# -- If-Match ----------------------------------------------------------------------------------
# A resource and a change of it (each different from the state before it).
WRITES = [
    (f"{BASE}/", {"homepage": "https://example.com/"}),
    (f"{BASE}/versions/latest/", {"hidden": True}),
]
SECOND_WRITES = {f"{BASE}/": {"homepage": "https://other.example.com/"}, f"{BASE}/versions/latest/": {"privacy_level": "private"}}


@pytest.mark.parametrize("path, change", WRITES)
def test_a_write_with_the_current_etag_succeeds_and_moves_the_etag(live_server, alice, project, path, change):
    etag = live_server.get(path, alice).headers["ETag"]
    assert live_server.patch(path, alice, json=change, headers={"If-Match": etag}).status_code == 204
    assert live_server.get(path, alice).headers["ETag"] != etag
    assert live_server.patch(path, alice, json=change, headers={"If-Match": "*"}).status_code == 204


@pytest.mark.parametrize("path, change", WRITES)
def test_a_write_with_a_stale_etag_is_412_and_changes_nothing(live_server, alice, project, path, change):
    stale = live_server.get(path, alice).headers["ETag"]
    assert live_server.patch(f"{BASE}/", alice, json={"name": "Renamed"}).status_code == 204
    assert live_server.patch(f"{BASE}/versions/latest/", alice, json={"privacy_level": "private"}).status_code == 204
    with nothing_changes(live_server, alice, project):
        for if_match in (stale, f"W/{stale}", '"1-0000000000000000"', "garbage", '"unterminated', ""):
            response = live_server.patch(path, alice, json=change, headers={"If-Match": if_match})
            assert_error(response, 412)


@pytest.mark.parametrize("path, change", WRITES)
def test_of_two_clients_holding_one_etag_the_second_gets_412(live_server, alice, project, path, change):
    etag = live_server.get(path, alice).headers["ETag"]  # both clients read the same representation
    assert live_server.patch(path, alice, json=change, headers={"If-Match": etag}).status_code == 204
    with nothing_changes(live_server, alice, project):
        assert_error(live_server.patch(path, alice, json=SECOND_WRITES[path], headers={"If-Match": etag}), 412)


@pytest.mark.parametrize("path, change", WRITES)
def test_simultaneous_writes_with_one_etag_let_exactly_one_through(live_server, alice, project, path, change):
    """The API compares the tag with the read model, the command the version with the aggregate it
    loads, and the event store refuses a stale save: however the requests interleave, one wins."""
    n = 6
    for round_ in range(3):
        current = live_server.get(path, alice)
        etag, before = current.headers["ETag"], aggregate_versions(live_server, project)
        # Every writer sends the same change, one that records an event if it is let through.
        body = {"homepage": f"https://example.com/{round_}/"} if "homepage" in change else {"hidden": not current.json()["hidden"]}
        barrier = threading.Barrier(n)

        def write(_):
            barrier.wait(timeout=30)
            return live_server.patch(path, alice, json=body, headers={"If-Match": etag})

        with ThreadPoolExecutor(n) as pool:
            responses = list(pool.map(write, range(n)))
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [204] + [412] * (n - 1), [(r.status_code, r.text) for r in responses]
        for response in (r for r in responses if r.status_code == 412):
            assert_error(response, 412)
        after = aggregate_versions(live_server, project)
        assert sum(after) == sum(before) + 1  # one event (PostgreSQL's notification ids have gaps)


def test_if_match_is_checked_after_visibility(live_server, alice, project):
    bob = live_server.token("bob")
    assert live_server.patch(f"{BASE}/", alice, json={"privacy_level": "private"}).status_code == 204
    with nothing_changes(live_server, alice, project):
        assert_error(live_server.patch(f"{BASE}/", bob, json={"name": "x"}, headers={"If-Match": '"1-x"'}), 404)
        assert_error(live_server.patch(f"{BASE}/versions/nope/", alice, json={"hidden": True}, headers={"If-Match": "*"}), 404)
