"""The artifact store's pure parts: the content hash of a release, and which request paths `resolve`
answers (the one place reading path safety lives)."""

import os

import pytest

from artifacts.filesystem import FilesystemArtifactStore, new_release_id
from artifacts.store import content_hash, download_path


def test_the_content_hash_ignores_the_order_files_were_copied_in():
    entries = [("html/index.html", "aa"), ("html/_static/a.css", "bb"), ("epub/p.epub", "cc")]
    assert content_hash(entries) == content_hash(list(reversed(entries)))
    assert content_hash(entries).startswith("sha256:")


def test_the_content_hash_changes_with_a_name_or_a_content():
    entries = [("html/index.html", "aa")]
    assert content_hash(entries) != content_hash([("html/index.htm", "aa")])
    assert content_hash(entries) != content_hash([("html/index.html", "ab")])
    assert content_hash([("a", "b\n"), ("c", "d")]) != content_hash([("a", "b"), ("\nc", "d")])


def test_download_paths_use_read_the_docs_file_names():
    assert [download_path(f, "proj") for f in ("htmlzip", "epub", "pdf")] == [
        "htmlzip/proj.zip", "epub/proj.epub", "pdf/proj.pdf"]


@pytest.fixture
def release(tmp_path):
    """A published release with html/index.html, html/sub/page.html and epub/proj.epub."""
    source = tmp_path / "output"
    (source / "html" / "sub").mkdir(parents=True)
    (source / "html" / "index.html").write_text("home")
    (source / "html" / "sub" / "page.html").write_text("page")
    (source / "epub").mkdir()
    (source / "epub" / "proj.epub").write_bytes(b"EPUB")
    (tmp_path / "outside.txt").write_text("secret")
    store = FilesystemArtifactStore(tmp_path / "store")
    published = store.publish("proj", "latest", source)
    return store, published.release_id, tmp_path


def test_resolve_answers_the_files_of_a_release(release):
    store, release_id, _ = release
    assert store.resolve("proj", "latest", release_id, "html/sub/page.html").read_text() == "page"
    assert store.resolve("proj", "latest", release_id, "epub/proj.epub").read_bytes() == b"EPUB"
    assert store.resolve("proj", "latest", release_id, "html/missing.html") is None
    assert store.resolve("proj", "latest", release_id, "html/sub") is None  # a directory is not a file


@pytest.mark.parametrize("path", [
    "../latest/current", "html/../../../outside.txt", "/etc/passwd", "html//index.html", "html/./index.html",
    "html/index.html\x00.png", "html\\index.html", "", "html/", ".", "..",
])
def test_resolve_refuses_paths_that_leave_or_bend_the_release(release, path):
    store, release_id, _ = release
    assert store.resolve("proj", "latest", release_id, path) is None


@pytest.mark.parametrize("project, version, release_id", [
    ("..", "latest", None), ("proj", "..", None), ("proj", "a/b", None), ("proj", "latest", "current"),
    ("proj", "latest", "../releases"), ("proj", "latest", ".staging-x"), ("proj\x00", "latest", None),
])
def test_resolve_refuses_bad_slugs_and_release_ids(release, project, version, release_id):
    store, real_id, _ = release
    assert store.resolve(project, version, release_id or real_id, "html/index.html") is None


def test_resolve_does_not_follow_a_symlink_planted_in_a_release(release):
    store, release_id, tmp_path = release
    root = store.release_root("proj", "latest", release_id)
    os.symlink(tmp_path / "outside.txt", root / "html" / "leak.txt")
    os.symlink(tmp_path, root / "html" / "up")
    assert store.resolve("proj", "latest", release_id, "html/leak.txt") is None
    assert store.resolve("proj", "latest", release_id, "html/up/outside.txt") is None


def test_release_ids_sort_by_time_and_are_unique():
    ids = {new_release_id() for _ in range(100)}
    assert len(ids) == 100
