"""What the docs host answers to a request, decided from the read models: a file of a published release,
a redirect, or not found. The artifact store's `resolve` is the only way from a request path to a file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from artifacts.store import EXTENSIONS, download_path
from docshost import redirects
from docshost.access import Reader
from docshost.locate import Located, MovedTo, locate, version_root

DOWNLOADS = re.compile(r"^/_/downloads/(?P<language>[^/]+)/(?P<version>[^/]+)/(?P<format>[^/]+)/?$")


@dataclass(frozen=True)
class Serve:
    path: Path  # the real file, from the store's resolve
    relative: str  # its path inside the release (`html/guide.html`)
    project_slug: str
    version_slug: str
    release_id: str
    content_hash: str
    private: bool
    status: int = 200
    download_name: str | None = None  # a download: served as an attachment with this name


@dataclass(frozen=True)
class Redirect:
    location: str  # a path on this host, or an http(s) URL (a redirect rule's)
    status: int = 302


@dataclass(frozen=True)
class NotBuilt:
    """The root of a version that exists but has nothing to show yet (inactive, or never built)."""

    project: dict
    version: dict
    home: str  # the default version's root


@dataclass(frozen=True)
class NotFound:
    project: dict | None  # whose 404.html answers, when it has one
    reader: Reader


def published(version: dict | None) -> bool:
    return bool(version and version["active"] and version.get("published_release"))


class Decider:
    def __init__(self, queries, artifacts):
        self.queries, self.artifacts = queries, artifacts

    def decide(self, host_project: str | None, path: str, reader: Reader) -> Serve | Redirect | NotBuilt | NotFound:
        project = self.queries.project(host_project) if host_project else None
        if project is None or not reader.may_read(project):
            return NotFound(None, reader)
        download = DOWNLOADS.match(path)
        if download:
            return self.download(project, reader, **download.groupdict())
        located = locate(self.queries, project, path)
        if isinstance(located, MovedTo):
            return Redirect(located.path)
        return self.page(located, path, reader) or NotFound(project, reader)

    def page(self, at: Located, path: str, reader: Reader) -> Serve | Redirect | NotBuilt | None:
        if not reader.may_read(at.project):  # a private translation or subproject
            return None
        version = self.queries.version(at.project["slug"], at.version_slug) if at.version_slug else None
        if version is not None and not reader.may_read(at.project, version):
            return None  # a private version is not there at all: not even its redirects answer
        has_rules = version is None or version["redirects"] > 0
        rules = redirects.ordered(self.queries.redirects(at.project["slug"])) if has_rules else []
        where = redirects.Request(at.filename, path, at.path_of, version_root(at.project, at.language, None, at.root))
        forced = redirects.find(rules, where, forced_only=True)
        if forced:
            return Redirect(forced[1], forced[0].http_status)
        if published(version):
            found = self.file(at, version)
            if found:
                return found
        moved = redirects.find(rules, where)
        if moved:
            return Redirect(moved[1], moved[0].http_status)
        if version is not None and not published(version) and at.filename in ("/", "/index.html"):
            return NotBuilt(at.project, version, version_root(at.project, at.language, None, at.root))  # its docs URL answers
        return None

    def file(self, at: Located, version: dict) -> Serve | Redirect | None:
        name = at.filename + ("index.html" if at.filename.endswith("/") else "")
        found = self.serve(at.project, version, "html" + name)
        if found is None and not at.filename.endswith("/") and self._resolve(at.project, version, f"html{at.filename}/index.html"):
            return Redirect(at.path_of(at.filename + "/"))  # a directory: its index, as a web server does
        return found

    def serve(self, project: dict, version: dict, relative: str, status: int = 200,
              download_name: str | None = None) -> Serve | None:
        found = self._resolve(project, version, relative)
        if found is None:
            return None
        private = project["privacy_level"] != "public" or version["privacy_level"] != "public"
        return Serve(found, relative, project["slug"], version["slug"], version["published_release"], version.get("published_hash") or "",
                     private, status, download_name)

    def _resolve(self, project: dict, version: dict, relative: str):
        return self.artifacts.resolve(project["slug"], version["slug"], version["published_release"], relative)

    def download(self, project: dict, reader: Reader, language: str, version: str, format: str) -> Serve | NotFound:
        target = project if language == project["language"] else self.queries.translation(project, language)
        row = self.queries.version(target["slug"], version) if target and reader.may_read(target) else None
        extension = EXTENSIONS.get(format)
        if not (extension and published(row) and reader.may_read(target, row) and format in row["published_formats"]):
            return NotFound(project, reader)
        served = self.serve(target, row, download_path(format, target["slug"]),
                            download_name=f"{target['slug']}-{row['slug']}.{extension}")
        return served or NotFound(project, reader)

    def not_found_page(self, missing: NotFound) -> Serve | None:
        """The project's own 404.html, from its default version, with status 404."""
        project = missing.project
        if project is None:
            return None
        version = self.queries.version(project["slug"], project["default_version"])
        if not (published(version) and missing.reader.may_read(project, version)):
            return None
        return self.serve(project, version, "html/404.html", status=404)
