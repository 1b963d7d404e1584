"""Deleting a project or a version removes its stored output, from the events (workers/artifact_cleaner.py):
idempotently, and never the output of a project that took the slug again."""

from __future__ import annotations

import pytest

from commands.handling.loading import load_project, load_version
from domain.version import Version
from git_support import build_config, git_repository
from projections.versions.published_queries import published_release
from test_build_runner import Fixture, sqlite_docsplane  # noqa: F401 (a fixture)
from workers.wiring import artifact_cleaner

HTML = '"$READTHEDOCS_OUTPUT/html"'


def html_repository(path, text: str):
    return git_repository(path, build_config(f"mkdir -p {HTML}", f"echo {text} > {HTML}/index.html"))


def built(fixture, version: str = "latest") -> dict:
    succeeded, build, _ = fixture.build(version)
    assert succeeded is True, build["error"]
    return published_release(fixture.docsplane.store, fixture.slug, version)


def test_deleting_a_project_removes_its_output_once_and_for_all(docsplane, tmp_path):
    fixture = Fixture(docsplane, html_repository(tmp_path / "repo", "hello"))
    fixture.add_version("v1.0", "main", "branch")
    releases = {slug: built(fixture, slug)["release_id"] for slug in ("latest", "v1.0")}
    docsplane.projects.delete_project("alice", fixture.slug)

    for name in ("artifacts", "artifacts-again"):  # a second cleaner, or the same events again
        artifact_cleaner(docsplane, name).follower.catch_up()

    store = docsplane.artifacts
    assert all(store.resolve("fixture", slug, release, "html/index.html") is None for slug, release in releases.items())
    assert store.version_slugs("fixture") == []


def test_a_slug_taken_again_keeps_what_its_new_project_published(sqlite_docsplane, tmp_path):
    docsplane = sqlite_docsplane()
    old = Fixture(docsplane, html_repository(tmp_path / "old", "old"))
    old.add_version("v1.0", "main", "branch")
    built(old, "v1.0")
    built(old)
    docsplane.projects.delete_project("alice", old.slug)
    new = Fixture(docsplane, html_repository(tmp_path / "new", "new"))  # the same name, the same slug
    release = built(new)
    assert new.slug == old.slug

    artifact_cleaner(docsplane).follower.catch_up()  # a cleaner that lagged behind both

    page = docsplane.artifacts.resolve(new.slug, "latest", release["release_id"], "html/index.html")
    assert page.read_text() == "new\n"
    assert docsplane.artifacts.version_slugs(new.slug) == ["latest"]


@pytest.mark.skipif(not hasattr(Version, "delete"), reason="versions are deleted by the version sync (issue 15, part 2)")
def test_deleting_a_version_removes_its_output(sqlite_docsplane, tmp_path):
    docsplane = sqlite_docsplane()
    fixture = Fixture(docsplane, html_repository(tmp_path / "repo", "hello"))
    fixture.add_version("feature", "main", "branch")
    gone, kept = built(fixture, "feature"), built(fixture)
    app = docsplane.app
    version = load_version(app, load_project(app, fixture.slug), "feature")
    version.deactivate("alice", default_version="latest")
    version.delete("alice")
    app.save(version)

    artifact_cleaner(docsplane).follower.catch_up()

    assert docsplane.artifacts.resolve(fixture.slug, "feature", gone["release_id"], "html/index.html") is None
    assert docsplane.artifacts.resolve(fixture.slug, "latest", kept["release_id"], "html/index.html") is not None
