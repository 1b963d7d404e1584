"""A real repository built over HTTP keeps its output: the tag's html, htmlzip and epub are stored,
the version answers `built` and lists exactly those downloads at Read the Docs' URLs."""

from __future__ import annotations

import time
import uuid
import zipfile
from urllib.parse import urlsplit

import pytest
from e2e_support import assert_json, poll, project_body, synced_version
from git_support import commit, git, git_repository, readthedocs_yaml

from projections.versions.published_queries import published_release

READTHEDOCS_YAML = readthedocs_yaml('htmlzip', 'epub')


def docs(text: str) -> dict[str, str]:
    return {".readthedocs.yaml": READTHEDOCS_YAML, "docs/conf.py": "project = 'Kept'\n",
            "docs/index.rst": f"Kept\n====\n\n{text}\n"}


@pytest.fixture
def running_live(backend, start_live_server):
    return start_live_server(backend, background=True, DOCSPLANE_BUILD_QUEUE=f"test.builds.{uuid.uuid4().hex}",
                             DOCSPLANE_RUN_WEBHOOKS="false")


def test_a_tag_built_over_http_publishes_its_own_html_htmlzip_and_epub(running_live, tmp_path):
    live = running_live
    alice = live.token("alice")
    repo = git_repository(tmp_path / "repo", docs("Tagged text of v1.0."))
    git(repo, "tag", "v1.0")
    commit(repo, docs("Newer text on main."))
    assert_json(live.post("/api/v3/projects/", alice, json=project_body(
        "Kept Docs", language="en", repository={"url": repo.as_uri(), "type": "git"})), 201)
    base = "/api/v3/projects/kept-docs/versions/v1.0/"
    before = synced_version(live, base, alice)  # the version sync on import makes the tag's version, inactive
    assert (before["active"], before["built"], before["downloads"]) == (False, False, {})

    assert live.patch(base, alice, json={"active": True}).status_code == 204  # activating builds it, as RTD
    build = poll(live, f"{base}builds/", alice, lambda page: page["count"] >= 1)["results"][0]
    ended = poll(live, f"/api/v3/projects/kept-docs/builds/{build['id']}/", alice, lambda b: b["state"]["code"] == "finished", timeout=90)
    assert ended["success"] is True, ended["error"]

    version = _published_version(live, base, alice)
    assert version["built"] is True
    host = urlsplit(version["urls"]["documentation"])
    assert version["downloads"] == {kind: f"{host.scheme}://{host.netloc}/_/downloads/en/v1.0/{kind}/"
                                    for kind in ("htmlzip", "epub")}
    release = published_release(live.docsplane.store, "kept-docs", "v1.0")
    store = live.docsplane.artifacts
    page = store.resolve("kept-docs", "v1.0", release["release_id"], "html/index.html").read_text()
    assert "Tagged text of v1.0." in page and "Newer text" not in page
    with zipfile.ZipFile(store.resolve("kept-docs", "v1.0", release["release_id"], "htmlzip/kept-docs.zip")) as archive:
        assert any(b"Tagged text of v1.0." in archive.read(name) for name in archive.namelist() if name.endswith(".html"))
    with zipfile.ZipFile(store.resolve("kept-docs", "v1.0", release["release_id"], "epub/kept-docs.epub")) as epub:
        assert any(b"Tagged text of v1.0." in epub.read(name) for name in epub.namelist() if name.endswith("html"))
    latest = assert_json(live.get("/api/v3/projects/kept-docs/versions/latest/", alice), 200)
    assert (latest["built"], latest["downloads"]) == (False, {})  # only the built version has downloads


def _published_version(live, path: str, token: str, timeout: float = 10.0) -> dict:
    """The version once the read model has the publication (the build's end may be read first)."""
    deadline = time.monotonic() + timeout
    while True:
        version = assert_json(live.get(path, token), 200)
        if version["downloads"] or time.monotonic() > deadline:
            return version
        time.sleep(0.05)
