"""Queries of the versions read model: a project's versions, one version, and the active versions
of a list of projects. A version answers with its last build and its alias (`stable` stands for
the newest release), read with it.

Rows come back as plain dicts with booleans and JSON columns decoded; the API's schemas shape them."""

from __future__ import annotations

import orjson

from projections.builds.queries import BUILD_COLUMNS, decoded_build
from projections.query_parts import Page, like_contains

LAST_BUILD_COLUMNS = ", ".join(f"lb.{c} AS lb_{c}" for c in BUILD_COLUMNS.split(", "))
VERSION_COLUMNS = (
    "aggregate_id, id, project_id, project_slug, slug, verbose_name, identifier, type, active, built, hidden,"
    " privacy_level, alias_of, last_build_id, published_formats, created, modified, aggregate_version"
).split(", ")
VERSION_SELECT = (
    f"SELECT {', '.join(f'v.{c}' for c in VERSION_COLUMNS)}, p.language, p.repository_url, p.single_version, {LAST_BUILD_COLUMNS} FROM versions v"
    " LEFT JOIN projects p ON p.aggregate_id = v.project_id"
    " LEFT JOIN builds lb ON lb.id = v.last_build_id"
)


def decoded_version(row: dict) -> dict:
    """A row of VERSION_SELECT, its last build's `lb_` columns gathered as `last_build`."""
    version = {k: v for k, v in row.items() if not k.startswith("lb_")}
    for key in ("active", "built", "hidden"):
        version[key] = bool(version[key])
    version["published_formats"] = orjson.loads(version["published_formats"]) if version["published_formats"] else []
    version["last_build"] = decoded_build({k[3:]: v for k, v in row.items() if k.startswith("lb_")}) if row.get("lb_id") else None
    return version


def with_aliases(tx, versions: list[dict], public_only: bool) -> list[dict]:
    """Sets each version's `aliases`: the active version it stands for (`stable` → the newest
    release), as a one-item list, or an empty one. One query for the whole list."""
    wanted = {(v["project_id"], v["alias_of"]) for v in versions if v["alias_of"]}
    found: dict[tuple[str, str], dict] = {}
    if wanted:
        projects, slugs = sorted({p for p, _ in wanted}), sorted({s for _, s in wanted})
        sql = (
            f"{VERSION_SELECT} WHERE v.project_id IN ({', '.join('?' * len(projects))})"
            f" AND v.slug IN ({', '.join('?' * len(slugs))}) AND v.active = ?"
        )
        if public_only:
            sql += " AND v.privacy_level = 'public'"
        for row in tx.execute(sql, [*projects, *slugs, True]).fetchall():
            found[(row["project_id"], row["slug"])] = decoded_version(row)
    for version in versions:
        alias = found.get((version["project_id"], version["alias_of"]))
        version["aliases"] = [alias] if alias else []
    return versions


def with_aliases_among(versions: list[dict]) -> list[dict]:
    """Sets `aliases` as with_aliases does, when `versions` are all the active versions the
    caller may see: an alias stands for one of them, so no query is needed."""
    by_slug = {version["slug"]: dict(version) for version in versions}  # copies, without `aliases`
    for version in versions:
        alias = version["alias_of"] and by_slug.get(version["alias_of"])
        version["aliases"] = [alias] if alias else []
    return versions


def attach_active_versions(tx, projects: list[dict], public_only: bool) -> list[dict]:
    """Sets each project's `active_versions`, with one query for the whole list."""
    by_id = {p["aggregate_id"]: p for p in projects}
    for project in projects:
        project["active_versions"] = []
    if by_id:
        sql = f"{VERSION_SELECT} WHERE v.project_id IN ({', '.join('?' * len(by_id))}) AND v.active = ?"
        if public_only:
            sql += " AND v.privacy_level = 'public'"
        versions = tx.execute(f"{sql} ORDER BY v.created, v.id", [*by_id, True]).fetchall()
        for version in with_aliases(tx, [decoded_version(row) for row in versions], public_only=public_only):
            by_id[version["project_id"]]["active_versions"].append(version)
    return projects


class VersionQueries:
    def __init__(self, store):
        self.store = store

    def _version_visibility(self, project: dict, viewer: str | None) -> tuple[str, list]:
        if viewer in project["users"]:
            return "", []
        return " AND v.privacy_level = ?", ["public"]

    def versions(self, project: dict, viewer: str | None, filters: dict, limit: int, offset: int) -> Page:
        with self.store.reading() as tx:
            return self._versions(tx, project, viewer, filters, limit, offset)

    def _versions(self, tx, project: dict, viewer: str | None, filters: dict, limit: int, offset: int) -> Page:
        where, params = self._versions_where(project, viewer, filters)
        count = tx.execute(f"SELECT COUNT(*) AS n FROM versions v WHERE {where}", params).fetchone()["n"]
        return Page(count, self._version_rows(tx, project, viewer, filters, limit, offset))

    def _version_rows(self, tx, project: dict, viewer: str | None, filters: dict, limit: int, offset: int) -> list[dict]:
        where, params = self._versions_where(project, viewer, filters)
        rows = tx.execute(f"{VERSION_SELECT} WHERE {where} ORDER BY v.created, v.id LIMIT ? OFFSET ?", [*params, limit, offset]).fetchall()
        return with_aliases(tx, [decoded_version(r) for r in rows], public_only=viewer not in project["users"])

    def _versions_where(self, project: dict, viewer: str | None, filters: dict) -> tuple[str, list]:
        hidden_sql, hidden_params = self._version_visibility(project, viewer)
        where = "v.project_slug = ?" + hidden_sql
        params: list = [project["slug"], *hidden_params]
        for column in ("active", "built", "type"):
            if filters.get(column) is not None:
                where += f" AND v.{column} = ?"
                params.append(filters[column])
        if filters.get("slug"):  # contains, as Read the Docs filters it; slugs are lower-case
            where += " AND v.slug LIKE ? ESCAPE '\\'"
            params.append(like_contains(filters["slug"].lower()))
        return where, params

    def version(self, project: dict, viewer: str | None, slug: str) -> dict | None:
        with self.store.reading() as tx:
            return self._version(tx, project, viewer, slug)

    def _version(self, tx, project: dict, viewer: str | None, slug: str) -> dict | None:
        hidden_sql, hidden_params = self._version_visibility(project, viewer)
        row = tx.execute(
            f"{VERSION_SELECT} WHERE v.project_slug = ? AND v.slug = ?{hidden_sql}", (project["slug"], slug, *hidden_params)
        ).fetchone()
        return with_aliases(tx, [decoded_version(row)], public_only=bool(hidden_params))[0] if row else None

    def active_versions(self, project: dict, viewer: str | None) -> list[dict]:
        return self.versions(project, viewer, {"active": True}, limit=1000, offset=0).results
