"""The artifact store's interface, shared by the build runner (publish), the docs host (resolve,
release_root) and the follower that removes deleted projects' and versions' output."""

from __future__ import annotations

import hashlib
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# The offline formats, in Read the Docs' order, and each one's single file inside a release.
DOWNLOAD_FORMATS = ("pdf", "htmlzip", "epub")
EXTENSIONS = {"htmlzip": "zip", "epub": "epub", "pdf": "pdf"}
HTML = "html"
# Slugs and release ids become path components: one component each, never `.` or `..`.
COMPONENT = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,254}$")


def download_path(format_: str, project_slug: str) -> str:
    """A format's file inside a release, e.g. `epub/<project>.epub` (Read the Docs' names)."""
    return f"{format_}/{project_slug}.{EXTENSIONS[format_]}"


def require_component(kind: str, value: str) -> str:
    if not isinstance(value, str) or not COMPONENT.match(value):
        raise ValueError(f"invalid {kind}: {value!r}")
    return value


@dataclass(frozen=True)
class Release:
    """What one publish stored: its id, the formats found (html first), and a summary of the files."""

    release_id: str
    formats: list[str]
    files: int
    bytes: int
    content_hash: str


def content_hash(entries: Iterable[tuple[str, str]]) -> str:
    """One digest of a release's files, given (relative path, sha256 of the content) pairs: the same
    tree gives the same hash whatever order it was copied in."""
    digest = hashlib.sha256()
    for path, file_digest in sorted(entries):
        digest.update(path.encode("utf-8", "surrogateescape") + b"\0" + file_digest.encode() + b"\n")
    return f"sha256:{digest.hexdigest()}"


class ArtifactStore(ABC):
    """Releases per version: `publish` makes a new one current atomically; older ones are pruned."""

    @abstractmethod
    def publish(self, project_slug: str, version_slug: str, source_dir: Path) -> Release:
        """Copy a build's output (`html/…`, `htmlzip/<project>.zip`, `epub/<project>.epub`,
        `pdf/<project>.pdf`) into a new release and make it the version's current one. Symlinks and
        special files in source_dir are skipped, never followed."""

    @abstractmethod
    def resolve(self, project_slug: str, version_slug: str, release_id: str, relative_path: str) -> Path | None:
        """The regular file a request path names inside a release (e.g. `html/index.html`), or None
        when it is missing or the path would leave the release (`..`, absolute, symlinks, NUL)."""

    @abstractmethod
    def release_root(self, project_slug: str, version_slug: str, release_id: str) -> Path:
        """The directory of a release (for a front server's internal redirects)."""

    @abstractmethod
    def remove_version(self, project_slug: str, version_slug: str) -> None:
        """Remove every release of a version; nothing to remove is not an error."""

    @abstractmethod
    def remove_project(self, project_slug: str) -> None:
        """Remove every version's releases of a project; nothing to remove is not an error."""

    @abstractmethod
    def version_slugs(self, project_slug: str) -> list[str]:
        """The versions of a project that have output stored (to clean up after a reused slug)."""
