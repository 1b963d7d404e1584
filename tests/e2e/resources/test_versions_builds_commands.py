"""Versions (aliases, filters), builds (urls, config, filters), a build's commands (seed 001) and
asking for a version sync, over real HTTP."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from e2e_support import add_version, assert_error, assert_json, project_body

BASE = "/api/v3/projects/pip"
T0 = datetime(2018, 6, 19, 15, 15, 59, tzinfo=timezone.utc)
# seed 001, "Build command details", with the seed 002 spelling of `_links`/`_self`.
BUILD_COMMAND_FIELDS = {"id", "build", "created", "finished", "duration", "command", "output", "exit_code", "_links"}




@pytest.fixture
def pip(live_server, alice):
    assert_json(live_server.post("/api/v3/projects/", alice, json=project_body("Pip", language="en")), 201)
    return live_server


def visible(live, written) -> None:
    assert live.docsplane.consistency.wait(written.recordings, 10)


def test_versions_show_aliases_ref_hidden_and_privacy(pip, alice):
    add_version(pip, "pip", "19.0.2")
    add_version(pip, "pip", "stable", alias_of="19.0.2")
    stable = assert_json(pip.get(f"{BASE}/versions/stable/", alice), 200)
    assert stable["ref"] == "19.0.2"
    [alias] = stable["aliases"]
    assert alias["slug"] == "19.0.2" and alias["_links"]["_self"] == f"{pip.url}{BASE}/versions/19.0.2/"
    assert "aliases" not in alias and "last_build" not in alias
    assert (stable["hidden"], stable["privacy_level"]) == (False, "public")
    assert stable["downloads"] == {}  # never built
    release = assert_json(pip.get(f"{BASE}/versions/19.0.2/", alice), 200)
    assert (release["ref"], release["aliases"]) == (None, [])


def test_version_list_filters_by_type_and_slug(pip, alice):
    for slug, kind in (("1.0", "tag"), ("1.1", "tag"), ("feature-1", "branch"), ("pr-12", "external")):
        add_version(pip, "pip", slug, type=kind)

    def listed(query):
        page = assert_json(pip.get(f"{BASE}/versions/?{query}", alice), 200)
        assert page["count"] == len(page["results"])
        return [v["slug"] for v in page["results"]]

    assert listed("type=tag") == ["1.0", "1.1"]
    assert listed("type=branch") == ["latest", "feature-1"]
    assert listed("type=external") == ["pr-12"]
    assert listed("slug=1") == ["1.0", "1.1", "feature-1", "pr-12"]
    assert listed("slug=1.") == ["1.0", "1.1"]
    assert listed("slug=LATE") == ["latest"]
    assert listed("slug=1&type=branch&active=true") == ["feature-1"]
    assert listed("slug=nothing") == []
    assert_error(pip.get(f"{BASE}/versions/?type=trunk", alice), 422, resource="Version", field="type", code="invalid")
    assert_error(pip.get(f"{BASE}/versions/?slug={'x' * 300}", alice), 422, field="slug", code="invalid")


def test_version_patch_takes_the_seed_001_body(pip, alice, bob):
    add_version(pip, "pip", "0.23", active=False)
    body = '{"active": true, "privacy_level": "private", "hidden": true, "tags": ["python", "packaging"]}'
    response = pip.patch(f"{BASE}/version/0.23/", alice, data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 204, response.text
    version = assert_json(pip.get(f"{BASE}/versions/0.23/", alice), 200)
    assert (version["active"], version["privacy_level"], version["hidden"]) == (True, "private", True)
    assert "tags" not in version
    assert_error(pip.get(f"{BASE}/versions/0.23/", bob), 404)  # a private version of a public project
    assert_error(pip.patch(f"{BASE}/versions/0.23/", bob, json={"active": False}), 403)


def test_builds_carry_site_urls_and_a_commands_link(pip, alice):
    build = assert_json(pip.post(f"{BASE}/versions/latest/builds/", alice), 201)["build"]
    number = build["id"]
    assert build["urls"] == {
        "build": f"{pip.url}/projects/pip/builds/{number}/",
        "project": f"{pip.url}/projects/pip/",
        "version": f"{pip.url}/projects/pip/versions/latest/",
    }
    assert build["_links"]["commands"] == f"{pip.url}{BASE}/builds/{number}/commands/"
    assert "config" not in build


def test_build_list_filters_success_and_state(pip, alice):
    ids = [assert_json(pip.post(f"{BASE}/builds/", alice), 201)["build"]["id"] for _ in range(3)]
    builds = pip.docsplane.builds
    visible(pip, builds.finish_build("worker", ids[0], True))
    visible(pip, builds.finish_build("worker", ids[1], False, error="boom"))
    visible(pip, builds.change_build_state("worker", ids[2], "building"))

    def listed(query, path="builds/"):
        page = assert_json(pip.get(f"{BASE}/{path}?{query}", alice), 200)
        assert page["count"] == len(page["results"])
        return [b["id"] for b in page["results"]]

    assert listed("success=true") == [ids[0]]
    assert listed("success=false") == [ids[1]]
    assert listed("state=finished") == [ids[1], ids[0]]
    assert listed("state=building") == [ids[2]]
    assert listed("state=cloning") == []
    assert listed("state=finished&success=false&running=false") == [ids[1]]
    assert listed("success=true", "versions/latest/builds/") == [ids[0]]
    for bad in ("state=cancelled", "state=Finished", "state="):
        assert_error(pip.get(f"{BASE}/builds/?{bad}", alice), 422, resource="Build", field="state", code="invalid")
    assert_error(pip.get(f"{BASE}/builds/?success=maybe", alice), 422, field="success", code="invalid")


def test_build_commands_list_and_detail_in_the_seed_001_shape(pip, alice):
    number = assert_json(pip.post(f"{BASE}/builds/", alice), 201)["build"]["id"]
    builds = pip.docsplane.builds
    clone = builds.record_command("worker", number, "git clone https://github.com/pypa/pip .", "Cloning...", 0,
                                  started=T0, finished=T0 + timedelta(seconds=3))
    config = builds.record_command("worker", number, "cat docs/config.py", "...", 0,
                                   started=T0 + timedelta(seconds=4), finished=T0 + timedelta(seconds=63))
    visible(pip, config)
    url = f"{BASE}/builds/{number}/commands/"

    page = assert_json(pip.get(url, alice), 200)
    assert (page["count"], page["next"], page["previous"]) == (2, None, None)
    assert [c["id"] for c in page["results"]] == [clone.value, config.value]  # in the order they ran
    detail = assert_json(pip.get(f"{url}{config.value}/", alice), 200)
    assert set(detail) == BUILD_COMMAND_FIELDS
    assert detail == page["results"][1]
    assert detail["id"] == config.value and detail["build"] == number
    assert (detail["command"], detail["output"], detail["exit_code"]) == ("cat docs/config.py", "...", 0)
    assert (detail["created"], detail["finished"], detail["duration"]) == (
        "2018-06-19T15:16:03Z", "2018-06-19T15:17:02Z", 59,
    )
    assert detail["_links"] == {
        "_self": f"{pip.url}{url}{config.value}/",
        "build": f"{pip.url}{BASE}/builds/{number}/",
        "version": f"{pip.url}{BASE}/versions/latest/",
        "project": f"{pip.url}{BASE}/",
    }
    second = assert_json(pip.get(f"{url}?limit=1", alice), 200)
    assert [c["id"] for c in second["results"]] == [clone.value] and second["next"].endswith("offset=1")

    other = assert_json(pip.post(f"{BASE}/builds/", alice), 201)["build"]["id"]
    assert assert_json(pip.get(f"{BASE}/builds/{other}/commands/", alice), 200)["count"] == 0
    assert_error(pip.get(f"{BASE}/builds/{other}/commands/{config.value}/", alice), 404)
    assert_error(pip.get(f"{BASE}/builds/999999999/commands/", alice), 404)
    assert_error(pip.get(f"{url}999999999/", alice), 404)
    assert_error(pip.get(f"{url}?limit=0", alice), 422, field="limit", code="invalid")


def test_build_commands_are_as_visible_as_the_build(live_server, alice, bob):
    for name, privacy in (("Pip", "public"), ("Secret", "private")):
        assert_json(live_server.post("/api/v3/projects/", alice, json=project_body(name, privacy_level=privacy)), 201)
    builds = live_server.docsplane.builds
    public_build = assert_json(live_server.post(f"{BASE}/builds/", alice), 201)["build"]["id"]
    secret_build = assert_json(live_server.post("/api/v3/projects/secret/builds/", alice), 201)["build"]["id"]
    public_command = builds.record_command("worker", public_build, "make html", "", 0)
    visible(live_server, builds.record_command("worker", secret_build, "make html", "", 0))
    visible(live_server, public_command)

    assert assert_json(live_server.get(f"{BASE}/builds/{public_build}/commands/", bob), 200)["count"] == 1
    assert_json(live_server.get(f"{BASE}/builds/{public_build}/commands/{public_command.value}/", bob), 200)
    assert_error(live_server.get(f"/api/v3/projects/secret/builds/{secret_build}/commands/", bob), 404)
    assert_error(live_server.get(f"{BASE}/builds/{secret_build}/commands/", alice), 404)  # not pip's build
    assert assert_json(live_server.get(f"{BASE}/builds/{public_build}/commands/"), 200)["count"] == 1  # anonymous too
    assert_error(live_server.get(f"/api/v3/projects/secret/builds/{secret_build}/commands/"), 404)

    # A private version's builds, and so their commands, are invisible to non-maintainers.
    assert live_server.patch(f"{BASE}/versions/latest/", alice, json={"privacy_level": "private"}).status_code == 204
    assert_error(live_server.get(f"{BASE}/builds/{public_build}/commands/", bob), 404)
    assert_error(live_server.get(f"{BASE}/builds/{public_build}/commands/"), 404)
    assert assert_json(live_server.get(f"{BASE}/builds/{public_build}/commands/", alice), 200)["count"] == 1


def test_sync_versions_is_accepted_for_maintainers(live_server, alice, bob):
    for name, privacy in (("Pip", "public"), ("Secret", "private")):
        assert_json(live_server.post("/api/v3/projects/", alice, json=project_body(name, privacy_level=privacy)), 201)
    head = live_server.log_head()
    response = live_server.post(f"{BASE}/sync-versions/", alice)
    assert assert_json(response, 202) == {"triggered": True}  # Read the Docs' answer
    assert response.headers["Location"] == f"{live_server.url}{BASE}/versions/"
    [notification] = live_server.docsplane.app.recorder.select_notifications(start=head + 1, limit=10)
    assert notification.topic.endswith("VersionSyncRequested")

    head = live_server.log_head()
    assert_error(live_server.post(f"{BASE}/sync-versions/", bob), 403)
    assert_error(live_server.post("/api/v3/projects/secret/sync-versions/", bob), 404)
    assert_error(live_server.post("/api/v3/projects/nope/sync-versions/", alice), 404)
    assert_error(live_server.post(f"{BASE}/sync-versions/"), 401)
    assert_error(live_server.get(f"{BASE}/sync-versions/", alice), 405)
    assert live_server.log_head() == head  # refused requests record nothing
