"""`?as_of=` on project and version detail, over HTTP: support's "what was it like last Tuesday"."""

from datetime import datetime, timezone
from urllib.parse import quote

from e2e_support import assert_error, assert_json

BASE = "/api/v3/projects/test-project"


def moment() -> str:
    return quote(datetime.now(timezone.utc).isoformat())


def test_project_and_version_as_they_were(live_server, alice, project):
    then = moment()
    assert live_server.patch(f"{BASE}/", alice, json={"name": "New Name", "default_version": "latest"}).status_code == 204
    assert live_server.patch(f"{BASE}/versions/latest/", alice, json={"hidden": True}).status_code == 204

    old = live_server.get(f"{BASE}/?as_of={then}", alice)
    assert assert_json(old, 200)["name"] == "Test Project"
    assert old.headers["ETag"].startswith('"1-')  # the aggregate version it had then
    assert assert_json(live_server.get(f"{BASE}/", alice), 200)["name"] == "New Name"
    assert assert_json(live_server.get(f"{BASE}/?as_of={moment()}", alice), 200)["name"] == "New Name"

    assert assert_json(live_server.get(f"{BASE}/versions/latest/?as_of={then}", alice), 200)["hidden"] is False
    assert assert_json(live_server.get(f"{BASE}/versions/latest/?as_of={moment()}", alice), 200)["hidden"] is True
    naive = quote(datetime.now(timezone.utc).replace(tzinfo=None).isoformat())  # taken as UTC
    assert assert_json(live_server.get(f"{BASE}/?as_of={naive}", alice), 200)["name"] == "New Name"


def test_before_the_project_existed_is_404_and_a_bad_time_is_422(live_server, alice):
    before = moment()
    assert_json(live_server.post("/api/v3/projects/", alice, json={
        "name": "Later", "repository": {"url": "https://github.com/x/later", "type": "git"}}), 201)
    assert_error(live_server.get(f"/api/v3/projects/later/?as_of={before}", alice), 404)
    assert_error(live_server.get("/api/v3/projects/later/?as_of=last-tuesday", alice), 422, field="as_of")
    assert_error(live_server.get("/api/v3/projects/later/versions/latest/?as_of=99999-01-01", alice), 422, field="as_of")


def test_a_project_made_private_keeps_its_past_private(live_server, alice, bob, project):
    public_then = moment()
    assert assert_json(live_server.get(f"{BASE}/?as_of={public_then}", bob), 200)["slug"] == "test-project"
    assert live_server.patch(f"{BASE}/", alice, json={"privacy_level": "private"}).status_code == 204
    assert_error(live_server.get(f"{BASE}/?as_of={public_then}", bob), 404)
    assert_error(live_server.get(f"{BASE}/versions/latest/?as_of={public_then}", bob), 404)
    assert assert_json(live_server.get(f"{BASE}/?as_of={public_then}", alice), 200)["privacy_level"] == "public"
