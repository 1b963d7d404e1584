"""With no projector running, a write cannot become visible: it answers 202 + Location within the
bound (DOCSPLANE_WRITE_WAIT_TIMEOUT), and the Location answers 200 once the read model catches up."""

from __future__ import annotations

import time

import pytest
from e2e_support import SEED_PROJECT, assert_error, assert_json

WAIT = 0.3


@pytest.fixture
def stalled(backend, start_live_server):
    return start_live_server(backend, projector=False, DOCSPLANE_WRITE_WAIT_TIMEOUT=WAIT)


def test_import_answers_202_with_a_location_to_poll(stalled):
    token = stalled.token("alice")  # catch_up() inside: the user itself is visible
    started = time.monotonic()
    response = stalled.post("/api/v3/projects/", token, json=SEED_PROJECT)
    elapsed = time.monotonic() - started
    body = assert_json(response, 202)
    location = response.headers["Location"]
    assert location == f"{stalled.url}/api/v3/projects/test-project/"
    assert body["location"] == location and body["message"]
    assert WAIT <= elapsed < WAIT + 5, elapsed  # it waited for the read model, within the bound

    # The write is recorded (a second import is refused) but not yet visible.
    assert_error(stalled.post("/api/v3/projects/", token, json=SEED_PROJECT), 422, field="name", code="already_exists")
    assert_error(stalled.get(location, token), 404)

    stalled.docsplane.catch_up()
    project = assert_json(stalled.get(location, token), 200)
    assert project["slug"] == "test-project" and project["users"] == [{"username": "alice"}]


def test_build_trigger_and_updates_answer_202_too(stalled):
    token = stalled.token("alice")
    assert_json(stalled.post("/api/v3/projects/", token, json=SEED_PROJECT), 202)
    stalled.docsplane.catch_up()
    base = "/api/v3/projects/test-project"

    response = stalled.post(f"{base}/versions/latest/builds/", token)
    assert_json(response, 202)
    build_location = response.headers["Location"]
    assert build_location.startswith(f"{stalled.url}{base}/builds/")
    assert_error(stalled.get(build_location, token), 404)

    response = stalled.patch(f"{base}/", token, json={"name": "Renamed"})
    assert assert_json(response, 202)["location"] == response.headers["Location"] == f"{stalled.url}{base}/"
    response = stalled.patch(f"{base}/version/latest/", token, json={"hidden": True})
    assert assert_json(response, 202)["location"] == response.headers["Location"] == f"{stalled.url}{base}/versions/latest/"
    assert assert_json(stalled.get(f"{base}/", token), 200)["name"] == "Test Project"  # not visible yet

    stalled.docsplane.catch_up()
    build = assert_json(stalled.get(build_location, token), 200)
    assert build_location.endswith(f"/builds/{build['id']}/") and build["version"] == "latest"
    assert assert_json(stalled.get(f"{base}/", token), 200)["name"] == "Renamed"
    assert assert_json(stalled.get(response.headers["Location"], token), 200)["hidden"] is True
