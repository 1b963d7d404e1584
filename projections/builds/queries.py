"""Queries of the builds read model: a project's builds, newest first, and one build.

Rows come back as plain dicts with booleans and JSON columns decoded; the API's schemas shape them."""

from __future__ import annotations

import orjson

from projections.query_parts import Page, as_bool

BUILD_COLUMNS = "id, project_slug, version_slug, state, success, error, commit_hash, builder, config, created, finished"

# A private version's builds are as invisible to non-maintainers as the version itself.
PUBLIC_VERSIONS_ONLY = " AND version_slug IN (SELECT slug FROM versions WHERE project_slug = ? AND privacy_level = 'public')"


def decoded_build(row: dict) -> dict:
    return {**row, "success": as_bool(row["success"]), "config": orjson.loads(row["config"]) if row["config"] else None}


class BuildQueries:
    def __init__(self, store):
        self.store = store

    def builds(self, project_slug: str, filters: dict, limit: int, offset: int, version_slug: str | None = None,
               public_versions_only: bool = False) -> Page:
        """Newest first. Non-maintainers pass `public_versions_only`."""
        where = "project_slug = ?"
        params: list = [project_slug]
        if public_versions_only:
            where += PUBLIC_VERSIONS_ONLY
            params.append(project_slug)
        if version_slug is not None:
            where += " AND version_slug = ?"
            params.append(version_slug)
        if filters.get("commit") is not None:
            where += " AND commit_hash = ?"
            params.append(filters["commit"])
        if filters.get("running") is not None:
            where += " AND state <> 'finished'" if filters["running"] else " AND state = 'finished'"
        for column in ("success", "state"):
            if filters.get(column) is not None:
                where += f" AND {column} = ?"
                params.append(filters[column])
        with self.store.reading() as tx:
            count = tx.execute(f"SELECT COUNT(*) AS n FROM builds WHERE {where}", params).fetchone()["n"]
            rows = tx.execute(
                f"SELECT {BUILD_COLUMNS} FROM builds WHERE {where} ORDER BY created DESC, id DESC LIMIT ? OFFSET ?",
                [*params, limit, offset],
            ).fetchall()
        return Page(count, [decoded_build(r) for r in rows])

    def build(self, project_slug: str, number: int, public_versions_only: bool = False) -> dict | None:
        sql = f"SELECT {BUILD_COLUMNS} FROM builds WHERE project_slug = ? AND id = ?"
        params: list = [project_slug, number]
        if public_versions_only:
            sql += PUBLIC_VERSIONS_ONLY
            params.append(project_slug)
        row = self.store.fetchone(sql, params)
        return decoded_build(row) if row else None

    def latest_build(self, project_slug: str, version_slug: str | None = None, public_versions_only: bool = False) -> dict | None:
        page = self.builds(project_slug, {}, limit=1, offset=0, version_slug=version_slug, public_versions_only=public_versions_only)
        return page.results[0] if page.results else None
