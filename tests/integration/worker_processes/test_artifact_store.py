"""The filesystem artifact store on a real filesystem: publish, switch, prune, remove; links and
special files in a build's output never followed; a publisher killed midway."""

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from artifacts.filesystem import STAGING, FilesystemArtifactStore
from artifacts.store import content_hash

ROOT = Path(__file__).resolve().parents[3]


def output(directory: Path, pages: dict[str, str], formats=("epub",)) -> Path:
    """A build's output dir: html pages plus one file per format, named as Sphinx's builders leave them."""
    for name, text in pages.items():
        (directory / "html" / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / "html" / name).write_text(text)
    names = {"htmlzip": "proj.zip", "epub": "proj.epub", "pdf": "proj.pdf"}
    for format_ in formats:
        (directory / format_).mkdir(parents=True, exist_ok=True)
        (directory / format_ / names[format_]).write_bytes(f"{format_} of {pages}".encode())
    return directory


def releases(store, version="latest") -> list[str]:
    return sorted(p.name for p in (store.root / "proj" / version / "releases").iterdir())


@pytest.fixture
def store(tmp_path):
    return FilesystemArtifactStore(tmp_path / "store")


def test_a_publish_copies_the_output_and_makes_it_current(store, tmp_path):
    source = output(tmp_path / "out", {"index.html": "v1", "sub/page.html": "page"}, formats=("htmlzip", "epub"))
    (source / "junk.txt").write_text("not part of any format")
    release = store.publish("proj", "latest", source)
    assert release.formats == ["html", "htmlzip", "epub"]
    assert (release.files, release.bytes) == (4, sum(len(p.read_bytes()) for p in source.rglob("*.*")) - len("not part of any format"))
    current = store.root / "proj" / "latest" / "current"
    assert os.readlink(current) == f"releases/{release.release_id}"
    assert (current / "html" / "sub" / "page.html").read_text() == "page"
    assert not (current / "junk.txt").exists()
    files = [p for p in (current.resolve()).rglob("*") if p.is_file()]
    assert release.content_hash == content_hash(
        (str(p.relative_to(current.resolve())), hashlib.sha256(p.read_bytes()).hexdigest()) for p in files)


def test_the_same_output_gives_the_same_hash_and_another_one_another(store, tmp_path):
    first = store.publish("proj", "latest", output(tmp_path / "a", {"index.html": "same"}))
    again = store.publish("proj", "latest", output(tmp_path / "b", {"index.html": "same"}))
    other = store.publish("proj", "latest", output(tmp_path / "c", {"index.html": "changed"}))
    assert first.content_hash == again.content_hash != other.content_hash
    assert len({first.release_id, again.release_id, other.release_id}) == 3


def test_a_new_release_replaces_the_old_and_the_one_before_is_pruned(store, tmp_path):
    ids = [store.publish("proj", "latest", output(tmp_path / str(n), {"index.html": f"v{n}"})).release_id
           for n in range(3)]
    assert releases(store) == sorted(ids[1:])  # the previous one stays while the read model may name it
    assert (store.root / "proj" / "latest" / "current" / "html" / "index.html").read_text() == "v2"
    assert store.resolve("proj", "latest", ids[0], "html/index.html") is None
    assert store.resolve("proj", "latest", ids[1], "html/index.html").read_text() == "v1"


def test_removing_versions_and_projects_is_idempotent(store, tmp_path):
    source = output(tmp_path / "out", {"index.html": "x"})
    kept = store.publish("proj", "stable", source)
    gone = store.publish("proj", "latest", source)
    store.remove_version("proj", "latest")
    store.remove_version("proj", "latest")
    store.remove_version("proj", "never-published")
    assert store.resolve("proj", "latest", gone.release_id, "html/index.html") is None
    assert store.resolve("proj", "stable", kept.release_id, "html/index.html") is not None
    store.remove_project("proj")
    store.remove_project("proj")
    store.remove_project("other")
    assert sorted(p.name for p in store.root.iterdir()) == [".trash"]
    assert list((store.root / ".trash").iterdir()) == []


def test_links_and_special_files_in_the_output_are_skipped_never_followed(store, tmp_path):
    secret = tmp_path / "secrets.key"
    secret.write_text("TOP-SECRET-KEY")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "key.txt").write_text("TOP-SECRET-KEY")
    source = output(tmp_path / "out", {"index.html": "home", "_static/style.css": "css"}, formats=())
    os.symlink(secret, source / "html" / "_static" / "key.txt")  # what Sphinx would copy of a linked static file
    os.symlink(tmp_path / "elsewhere", source / "html" / "linked-dir")
    os.symlink("style.css", source / "html" / "_static" / "inside.css")  # even a link that stays inside
    os.mkfifo(source / "html" / "pipe")
    (source / "epub").mkdir()
    os.symlink(secret, source / "epub" / "proj.epub")
    os.symlink(tmp_path / "elsewhere", source / "pdf")
    release = store.publish("proj", "latest", source)
    stored = store.release_root("proj", "latest", release.release_id)
    names = sorted(str(p.relative_to(stored)) for p in stored.rglob("*"))
    assert names == ["html", "html/_static", "html/_static/style.css", "html/index.html"]
    assert release.formats == ["html"] and release.files == 2
    assert not any(b"TOP-SECRET" in p.read_bytes() for p in stored.rglob("*") if p.is_file())


def test_an_output_that_is_itself_a_link_is_refused(store, tmp_path):
    real = output(tmp_path / "real", {"index.html": "x"})
    os.symlink(real, tmp_path / "link")
    with pytest.raises(OSError):
        store.publish("proj", "latest", tmp_path / "link")


PUBLISHER = """
import sys
from pathlib import Path
from artifacts.filesystem import FilesystemArtifactStore
FilesystemArtifactStore(Path(sys.argv[1])).publish("proj", "latest", Path(sys.argv[2]))
"""


def test_a_publisher_killed_midway_leaves_the_previous_release_and_the_next_publish_cleans_up(store, tmp_path):
    old = store.publish("proj", "latest", output(tmp_path / "old", {"index.html": "old"}))
    big = output(tmp_path / "big", {"index.html": "new"})
    chunk = os.urandom(128 * 1024)
    for n in range(800):
        (big / "html" / f"page{n:04}.bin").write_bytes(chunk)
    process = subprocess.Popen([sys.executable, "-c", PUBLISHER, str(store.root), str(big)], cwd=ROOT)
    releases_dir = store.root / "proj" / "latest" / "releases"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        staging = [p for p in releases_dir.iterdir() if p.name.startswith(STAGING)]
        if staging and len(list((staging[0] / "html").glob("*.bin"))) > 20:
            break
        assert process.poll() is None, "the publish ended before it could be killed"
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    current = store.root / "proj" / "latest" / "current"
    assert os.readlink(current) == f"releases/{old.release_id}"
    assert (current / "html" / "index.html").read_text() == "old"
    assert any(p.name.startswith(STAGING) for p in releases_dir.iterdir())  # the half-copied release

    new = store.publish("proj", "latest", output(tmp_path / "next", {"index.html": "next"}))
    assert releases(store) == sorted([old.release_id, new.release_id])
    assert (current / "html" / "index.html").read_text() == "next"
