"""Cancelling a build over HTTP: a running build is stopped by its worker (202), one not started yet
ends at once (204), a finished one cannot be cancelled (409); only maintainers may cancel."""

from __future__ import annotations

import time
import uuid

import pytest
from e2e_support import assert_error, assert_json, poll, project_body
from git_support import build_config, git_repository


@pytest.fixture
def running_live(backend, start_live_server):
    """The API with what `docsplane serve` runs beside it: dispatcher, one build worker, reaper."""
    return start_live_server(backend, background=True, DOCSPLANE_BUILD_QUEUE=f"test.builds.{uuid.uuid4().hex}",
                             DOCSPLANE_RUN_WEBHOOKS="false")



def test_cancelling_a_running_build_stops_it(running_live, tmp_path):
    live = running_live
    alice, bob = live.token("alice"), live.token("bob")
    repo = git_repository(tmp_path / "repo", build_config("echo started", "sleep 30"))
    body = project_body("Slow Docs", repository={"url": f"file://{repo}", "type": "git"})
    assert_json(live.post("/api/v3/projects/", alice, json=body), 201)
    build = assert_json(live.post("/api/v3/projects/slow-docs/builds/", alice, json={}), 201)["build"]
    path = f"/api/v3/projects/slow-docs/builds/{build['id']}/"
    poll(live, f"{path}commands/", alice, lambda page: any(c["output"] == "started\n" for c in page["results"]))
    assert assert_json(live.get(path, alice), 200)["state"]["code"] == "building"  # in `sleep 30`

    assert_error(live.post(f"{path}cancel/", bob), 403)
    started = time.monotonic()
    answer = live.post(f"{path}cancel/", alice)
    assert_json(answer, 202)
    assert answer.headers["Location"] == live.url + path

    ended = poll(live, path, alice, lambda b: b["state"]["code"] == "finished")
    assert time.monotonic() - started < 10
    assert (ended["success"], ended["error"]) == (False, "Cancelled by alice")
    commands = assert_json(live.get(f"{path}commands/", alice), 200)["results"]
    assert commands[-1]["command"] == "sleep 30" and commands[-1]["exit_code"] != 0
    assert_error(live.post(f"{path}cancel/", alice), 409)


def test_cancelling_a_build_not_started_ends_it_at_once(live_server):
    live = live_server  # no build worker: the build waits
    alice = live.token("alice")
    assert_json(live.post("/api/v3/projects/", alice, json=project_body("Docs")), 201)
    build = assert_json(live.post("/api/v3/projects/docs/builds/", alice, json={}), 201)["build"]
    path = f"/api/v3/projects/docs/builds/{build['id']}/"

    answer = live.post(f"{path}cancel/", alice)
    assert answer.status_code == 204, answer.text
    ended = assert_json(live.get(path, alice), 200)
    assert (ended["state"]["code"], ended["success"], ended["error"]) == ("finished", False, "Cancelled by alice")
    assert_error(live.post(f"{path}cancel/", alice), 409)
    assert_error(live.post("/api/v3/projects/docs/builds/999999/cancel/", alice), 404)
