"""Queries of what hangs off a project besides its versions: its subprojects, its translations and
its maintainers. Projects that are private to the viewer are left out of every list
(`visible_sql`: a token limited to other projects does not see them either).

A relationship or maintainer answers with the `aggregate_version` of the project it belongs to:
that is the aggregate their DELETE changes (and checks an If-Match against)."""

from projections.projects.queries import decoded_project
from projections.query_parts import Page, in_transaction
from projections.versions.queries import attach_active_versions
from projections.visibility import hide_invisible_links, sees_private, visible_sql

SUBPROJECTS = "FROM subprojects s JOIN projects c ON c.aggregate_id = s.child_id WHERE s.parent_id = ? AND {visible}"


def _as_seen(tx, projects: list[dict], viewer: str | None, scope: list[str] | None) -> list[dict]:
    """Each project's active versions (private ones only for those who see its private things),
    and only the links to projects the viewer may see."""
    attach_active_versions(tx, [p for p in projects if sees_private(p, viewer, scope)], public_only=False)
    attach_active_versions(tx, [p for p in projects if not sees_private(p, viewer, scope)], public_only=True)
    return hide_invisible_links(in_transaction(tx), projects, viewer, scope)


class ProjectRelationQueries:
    def __init__(self, store):
        self.store = store

    # -- subprojects -------------------------------------------------------------------------
    def subprojects(self, parent: dict, viewer: str | None, limit: int, offset: int, scope: list[str] | None = None) -> Page:
        """The parent's subproject relationships, oldest first."""
        visible, visible_params = visible_sql("c", viewer, scope)
        where, params = SUBPROJECTS.format(visible=visible), [parent["aggregate_id"], *visible_params]
        with self.store.reading() as tx:
            count = tx.execute(f"SELECT COUNT(*) AS n {where}", params).fetchone()["n"]
            rows = tx.execute(
                f"SELECT s.alias AS relationship_alias, c.* {where} ORDER BY s.created, s.alias LIMIT ? OFFSET ?",
                [*params, limit, offset],
            ).fetchall()
            return Page(count, self._relationships(tx, parent, rows, viewer, scope))

    def subproject(self, parent: dict, viewer: str | None, alias: str, scope: list[str] | None = None) -> dict | None:
        visible, visible_params = visible_sql("c", viewer, scope)
        with self.store.reading() as tx:
            rows = tx.execute(
                f"SELECT s.alias AS relationship_alias, c.* {SUBPROJECTS.format(visible=visible)} AND s.alias = ?",
                [parent["aggregate_id"], *visible_params, alias],
            ).fetchall()
            relationships = self._relationships(tx, parent, rows, viewer, scope)
        return relationships[0] if relationships else None

    @staticmethod
    def _relationships(tx, parent: dict, rows: list[dict], viewer: str | None, scope: list[str] | None) -> list[dict]:
        children = _as_seen(tx, [decoded_project({k: v for k, v in r.items() if k != "relationship_alias"}) for r in rows], viewer, scope)
        return [
            {"alias": row["relationship_alias"], "child": child, "parent_slug": parent["slug"],
             "aggregate_version": parent["aggregate_version"]}
            for row, child in zip(rows, children)
        ]

    # -- translations ------------------------------------------------------------------------
    def translations(self, original: dict, viewer: str | None, limit: int, offset: int, scope: list[str] | None = None) -> Page:
        """The projects that are translations of `original`, oldest first."""
        visible, visible_params = visible_sql("c", viewer, scope)
        where = f"FROM projects c WHERE c.translation_of = ? AND {visible}"
        params = [original["slug"], *visible_params]
        with self.store.reading() as tx:
            count = tx.execute(f"SELECT COUNT(*) AS n {where}", params).fetchone()["n"]
            rows = tx.execute(f"SELECT c.* {where} ORDER BY c.created, c.id LIMIT ? OFFSET ?", [*params, limit, offset]).fetchall()
            return Page(count, _as_seen(tx, [decoded_project(r) for r in rows], viewer, scope))

    # -- maintainers -------------------------------------------------------------------------
    def maintainers(self, project: dict, limit: int, offset: int) -> Page:
        where = "FROM project_maintainers WHERE project_id = ?"
        with self.store.reading() as tx:
            count = tx.execute(f"SELECT COUNT(*) AS n {where}", (project["aggregate_id"],)).fetchone()["n"]
            rows = tx.execute(
                f"SELECT username {where} ORDER BY username LIMIT ? OFFSET ?", (project["aggregate_id"], limit, offset)
            ).fetchall()
        return Page(count, [self._maintainer(project, row["username"]) for row in rows])

    def maintainer(self, project: dict, username: str) -> dict | None:
        row = self.store.fetchone(
            "SELECT username FROM project_maintainers WHERE project_id = ? AND username = ?", (project["aggregate_id"], username)
        )
        return self._maintainer(project, row["username"]) if row else None

    @staticmethod
    def _maintainer(project: dict, username: str) -> dict:
        return {"username": username, "project_slug": project["slug"], "aggregate_version": project["aggregate_version"]}
