"""Queries over the read-model tables: everything a GET needs, and nothing from the event store.

Rows come back as plain dicts with booleans and JSON columns decoded; the API's schemas shape them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import orjson

from projections.visibility import hide_invisible_links, sees_private

PROJECT_FILTERS = ("language", "programming_language", "privacy_level")


@dataclass(frozen=True)
class Page:
    count: int
    results: list[dict]


def _bool(value):
    return None if value is None else bool(value)


def _project(row: dict) -> dict:
    return {**row, "tags": orjson.loads(row["tags"]), "users": orjson.loads(row["users"]),
            "single_version": _bool(row["single_version"])}


def _version(row: dict) -> dict:
    version = {k: v for k, v in row.items() if not k.startswith("lb_")}
    for key in ("active", "built", "hidden"):
        version[key] = bool(version[key])
    version["published_formats"] = orjson.loads(version["published_formats"]) if version["published_formats"] else []
    version["last_build"] = _build({k[3:]: v for k, v in row.items() if k.startswith("lb_")}) if row.get("lb_id") else None
    return version


def _build(row: dict) -> dict:
    return {**row, "success": _bool(row["success"]), "config": orjson.loads(row["config"]) if row["config"] else None}


def _like_contains(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, its own '%', '_' and '\\' taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


BUILD_COLUMNS = "id, project_slug, version_slug, state, success, error, commit_hash, builder, config, created, finished"
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


def _with_aliases(tx, versions: list[dict], public_only: bool) -> list[dict]:
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
            found[(row["project_id"], row["slug"])] = _version(row)
    for version in versions:
        alias = found.get((version["project_id"], version["alias_of"]))
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
        for version in _with_aliases(tx, [_version(row) for row in versions], public_only=public_only):
            by_id[version["project_id"]]["active_versions"].append(version)
    return projects


def _stored_time(moment: datetime) -> str:
    """A datetime as the read model stores times (ISO-8601 in UTC), so that they compare as text;
    a naive one is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat()


def _visible_project(row: dict | None, viewer: str | None, scope: list[str] | None = None) -> dict | None:
    if row is None:
        return None
    project = _project(row)
    if project["privacy_level"] == "private" and not sees_private(project, viewer, scope):
        return None
    return project


def in_transaction(tx):
    """A transaction's `fetchall(sql, params)`, as a read store has one."""
    return lambda sql, params: tx.execute(sql, params).fetchall()


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


def _project_with_active_versions(rows: list[dict], viewer: str | None, scope: list[str] | None = None) -> dict | None:
    """The project of PROJECT_DETAIL_SELECT's rows, with the active versions `viewer` may see."""
    if not rows:
        return None
    project = _visible_project({k: v for k, v in rows[0].items() if not k.startswith(("v_", "lb_"))}, viewer, scope)
    if project is None:
        return None
    public_only = not sees_private(project, viewer, scope)
    versions = [
        _version({**{c: row[f"v_{c}"] for c in VERSION_COLUMNS}, "language": row["language"],
                  "repository_url": row["repository_url"],
                  "single_version": row["single_version"], **{k: v for k, v in row.items() if k.startswith("lb_")}})
        for row in rows
        if row["v_aggregate_id"] is not None and not (public_only and row["v_privacy_level"] != "public")
    ]
    project["active_versions"] = _with_aliases_among(versions)[:ACTIVE_VERSIONS_SHOWN]
    return project


def _with_aliases_among(versions: list[dict]) -> list[dict]:
    """Sets `aliases` as _with_aliases does, when `versions` are all the active versions the
    caller may see: an alias stands for one of them, so no query is needed."""
    by_slug = {version["slug"]: dict(version) for version in versions}  # copies, without `aliases`
    for version in versions:
        alias = version["alias_of"] and by_slug.get(version["alias_of"])
        version["aliases"] = [alias] if alias else []
    return versions


class ReadModel:
    def __init__(self, store):
        self.store = store

    # -- projects ----------------------------------------------------------------------------
    def project(self, slug: str, viewer: str | None, scope: list[str] | None = None) -> dict | None:
        """The project, or None when it does not exist or the viewer may not see it (projections/visibility.py)."""
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

    def triggered_build(self, project_slug: str, number: int, viewer: str | None, scope: list[str] | None = None) -> dict | None:
        """What a build trigger answers: the build, its project with the active versions, and its
        version. None if any of them is not visible. Prepared statements, as a GET's: every trigger asks them."""
        project = self.project_detail(project_slug, viewer, scope)
        rows = project and self.store.fetchall_prepared(
            f"SELECT {BUILD_COLUMNS} FROM builds WHERE project_slug = ? AND id = ?", (project_slug, number)
        )
        if not rows:
            return None
        build = _build(rows[0])
        # A build's version is active when it is triggered: already read, unless deactivated since.
        version = next((v for v in project["active_versions"] if v["slug"] == build["version_slug"]), None)
        if version is None:
            with self.store.reading() as tx:
                version = self._version(tx, project, viewer, build["version_slug"])
        return {"build": build, "project": project, "version": version} if version else None

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
                params.append(_like_contains(filters[column].lower()))
        for key, operator in (("created__gte", ">="), ("created__lte", "<=")):
            if filters.get(key) is not None:
                where.append(f"p.created {operator} ?")
                params.append(_stored_time(filters[key]))
        base = f"FROM projects p JOIN project_maintainers m ON m.project_id = p.aggregate_id WHERE {' AND '.join(where)}"
        with self.store.reading() as tx:
            count = tx.execute(f"SELECT COUNT(*) AS n {base}", params).fetchone()["n"]
            rows = tx.execute(f"SELECT p.* {base} ORDER BY p.created DESC, p.id DESC LIMIT ? OFFSET ?", [*params, limit, offset]).fetchall()
            projects = hide_invisible_links(in_transaction(tx), [_project(r) for r in rows], username, slugs)
            # The caller maintains every listed project, so all their active versions are visible.
            attach_active_versions(tx, projects, public_only=False)
        return Page(count, projects)

    # -- versions ----------------------------------------------------------------------------
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
        return _with_aliases(tx, [_version(r) for r in rows], public_only=viewer not in project["users"])

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
            params.append(_like_contains(filters["slug"].lower()))
        return where, params

    def version(self, project: dict, viewer: str | None, slug: str) -> dict | None:
        with self.store.reading() as tx:
            return self._version(tx, project, viewer, slug)

    def _version(self, tx, project: dict, viewer: str | None, slug: str) -> dict | None:
        hidden_sql, hidden_params = self._version_visibility(project, viewer)
        row = tx.execute(
            f"{VERSION_SELECT} WHERE v.project_slug = ? AND v.slug = ?{hidden_sql}", (project["slug"], slug, *hidden_params)
        ).fetchone()
        return _with_aliases(tx, [_version(row)], public_only=bool(hidden_params))[0] if row else None

    def active_versions(self, project: dict, viewer: str | None) -> list[dict]:
        return self.versions(project, viewer, {"active": True}, limit=1000, offset=0).results

    # -- builds ------------------------------------------------------------------------------
    # A private version's builds are as invisible to non-maintainers as the version itself.
    _PUBLIC_VERSIONS_ONLY = " AND version_slug IN (SELECT slug FROM versions WHERE project_slug = ? AND privacy_level = 'public')"

    def builds(self, project_slug: str, filters: dict, limit: int, offset: int, version_slug: str | None = None,
               public_versions_only: bool = False) -> Page:
        """Newest first. Non-maintainers pass `public_versions_only`."""
        where = "project_slug = ?"
        params: list = [project_slug]
        if public_versions_only:
            where += self._PUBLIC_VERSIONS_ONLY
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
        return Page(count, [_build(r) for r in rows])

    def build(self, project_slug: str, number: int, public_versions_only: bool = False) -> dict | None:
        sql = f"SELECT {BUILD_COLUMNS} FROM builds WHERE project_slug = ? AND id = ?"
        params: list = [project_slug, number]
        if public_versions_only:
            sql += self._PUBLIC_VERSIONS_ONLY
            params.append(project_slug)
        row = self.store.fetchone(sql, params)
        return _build(row) if row else None

    def latest_build(self, project_slug: str, version_slug: str | None = None, public_versions_only: bool = False) -> dict | None:
        page = self.builds(project_slug, {}, limit=1, offset=0, version_slug=version_slug, public_versions_only=public_versions_only)
        return page.results[0] if page.results else None
