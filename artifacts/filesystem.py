"""The artifact store on a filesystem (the embedded default, under the data dir; any shared
filesystem in production):

    <root>/<project>/<version>/releases/<release_id>/html/…, htmlzip/<project>.zip, …
    <root>/<project>/<version>/current -> releases/<release_id>

A release is copied into a staging directory, renamed into place, then `current` is switched with
one rename of a new symlink: a reader sees the old release or the new one, never half of one, and a
publisher killed midway leaves only a staging directory that the next publish removes."""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import re
import secrets
import shutil
import stat
import time
from contextlib import contextmanager
from pathlib import Path

from artifacts.store import (
    COMPONENT, EXTENSIONS, HTML, ArtifactStore, Release, content_hash, download_path, require_component,
)

log = logging.getLogger(__name__)

RELEASE_ID = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{8}$")
STAGING = ".staging-"  # a release being copied; never a valid release id
CURRENT = "current"
TRASH = ".trash"  # removed versions and projects are renamed here first, so they vanish at once
CHUNK = 1024 * 1024
DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
# O_NONBLOCK: opening a FIFO swapped in for a file must not hang the publisher.
FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK


def new_release_id() -> str:
    """Sorts by creation time; the random part keeps two publishes in one second apart."""
    return f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{secrets.token_hex(4)}"


class FilesystemArtifactStore(ArtifactStore):
    def __init__(self, root: Path):
        self.root = Path(root)

    def publish(self, project_slug: str, version_slug: str, source_dir: Path) -> Release:
        version_dir = self._version_dir(project_slug, version_slug)
        releases = version_dir / "releases"
        releases.mkdir(parents=True, exist_ok=True)
        with _locked(version_dir / ".lock"):
            _remove_leftovers(version_dir, releases)
            release_id = new_release_id()
            staging = releases / f"{STAGING}{release_id}"
            staging.mkdir()
            formats, entries, size = _copy_output(Path(source_dir), staging, project_slug)
            os.rename(staging, releases / release_id)
            previous = self._current_release(version_dir)
            _switch(version_dir, f"releases/{release_id}")
            _prune(releases, keep={release_id, previous})
        return Release(release_id, formats, len(entries), size, content_hash(entries))

    def resolve(self, project_slug: str, version_slug: str, release_id: str, relative_path: str) -> Path | None:
        try:
            root = self.release_root(project_slug, version_slug, release_id)
        except ValueError:
            return None
        if not isinstance(relative_path, str) or "\x00" in relative_path or "\\" in relative_path:
            return None
        parts = relative_path.split("/")
        if any(part in ("", ".", "..") for part in parts):  # also an absolute path's empty first part
            return None
        # Every directory from the store's root down must be a real one, the last a regular file.
        path = self.root
        for part in (project_slug, version_slug, "releases", release_id, *parts[:-1]):
            path = path / part
            if not _is(path, stat.S_ISDIR):
                return None
        path = path / parts[-1]
        return path if _is(path, stat.S_ISREG) else None

    def release_root(self, project_slug: str, version_slug: str, release_id: str) -> Path:
        if not isinstance(release_id, str) or not RELEASE_ID.match(release_id):
            raise ValueError(f"invalid release id: {release_id!r}")
        return self._version_dir(project_slug, version_slug) / "releases" / release_id

    def remove_version(self, project_slug: str, version_slug: str) -> None:
        self._remove(self._version_dir(project_slug, version_slug))

    def remove_project(self, project_slug: str) -> None:
        self._remove(self.root / require_component("project slug", project_slug))

    def version_slugs(self, project_slug: str) -> list[str]:
        try:
            entries = list(os.scandir(self.root / require_component("project slug", project_slug)))
        except (FileNotFoundError, NotADirectoryError):
            return []
        return sorted(e.name for e in entries if e.is_dir(follow_symlinks=False) and COMPONENT.match(e.name))

    def current_release(self, project_slug: str, version_slug: str) -> str | None:
        """The release `current` points at (the read model's published release is what readers use)."""
        return self._current_release(self._version_dir(project_slug, version_slug))

    def _version_dir(self, project_slug: str, version_slug: str) -> Path:
        return self.root / require_component("project slug", project_slug) / require_component("version slug", version_slug)

    @staticmethod
    def _current_release(version_dir: Path) -> str | None:
        try:
            target = os.readlink(version_dir / CURRENT)
        except (FileNotFoundError, OSError):
            return None
        name = target.rsplit("/", 1)[-1]
        return name if RELEASE_ID.match(name) else None

    def _remove(self, directory: Path) -> None:
        trash = self.root / TRASH
        trash.mkdir(parents=True, exist_ok=True)
        doomed = trash / secrets.token_hex(8)
        try:
            os.rename(directory, doomed)
        except FileNotFoundError:
            pass
        for leftover in trash.iterdir():  # also what a removal killed midway left
            shutil.rmtree(leftover, ignore_errors=True)


@contextmanager
def _locked(path: Path):
    """One publish per version at a time; the kernel releases the lock of a killed publisher."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _remove_leftovers(version_dir: Path, releases: Path) -> None:
    for path in releases.glob(f"{STAGING}*"):
        log.warning("removing %s, left by a publish that was interrupted", path)
        shutil.rmtree(path, ignore_errors=True)
    for path in version_dir.glob(f".{CURRENT}-*"):
        path.unlink(missing_ok=True)


def _switch(version_dir: Path, target: str) -> None:
    temporary = version_dir / f".{CURRENT}-{secrets.token_hex(4)}"
    os.symlink(target, temporary)
    os.replace(temporary, version_dir / CURRENT)


def _prune(releases: Path, keep: set[str | None]) -> None:
    """The previous release stays until the next switch: the read model may still name it."""
    for path in releases.iterdir():
        if RELEASE_ID.match(path.name) and path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)


def _is(path: Path, kind) -> bool:
    try:
        return kind(os.lstat(path).st_mode)
    except (OSError, ValueError):
        return False


# -- copying a build's output without following links -----------------------------------------
def _copy_output(source: Path, target: Path, project_slug: str) -> tuple[list[str], list[tuple[str, str]], int]:
    """Copies html/ and each format's file; returns (formats, [(path, sha256)], bytes)."""
    entries: list[tuple[str, str]] = []
    size = 0
    formats = []
    source_fd = os.open(source, DIRECTORY)
    try:
        html_fd = _open_directory(HTML, source_fd)
        if html_fd is not None:
            size += _copy_tree(html_fd, target / HTML, HTML, entries)
            formats.append(HTML)
        for format_ in EXTENSIONS:
            relative = download_path(format_, project_slug)
            directory_fd = _open_directory(format_, source_fd)
            if directory_fd is None:
                continue
            try:
                name = relative.split("/")[1]
                (target / format_).mkdir()
                copied = _copy_file(directory_fd, name, target / relative)
            finally:
                os.close(directory_fd)
            if copied is None:
                (target / format_).rmdir()
                continue
            entries.append((relative, copied[0]))
            size += copied[1]
            formats.append(format_)
    finally:
        os.close(source_fd)
    return formats, entries, size


def _open_directory(name: str, parent_fd: int) -> int | None:
    try:
        return os.open(name, DIRECTORY, dir_fd=parent_fd)
    except OSError:  # missing, a symlink (ELOOP), or not a directory
        return None


def _copy_tree(top_fd: int, target: Path, prefix: str, entries: list[tuple[str, str]]) -> int:
    """Copies a directory tree read through directory descriptors: a symlink anywhere, or a
    directory swapped for one while copying, is skipped, never followed. Closes top_fd."""
    size = 0
    pending = [(top_fd, target, prefix)]
    try:
        while pending:
            size += _copy_directory(*pending.pop(), pending, entries)
    finally:
        for fd, _, _ in pending:  # an error stopped the copy: the descriptors still open
            os.close(fd)
    return size


def _copy_directory(fd: int, directory: Path, relative: str, pending: list, entries: list[tuple[str, str]]) -> int:
    """Copies one directory's files, queues its subdirectories; closes fd."""
    size = 0
    try:
        directory.mkdir()
        with os.scandir(fd) as listing:
            items = [(entry.name, entry.is_dir(follow_symlinks=False), entry.is_file(follow_symlinks=False),
                      entry.is_symlink()) for entry in listing]
        for name, is_dir, is_file, is_link in items:
            path = f"{relative}/{name}"
            if is_dir:
                child = _open_directory(name, fd)
                if child is not None:
                    pending.append((child, directory / name, path))
            elif is_file:
                copied = _copy_file(fd, name, directory / name)
                if copied is not None:
                    entries.append((path, copied[0]))
                    size += copied[1]
            else:
                log.warning("not published: %r is a %s", path, "symlink" if is_link else "special file")
    finally:
        os.close(fd)
    return size


def _copy_file(directory_fd: int, name: str, target: Path) -> tuple[str, int] | None:
    """(sha256, bytes) of the copied file; None when it is not a regular file (a symlink, a FIFO)."""
    try:
        fd = os.open(name, FILE, dir_fd=directory_fd)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        digest = hashlib.sha256()
        size = 0
        with open(target, "xb") as out:
            while chunk := os.read(fd, CHUNK):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
        return digest.hexdigest(), size
    finally:
        os.close(fd)
