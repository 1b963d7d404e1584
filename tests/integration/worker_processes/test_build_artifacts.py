"""Builds keep their output: a real Sphinx build publishes html and the config's formats to the
artifact store and records them on the version; links in the output are never followed; a format
that cannot be made fails the build with the reason."""

from __future__ import annotations

import os
import shutil
import zipfile

import pytest

from domain.errors import FieldError
from git_support import build_config, commit, git_repository, readthedocs_yaml
from integration_support import event_log
from projections.versions.published_queries import published_release
from test_build_runner import SPHINX_DOCS, Fixture, sqlite_docsplane  # noqa: F401 (a fixture)
from workers.builds.config import NO_LATEX

READTHEDOCS_YAML = readthedocs_yaml('htmlzip', 'epub')


def stored(fixture, version="latest") -> tuple[dict | None, object]:
    return published_release(fixture.docsplane.store, fixture.slug, version), fixture.docsplane.artifacts


def test_a_sphinx_build_publishes_html_htmlzip_and_epub(docsplane, tmp_path):
    fixture = Fixture(docsplane, git_repository(tmp_path / "repo", {**SPHINX_DOCS, ".readthedocs.yaml": READTHEDOCS_YAML}))

    succeeded, build, commands = fixture.build()

    assert succeeded is True, build["error"]
    release, store = stored(fixture)
    assert release["formats"] == ["html", "htmlzip", "epub"]
    assert release["content_hash"].startswith("sha256:") and release["published_at"]
    version = fixture.version()
    assert (version["built"], version["published_formats"]) == (True, ["html", "htmlzip", "epub"])
    page = store.resolve(fixture.slug, "latest", release["release_id"], "html/index.html")
    assert "Hello from the fixture repository." in page.read_text()
    with zipfile.ZipFile(store.resolve(fixture.slug, "latest", release["release_id"], "htmlzip/fixture.zip")) as archive:
        assert any(name.endswith("index.html") for name in archive.namelist())
    with zipfile.ZipFile(store.resolve(fixture.slug, "latest", release["release_id"], "epub/fixture.epub")) as epub:
        assert epub.read("mimetype") == b"application/epub+zip"
    assert store.resolve(fixture.slug, "latest", release["release_id"], "pdf/fixture.pdf") is None


def test_the_published_event_names_the_build_and_what_was_stored(sqlite_docsplane, tmp_path):
    docsplane = sqlite_docsplane()
    fixture = Fixture(docsplane, git_repository(tmp_path / "repo", SPHINX_DOCS))
    succeeded, build, _ = fixture.build()
    assert succeeded is True, build["error"]
    [event] = [e for e in event_log(docsplane) if e.topic.endswith("Version.VersionPublished")]
    event = docsplane.app.mapper.to_domain_event(event)
    release, store = stored(fixture)
    assert (event.build, event.release_id, event.formats, event.actor) == (build["id"], release["release_id"], ["html"], "worker")
    root = store.release_root(fixture.slug, "latest", event.release_id)
    files = [p for p in root.rglob("*") if p.is_file()]
    assert (event.files, event.bytes) == (len(files), sum(p.stat().st_size for p in files))
    assert event.content_hash == release["content_hash"]
    assert not any(b"Hello from the fixture" in n.state for n in event_log(docsplane))  # artifacts stay out of the log


def test_a_symlink_in_the_output_is_not_published(sqlite_docsplane, tmp_path):
    docsplane = sqlite_docsplane()
    secret = tmp_path / "secrets.key"
    secret.write_text("TOP-SECRET-KEY")
    html = '"$READTHEDOCS_OUTPUT/html"'
    config = build_config(f"mkdir -p {html}", f"echo home > {html}/index.html", f"ln -s {secret} {html}/key.txt",
                          f"ln -s {tmp_path} {html}/up")
    fixture = Fixture(docsplane, git_repository(tmp_path / "repo", config))

    succeeded, build, _ = fixture.build()

    assert succeeded is True, build["error"]
    release, store = stored(fixture)
    root = store.release_root(fixture.slug, "latest", release["release_id"])
    assert sorted(str(p.relative_to(root)) for p in root.rglob("*")) == ["html", "html/index.html"]
    assert store.resolve(fixture.slug, "latest", release["release_id"], "html/key.txt") is None


def test_pdf_without_latexmk_fails_the_build_with_the_reason(sqlite_docsplane, tmp_path, monkeypatch):
    without_latex = [d for d in os.environ["PATH"].split(os.pathsep) if not shutil.which("latexmk", path=d)]
    monkeypatch.setenv("PATH", os.pathsep.join(without_latex))
    docsplane = sqlite_docsplane()
    config = READTHEDOCS_YAML.replace("  - epub\n", "  - epub\n  - pdf\n")
    fixture = Fixture(docsplane, git_repository(tmp_path / "repo", {**SPHINX_DOCS, ".readthedocs.yaml": config}))

    succeeded, build, commands = fixture.build()

    assert succeeded is False
    assert build["error"] == f"{NO_LATEX}: command -v latexmk"
    assert commands[-1]["command"] == "command -v latexmk" and commands[-1]["exit_code"] != 0
    assert stored(fixture)[0] is None and fixture.version()["built"] is False


def test_a_format_the_build_did_not_make_fails_the_build(sqlite_docsplane, tmp_path):
    docsplane = sqlite_docsplane()
    config = READTHEDOCS_YAML + "build:\n  jobs:\n    post_build:\n      - rm -r \"$READTHEDOCS_OUTPUT/epub\"\n"
    config = config.replace("build:\n  os: ubuntu-24.04\n  tools:\n    python: \"3.12\"\n", "")
    fixture = Fixture(docsplane, git_repository(tmp_path / "repo", {**SPHINX_DOCS, ".readthedocs.yaml": config}))

    succeeded, build, _ = fixture.build()

    assert succeeded is False
    assert build["error"] == "the build produced no epub output"
    assert stored(fixture)[0] is None


def test_a_new_build_replaces_the_published_output(sqlite_docsplane, tmp_path):
    docsplane = sqlite_docsplane()
    html = '"$READTHEDOCS_OUTPUT/html"'
    repo = git_repository(tmp_path / "repo", build_config(f"mkdir -p {html}", f"cat page.txt > {html}/index.html"))
    commit(repo, {"page.txt": "first"})
    fixture = Fixture(docsplane, repo)
    fixture.build()
    first, store = stored(fixture)
    commit(repo, {"page.txt": "second"})
    fixture.build()
    second, _ = stored(fixture)
    assert first["release_id"] != second["release_id"] and first["content_hash"] != second["content_hash"]
    assert store.resolve(fixture.slug, "latest", second["release_id"], "html/index.html").read_text() == "second"


def test_a_finished_build_publishes_nothing(docsplane, tmp_path):
    fixture = Fixture(docsplane, git_repository(tmp_path / "repo", SPHINX_DOCS))
    number = docsplane.builds.trigger_build("alice", fixture.slug).value
    docsplane.builds.finish_build("worker", number, False, error="Cancelled by alice")
    source = tmp_path / "out" / "html"
    source.mkdir(parents=True)
    (source / "index.html").write_text("late")
    release = docsplane.artifacts.publish(fixture.slug, "latest", source.parent)

    with pytest.raises(FieldError):
        docsplane.versions.record_publication("worker", number, release)
    docsplane.catch_up()
    assert stored(fixture)[0] is None and fixture.version()["built"] is False
