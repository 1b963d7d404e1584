"""Versions from the repository, over HTTP, with everything `docsplane serve` runs beside the API:
an import is synced by the build worker, `POST sync-versions` syncs again, activating a version
builds it (of its own commit)."""

from __future__ import annotations

import uuid

import pytest
from e2e_support import assert_json, poll, project_body

from git_support import build_config, commit, git, git_repository

BASE = "/api/v3/projects/synced-docs"


@pytest.fixture
def running_live(backend, start_live_server):
    return start_live_server(backend, background=True, DOCSPLANE_BUILD_QUEUE=f"test.builds.{uuid.uuid4().hex}",
                             DOCSPLANE_RUN_WEBHOOKS="false")


@pytest.fixture
def repo(tmp_path):
    repo = git_repository(tmp_path / "repo", build_config("git rev-parse HEAD"))
    git(repo, "tag", "v1.0")
    commit(repo, {"README": "2.0\n"})
    git(repo, "tag", "-a", "v2.0", "-m", "release 2.0")
    git(repo, "branch", "feature")
    return repo



def versions(live, token: str, until) -> dict[str, dict]:
    page = poll(live, f"{BASE}/versions/", token, lambda page: until({v["slug"] for v in page["results"]}))
    return {v["slug"]: v for v in page["results"]}


def test_import_syncs_versions_and_activating_one_builds_it(running_live, repo):
    live = running_live
    alice = live.token("alice")
    body = project_body("Synced Docs", repository={"url": repo.as_uri(), "type": "git"})
    assert_json(live.post("/api/v3/projects/", alice, json=body), 201)

    found = versions(live, alice, lambda slugs: "stable" in slugs)

    assert {slug: (v["type"], v["active"]) for slug, v in found.items()} == {
        "latest": ("branch", True), "stable": ("tag", True), "main": ("branch", False),
        "feature": ("branch", False), "v1.0": ("tag", False), "v2.0": ("tag", False),
    }
    v2 = git(repo, "rev-parse", "v2.0^{commit}")
    stable = found["stable"]
    assert (stable["ref"], stable["identifier"], stable["aliases"]) == ("v2.0", v2, [])
    assert (found["v2.0"]["identifier"], found["latest"]["identifier"], found["latest"]["ref"]) == (v2, "main", None)
    project = assert_json(live.get(f"{BASE}/", alice), 200)
    assert project["default_branch"] == "main"
    assert sorted(project["active_versions"]) == ["latest", "stable"]

    assert live.patch(f"{BASE}/versions/v1.0/", alice, json={"active": True}).status_code == 204
    builds = poll(live, f"{BASE}/versions/v1.0/builds/", alice,
                  lambda page: page["count"] == 1 and page["results"][0]["state"]["code"] == "finished")
    [build] = builds["results"]
    assert (build["success"], build["commit"]) == (True, git(repo, "rev-parse", "v1.0"))

    git(repo, "branch", "-D", "feature")
    git(repo, "tag", "v2.1")
    assert live.post(f"{BASE}/sync-versions/", alice).status_code == 202
    found = versions(live, alice, lambda slugs: "feature" not in slugs and "v2.1" in slugs)
    assert found["stable"]["ref"] == "v2.1" and found["v2.1"]["active"] is False
    assert found["v1.0"]["active"] is True


def test_an_unreachable_repository_leaves_latest_alone(running_live, tmp_path):
    live = running_live
    alice = live.token("alice")
    body = project_body("Synced Docs", repository={"url": (tmp_path / "gone").as_uri(), "type": "git"})
    assert_json(live.post("/api/v3/projects/", alice, json=body), 201)
    assert live.post(f"{BASE}/sync-versions/", alice).status_code == 202

    # The worker took both jobs and is still alive: a build of `latest` runs, and fails cloning.
    build = assert_json(live.post(f"{BASE}/versions/latest/builds/", alice), 201)["build"]
    finished = poll(live, f"{BASE}/builds/{build['id']}/", alice, lambda b: b["state"]["code"] == "finished")
    assert finished["success"] is False and "could not clone" in finished["error"]
    page = assert_json(live.get(f"{BASE}/versions/", alice), 200)
    assert [v["slug"] for v in page["results"]] == ["latest"]
    assert assert_json(live.get(f"{BASE}/", alice), 200)["default_branch"] is None
    failures = poll(live, f"{BASE}/events/?type=VersionSyncFailed", alice, lambda page: page["count"] >= 3)
    assert all("could not read the repository" in f["data"]["reason"] for f in failures["results"])
    # the import's, the request's and the build's
