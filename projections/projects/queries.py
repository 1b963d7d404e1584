"""Queries of the projects read model: a project, its detail with its active versions, and the
projects a user maintains. A project the viewer may not see is None, as if it did not exist.

Rows come back as plain dicts with booleans and JSON columns decoded; the API's schemas shape them."""

from __future__ import annotations

import orjson

from projections.query_parts import Page, as_bool, in_transaction, like_contains
from projections.times import as_event_time
from projections.versions.queries import (
    LAST_BUILD_COLUMNS, VERSION_COLUMNS, attach_active_versions, decoded_version, with_aliases_among,
)
from projections.visibility import hide_invisible_links, sees_private

PROJECT_FILTERS = ("language", "programming_language", "privacy_level")

# A project and its active versions in one statement: one row per version (or one with NULL
# versions), the version columns prefixed with `v_`. One statement needs no transaction for a
# consistent snapshot, so a GET of a project is one round trip instead of four.
PROJECT_DETAIL_SELECT = (
    f"SELECT p.*, {', '.join(f'v.{c} AS v_{c}' for c in VERSION_COLUMNS)}, {LAST_BUILD_COLUMNS} FROM projects p"
    " LEFT JOIN versions v ON v.project_slug = p.slug AND v.project_id = p.aggregate_id AND v.active = ?"
    " LEFT JOIN builds lb ON lb.id = v.last_build_id"
    " WHERE p.slug = ? ORDER BY v.created, v.id"
)
ACTIVE_VERSIONS_SHOWN = 1000


def decoded_project(row: dict) -> dict:
    return {**row, "tags": orjson.loads(row["tags"]), "users": orjson.loads(row["users"]),
            "single_version": as_bool(row["single_version"])}


def _visible_project(row: dict | None, viewer: str | None, scope: list[str] | None = None) -> dict | None:
    if row is None:
        return None
    project = decoded_project(row)
    if project["privacy_level"] == "private" and not sees_private(project, viewer, scope):
        return None
    return project


def _project_with_active_versions(rows: list[dict], viewer: str | None, scope: list[str] | None = None) -> dict | None:
    """The project of PROJECT_DETAIL_SELECT's rows, with the active versions `viewer` may see."""
    if not rows:
        return None
    project = _visible_project({k: v for k, v in rows[0].items() if not k.startswith(("v_", "lb_"))}, viewer, scope)
    if project is None:
        return None
    public_only = not sees_private(project, viewer, scope)
    versions = [
        decoded_version({**{c: row[f"v_{c}"] for c in VERSION_COLUMNS}, "language": row["language"],
                         "repository_url": row["repository_url"],
                         "single_version": row["single_version"], **{k: v for k, v in row.items() if k.startswith("lb_")}})
        for row in rows
        if row["v_aggregate_id"] is not None and not (public_only and row["v_privacy_level"] != "public")
    ]
    project["active_versions"] = with_aliases_among(versions)[:ACTIVE_VERSIONS_SHOWN]
    return project


class ProjectQueries:
    def __init__(self, store):
        self.store = store

    def project(self, slug: str, viewer: str | None, scope: list[str] | None = None) -> dict | None:
        """The project, or None when it does not exist or the viewer may not see it (`sees_private`)."""
        project = _visible_project(self.store.fetchone("SELECT * FROM projects WHERE slug = ?", (slug,)), viewer, scope)
        return project and self.without_invisible_links([project], viewer, scope)[0]

    def without_invisible_links(self, projects: list[dict], viewer: str | None, scope: list[str] | None = None) -> list[dict]:
        """The projects with their `subproject_of`/`translation_of` cleared where they name a project
        the viewer may not see."""
        return hide_invisible_links(self.store.fetchall, projects, viewer, scope)

    def project_exists(self, slug: str) -> bool:
        return self.store.fetchone("SELECT 1 AS one FROM projects WHERE slug = ?", (slug,)) is not None

    def project_detail(self, slug: str, viewer: str | None, scope: list[str] | None = None) -> dict | None:
        """The project with its active versions (the seed's `active_versions`), in one statement
        (a second one only when it names a subproject's parent or a translation's original)."""
        project = _project_with_active_versions(self.store.fetchall_prepared(PROJECT_DETAIL_SELECT, (True, slug)), viewer, scope)
        return project and self.without_invisible_links([project], viewer, scope)[0]

    def projects_of(self, username: str, filters: dict, limit: int, offset: int, slugs: list[str] | None = None) -> Page:
        """`slugs`: only these (a project-limited token's projects); None: all of the user's."""
        where = ["m.username = ?"]
        params: list = [username]
        if slugs is not None:
            where.append(f"p.slug IN ({', '.join('?' * len(slugs))})")
            params.extend(slugs)
        for column in PROJECT_FILTERS:
            if filters.get(column) is not None:
                where.append(f"p.{column} = ?")
                params.append(filters[column])
        for column in ("name", "slug"):  # contains, case-insensitive
            if filters.get(column):
                where.append(f"LOWER(p.{column}) LIKE ? ESCAPE '\\'")
                params.append(like_contains(filters[column].lower()))
        for key, operator in (("created__gte", ">="), ("created__lte", "<=")):
            if filters.get(key) is not None:
                where.append(f"p.created {operator} ?")
                params.append(as_event_time(filters[key]))
        base = f"FROM projects p JOIN project_maintainers m ON m.project_id = p.aggregate_id WHERE {' AND '.join(where)}"
        with self.store.reading() as tx:
            count = tx.execute(f"SELECT COUNT(*) AS n {base}", params).fetchone()["n"]
            rows = tx.execute(f"SELECT p.* {base} ORDER BY p.created DESC, p.id DESC LIMIT ? OFFSET ?", [*params, limit, offset]).fetchall()
            projects = hide_invisible_links(in_transaction(tx), [decoded_project(r) for r in rows], username, slugs)
            # The caller maintains every listed project, so all their active versions are visible.
            attach_active_versions(tx, projects, public_only=False)
        return Page(count, projects)
