"""Simultaneous HTTP writes: the slug is claimed once, build ids never collide."""

from __future__ import annotations

import pytest
from e2e_support import assert_error, assert_json, project_body
from racing import simultaneously


@pytest.mark.parametrize("n", [2, 10])
def test_simultaneous_imports_of_one_slug(live_server, n):
    tokens = [live_server.token(f"user{i}") for i in range(n)]
    # Different spellings, one slug.
    names = ["Race Project", "race-project", "RACE  project", "race_project!"]
    responses = simultaneously(
        n, lambda i: live_server.post("/api/v3/projects/", tokens[i], json=project_body(names[i % len(names)]))
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [422] * (n - 1), [(r.status_code, r.text[:200]) for r in responses]
    winner = next(i for i, r in enumerate(responses) if r.status_code == 201)
    for i, response in enumerate(responses):
        if i != winner:
            assert_error(response, 422, resource="Project", field="name", code="already_exists")

    created = assert_json(responses[winner], 201)
    assert created["slug"] == "race-project" and created["users"] == [{"username": f"user{winner}"}]
    assert assert_json(live_server.get("/api/v3/projects/race-project/", tokens[0]), 200) == created
    for i, token in enumerate(tokens):  # only the winner maintains it
        listing = assert_json(live_server.get("/api/v3/projects/", token), 200)
        assert listing["count"] == (1 if i == winner else 0)
    versions = assert_json(live_server.get("/api/v3/projects/race-project/versions/", tokens[0]), 200)
    assert [v["slug"] for v in versions["results"]] == ["latest"]


def test_thirty_simultaneous_build_triggers(live_server):
    token = live_server.token("alice")
    assert_json(live_server.post("/api/v3/projects/", token, json=project_body("Busy")), 201)
    paths = ["/api/v3/projects/busy/versions/latest/builds/", "/api/v3/projects/busy/builds/"]
    responses = simultaneously(30, lambda i: live_server.post(paths[i % 2], token))
    assert [r.status_code for r in responses] == [201] * 30, [(r.status_code, r.text[:200]) for r in responses if r.status_code != 201]
    ids = [assert_json(r, 201)["build"]["id"] for r in responses]
    assert all(isinstance(i, int) and not isinstance(i, bool) for i in ids)
    assert len(set(ids)) == 30, sorted(ids)
    for response, build_id in zip(responses, ids):
        assert response.headers["Location"].endswith(f"/api/v3/projects/busy/builds/{build_id}/")

    listing = assert_json(live_server.get("/api/v3/projects/busy/builds/?limit=100", token), 200)
    assert listing["count"] == 30
    assert sorted(b["id"] for b in listing["results"]) == sorted(ids)
    latest = assert_json(live_server.get("/api/v3/projects/busy/builds/latest/", token), 200)
    assert latest["id"] == listing["results"][0]["id"]
    # A later build gets a larger id than all of them.
    after = assert_json(live_server.post(paths[0], token), 201)["build"]["id"]
    assert after > max(ids)
