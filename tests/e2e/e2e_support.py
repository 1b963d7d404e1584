"""Bodies from the seeds and small assertions shared by the end-to-end tests."""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

from commands.handling.loading import load_project
from domain.version import Version

# seed 002, "Project create": body.json
SEED_PROJECT = {
    "name": "Test Project",
    "repository": {"url": "https://github.com/readthedocs/template", "type": "git"},
    "homepage": "http://template.readthedocs.io/",
    "programming_language": "py",
    "language": "es",
}

# seed 002, "Project update": body.json, verbatim (trailing comma included)
SEED_PROJECT_PATCH = """{
    "name": "New name for the project",
    "repository": {
        "url": "https://github.com/readthedocs/readthedocs.org",
        "type": "git"
    },
    "language": "ja",
    "programming_language": "py",
    "homepage": "https://readthedocs.org/",
    "default_version": "v0.27.0",
    "default_branch": "develop",
    "analytics_code": "UA000000",
    "single_version": false,

}"""


def project_body(name: str, **overrides) -> dict:
    return {**SEED_PROJECT, "name": name, **overrides}


def assert_json(response, status: int) -> dict:
    """The response has this status and a JSON body (never HTML); returns the body."""
    assert response.status_code == status, (response.status_code, response.text[:500])
    content_type = response.headers.get("Content-Type", "")
    assert content_type.startswith("application/json"), (content_type, response.text[:200])
    assert "<html" not in response.text.lower()
    return response.json()


def assert_error(response, status: int, **expected_error) -> dict:
    """A JSON error answer; with keyword arguments, one of its `errors` has these values."""
    body = assert_json(response, status)
    assert isinstance(body.get("message"), str) and body["message"], body
    if expected_error:
        assert body["message"] == "Validation Failed", body
        matching = [e for e in body["errors"] if all(e.get(k) == v for k, v in expected_error.items())]
        assert matching, (expected_error, body)
    return body


def snapshot(live, token: str, slug: str) -> dict:
    """What a maintainer sees of a project, plus the event log's head."""
    views = {}
    for path in ("", "versions/", "builds/"):
        response = live.get(f"/api/v3/projects/{slug}/{path}", token)
        views[path] = (response.status_code, response.json())
    views["projects"] = live.get("/api/v3/projects/?limit=100", token).json()
    views["log_head"] = live.log_head()
    return views


@contextlib.contextmanager
def nothing_changes(live, token: str, slug: str):
    """Asserts the block left the project's views and the event log exactly as they were."""
    before = snapshot(live, token, slug)
    yield
    after = snapshot(live, token, slug)
    assert after == before


def add_version(live, project_slug: str, slug: str, type: str = "tag", active: bool = True,
                alias_of: str | None = None, verbose_name: str | None = None,
                identifier: str = "3a6b3995c141c0888af6591a59240ba5db7d9914") -> None:
    """Versions besides `latest` come from the repository sync (a build worker of a later issue):
    save one straight through the event-sourced application, and wait until the API shows it."""
    docsplane = live.docsplane
    project = load_project(docsplane.app, project_slug)
    version = Version.create(
        project_id=project.id, project_slug=project_slug, number=docsplane.projects.ids["version"].next(), slug=slug,
        verbose_name=verbose_name or slug, identifier=identifier, type=type,
        active=active, actor=project.maintainers[0], alias_of=alias_of,
    )
    assert docsplane.consistency.wait(docsplane.app.save(version), 10)


def resolve(spec: dict, node: dict) -> dict:
    """A node of the OpenAPI document with its local `$ref`s followed."""
    while "$ref" in node:
        target = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def poll(live, path: str, token: str, until, timeout: float = 60.0) -> dict:
    """GET `path` until `until(body)` holds; the last body."""
    deadline = time.monotonic() + timeout
    while True:
        body = assert_json(live.get(path, token), 200)
        if until(body):
            return body
        assert time.monotonic() < deadline, f"timed out; last: {body}"
        time.sleep(0.05)


def synced_version(live, path: str, token: str, timeout: float = 30.0) -> dict:
    """A version the version sync makes from the repository (on import, by a background worker)."""
    deadline = time.monotonic() + timeout
    while (response := live.get(path, token)).status_code == 404:
        assert time.monotonic() < deadline, f"the version sync did not make {path}"
        time.sleep(0.05)
    return assert_json(response, 200)


def docsplane_command() -> list[str]:
    """The `docsplane` command of this interpreter's environment (its script, or `python -m`)."""
    script = Path(sys.executable).parent / "docsplane"
    return [str(script)] if script.exists() else [sys.executable, "-m", "docsplane.cli"]
