"""docsplane builds and serves its own documentation: a clone of this repository, imported into a running
docsplane (embedded SQLite, real HTTP), builds `latest` from its `.readthedocs.yaml` in the bubblewrap
sandbox (Sphinx with MyST, warnings as errors), and the docs host serves its pages."""

from __future__ import annotations

import subprocess
import time
import uuid
from pathlib import Path

import pytest
from missing_part import missing
from docs_support import get_url
from e2e_support import assert_json, project_body

from workers.sandbox.bubblewrap import Bubblewrap
from workers.sandbox.sandbox import sandbox_for

ROOT = Path(__file__).resolve().parents[3]
BUILD_TIMEOUT = 600.0  # a Sphinx build of every page on a busy two-core machine


@pytest.fixture
def live(start_live_server):
    live = start_live_server("sqlite", background=True, DOCSPLANE_BUILD_QUEUE=f"test.builds.{uuid.uuid4().hex}",
                             DOCSPLANE_RUN_WEBHOOKS="false")
    if not isinstance(sandbox_for(live.docsplane.settings, warn=False), Bubblewrap):
        missing("no working bwrap (Debian package bubblewrap): this build must run in the sandbox")
    return live


def clone_of_this_repository(into: Path) -> Path:
    """What is committed (HEAD), as a repository of its own: the build clones from it as from any remote."""
    subprocess.run(["git", "clone", "--quiet", "--no-local", str(ROOT), str(into)], check=True, capture_output=True)
    return into


def finished(live, token: str, location: str) -> dict:
    deadline = time.monotonic() + BUILD_TIMEOUT
    while (build := assert_json(live.get(location, token), 200))["state"]["code"] != "finished":
        assert time.monotonic() < deadline, f"the build did not finish in {BUILD_TIMEOUT:.0f} s: {build}"
        time.sleep(0.5)
    return build


def failed_commands(live, token: str, build: dict) -> list[tuple[str, int, str]]:
    commands = assert_json(live.get(f"/api/v3/projects/docsplane/builds/{build['id']}/commands/?limit=100", token), 200)
    return [(c["command"], c["exit_code"], c["output"][-3000:]) for c in commands["results"] if c["exit_code"] != 0]


def test_docsplane_builds_and_serves_its_own_documentation(live, tmp_path):
    alice = live.token("alice")
    repository = clone_of_this_repository(tmp_path / "docsplane")
    body = project_body("docsplane", language="en", repository={"url": repository.as_uri(), "type": "git"})
    assert_json(live.post("/api/v3/projects/", alice, json=body), 201)

    triggered = live.post("/api/v3/projects/docsplane/versions/latest/builds/", alice, json={})
    build = finished(live, alice, triggered.headers["Location"])

    assert build["success"] is True, (build["error"], failed_commands(live, alice, build))
    commands = [c["command"] for c in assert_json(live.get(f"/api/v3/projects/docsplane/builds/{build['id']}/commands/?limit=100", alice), 200)["results"]]
    assert any("-m sphinx" in command and " -W" in command for command in commands), commands  # fail_on_warning
    documentation = assert_json(live.get("/api/v3/projects/docsplane/versions/latest/", alice), 200)["urls"]["documentation"]
    home = get_url(live, documentation)
    assert home.status_code == 200 and "Architecture" in home.text
    page = get_url(live, documentation + "architecture.html")
    assert page.status_code == 200 and page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "The path of a write" in page.text and "The path of a read" in page.text
    recipe = get_url(live, documentation + "production.html")  # docs/production.md, the recipe the tests run
    assert recipe.status_code == 200 and "Production on one host" in recipe.text
