"""Read the Docs' URLs on a project's docs host, read as (project, language, version, file):
`/{lang}/{version}/{file}`; a single-version project's `/{file}`; a translation under its language;
a subproject under `/projects/{alias}/`; `/` and `/{lang}/` lead to the default version."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Located:
    project: dict  # the project whose files answer (the host's own, a translation, a subproject)
    language: str
    version_slug: str | None  # None: the path names no version (only `exact` redirects can apply)
    filename: str  # the path within the version, from "/"; "" with no version
    root: str  # the project's place on this host: "" or "/projects/{alias}"

    def path_of(self, filename: str, version_slug: str | None = None) -> str:
        """The full path of a file of this project's language and (this, or another) version."""
        return version_root(self.project, self.language, version_slug or self.version_slug, self.root) + filename.lstrip("/")


@dataclass(frozen=True)
class MovedTo:
    path: str  # where the same resource is, on this host (a redirect, 302)


def version_root(project: dict, language: str, version_slug: str | None, root: str = "") -> str:
    if project["single_version"]:
        return f"{root}/"
    return f"{root}/{language}/{version_slug or project['default_version']}/"


def locate(queries, project: dict, path: str, root: str = "") -> Located | MovedTo:
    """`path`: the request's decoded path on the host of `project` (a subproject's: what follows its alias)."""
    if path.startswith("/projects/"):
        alias, _, rest = path[len("/projects/"):].partition("/")
        child = queries.subproject(project, alias) if alias else None
        if child is not None:
            here = f"{root}/projects/{alias}"
            return MovedTo(version_root(child, child["language"], None, here)) if not rest else locate(queries, child, "/" + rest, here)
    if project["single_version"]:
        return Located(project, project["language"], project["default_version"], path, root)
    language, _, rest = path[1:].partition("/")
    if not language:
        return MovedTo(version_root(project, project["language"], None, root))
    target = project if language == project["language"] else queries.translation(project, language)
    if target is None:
        return Located(project, project["language"], None, "", root)
    version, slash, filename = rest.partition("/")
    if not version:
        return MovedTo(version_root(target, language, None, root))
    if not slash:
        return MovedTo(f"{root}/{language}/{version}/")
    return Located(target, language, version, "/" + filename, root)
