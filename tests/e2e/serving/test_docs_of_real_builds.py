"""A real repository with a tag and a branch, built by the real worker over HTTP: each version's
`urls.documentation` shows that version's own content on the docs host, and its downloads answer."""

from __future__ import annotations

import time
import uuid

import pytest
from docs_support import get_url
from e2e_support import assert_json, project_body, synced_version
from git_support import commit, git, git_repository, readthedocs_yaml

READTHEDOCS_YAML = readthedocs_yaml('epub')


def docs(text: str) -> dict[str, str]:
    return {".readthedocs.yaml": READTHEDOCS_YAML, "docs/conf.py": "project = 'Shown'\n",
            "docs/index.rst": f"Shown\n=====\n\n{text}\n\n.. toctree::\n\n   guide\n",
            "docs/guide.rst": f"Guide\n=====\n\nThe guide of {text}\n"}


@pytest.fixture
def running_live(backend, start_live_server):
    return start_live_server(backend, background=True, DOCSPLANE_BUILD_QUEUE=f"test.builds.{uuid.uuid4().hex}",
                             DOCSPLANE_RUN_WEBHOOKS="false", DOCSPLANE_ALLOW_LOCAL_REPOSITORIES="true")  # file:// on PostgreSQL too


def build(live, token: str, version: str, timeout: float = 120.0) -> None:
    base = f"/api/v3/projects/shown/versions/{version}/"
    number = assert_json(live.post(f"{base}builds/", token, json={}), 201)["build"]["id"]
    deadline = time.monotonic() + timeout
    while True:
        ended = assert_json(live.get(f"/api/v3/projects/shown/builds/{number}/", token), 200)
        if ended["state"]["code"] == "finished" and assert_json(live.get(base, token), 200)["downloads"]:
            assert ended["success"] is True, ended["error"]
            return
        assert time.monotonic() < deadline, f"timed out; last: {ended}"
        time.sleep(0.1)


def test_each_built_version_shows_its_own_content(running_live, tmp_path):
    live = running_live
    alice = live.token("alice")
    repo = git_repository(tmp_path / "repo", docs("the tagged release v1.0"))
    git(repo, "tag", "v1.0")
    commit(repo, docs("the newest text on main"))
    assert_json(live.post("/api/v3/projects/", alice, json=project_body(
        "Shown", language="en", repository={"url": repo.as_uri(), "type": "git"})), 201)
    synced_version(live, "/api/v3/projects/shown/versions/v1.0/", alice)  # made by the version sync, inactive
    assert live.patch("/api/v3/projects/shown/versions/v1.0/", alice, json={"active": True}).status_code == 204
    for version in ("latest", "v1.0"):
        build(live, alice, version)
    for version, text in (("latest", "the newest text on main"), ("v1.0", "the tagged release v1.0")):
        shown = assert_json(live.get(f"/api/v3/projects/shown/versions/{version}/", alice), 200)
        home = get_url(live, shown["urls"]["documentation"])
        assert home.status_code == 200 and text in home.text, version
        guide = get_url(live, shown["urls"]["documentation"] + "guide.html")
        assert f"The guide of {text}" in guide.text and guide.headers["Content-Type"] == "text/html; charset=utf-8"
        epub = get_url(live, shown["downloads"]["epub"])
        assert epub.status_code == 200 and epub.headers["Content-Disposition"] == f'attachment; filename="shown-{version}.epub"'
