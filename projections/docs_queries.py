"""What the docs host reads to answer a request: the project of a host, its translations and subprojects,
a version with its published release, and the project's redirects. Read models only, never the event store."""

from __future__ import annotations

import json


def _project(row: dict | None) -> dict | None:
    if row is None:
        return None
    return {**row, "users": json.loads(row["users"]), "single_version": bool(row["single_version"])}


def _formats(stored) -> list[str]:
    """`published_formats` as stored (a JSON list; NULL before any publication)."""
    return json.loads(stored) if isinstance(stored, str) else (stored or [])


def _version(row: dict | None) -> dict | None:
    if row is None:
        return None
    return {**row, "active": bool(row["active"]), "published_formats": _formats(row.get("published_formats"))}


class DocsQueries:
    def __init__(self, store):
        self.store = store

    def project(self, slug: str) -> dict | None:
        return _project(self.store.fetchone("SELECT * FROM projects WHERE slug = ?", (slug,)))

    def translation(self, project: dict, language: str) -> dict | None:
        """The translation of `project` into `language` (a translation's own original's, if it is one)."""
        original = project["translation_of"] or project["slug"]
        return _project(self.store.fetchone(
            "SELECT * FROM projects WHERE (translation_of = ? OR slug = ?) AND language = ? ORDER BY slug",
            (original, original, language)))

    def subproject(self, parent: dict, alias: str) -> dict | None:
        return _project(self.store.fetchone(
            "SELECT c.* FROM subprojects s JOIN projects c ON c.aggregate_id = s.child_id WHERE s.parent_id = ? AND s.alias = ?",
            (parent["aggregate_id"], alias)))

    def version(self, project_slug: str, slug: str) -> dict | None:
        """The version, with `redirects`: how many the project has (none, the usual case: no need to read them)."""
        return _version(self.store.fetchone(
            "SELECT v.*, (SELECT COUNT(*) FROM redirects r WHERE r.project_slug = v.project_slug) AS redirects"
            " FROM versions v WHERE v.project_slug = ? AND v.slug = ?", (project_slug, slug)))

    def redirects(self, project_slug: str) -> list[dict]:
        # Every column: the fields that arrive later (position, force, enabled, http_status) are read when present.
        return self.store.fetchall("SELECT * FROM redirects WHERE project_slug = ?", (project_slug,))

    def downloadable(self, project_slug: str, public_only: bool) -> list[dict]:
        """The active versions with offline formats published: `slug` and `formats` (html aside)."""
        sql = "SELECT slug, published_formats FROM versions WHERE project_slug = ? AND active = ? AND published_release IS NOT NULL"
        if public_only:
            sql += " AND privacy_level = 'public'"
        rows = self.store.fetchall(sql + " ORDER BY created, id", (project_slug, True))
        return [{"slug": row["slug"], "formats": [f for f in _formats(row["published_formats"]) if f != "html"]} for row in rows]
