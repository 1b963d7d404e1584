"""Queries of what hangs off a project besides its versions: its subprojects, its translations and
its maintainers. Projects that are private to the viewer are left out of every list.

A relationship or maintainer answers with the `aggregate_version` of the project it belongs to:
that is the aggregate their DELETE changes (and checks an If-Match against)."""

from projections.queries import Page, _project, attach_active_versions

# The child (or translation) `c` is visible: public, or the viewer maintains it.
VISIBLE = (
    "(c.privacy_level = 'public' OR EXISTS"
    " (SELECT 1 FROM project_maintainers vm WHERE vm.project_id = c.aggregate_id AND vm.username = ?))"
)
SUBPROJECTS = f"FROM subprojects s JOIN projects c ON c.aggregate_id = s.child_id WHERE s.parent_id = ? AND {VISIBLE}"


def _with_active_versions(tx, projects: list[dict], viewer: str | None) -> list[dict]:
    """Each project's active versions; private ones only for that project's maintainers."""
    attach_active_versions(tx, [p for p in projects if viewer in p["users"]], public_only=False)
    attach_active_versions(tx, [p for p in projects if viewer not in p["users"]], public_only=True)
    return projects


class ProjectRelationQueries:
    def __init__(self, store):
        self.store = store

    # -- subprojects -------------------------------------------------------------------------
    def subprojects(self, parent: dict, viewer: str | None, limit: int, offset: int) -> Page:
        """The parent's subproject relationships, oldest first."""
        params = [parent["aggregate_id"], viewer]
        with self.store.reading() as tx:
            count = tx.execute(f"SELECT COUNT(*) AS n {SUBPROJECTS}", params).fetchone()["n"]
            rows = tx.execute(
                f"SELECT s.alias AS relationship_alias, c.* {SUBPROJECTS} ORDER BY s.created, s.alias LIMIT ? OFFSET ?",
                [*params, limit, offset],
            ).fetchall()
            return Page(count, self._relationships(tx, parent, rows, viewer))

    def subproject(self, parent: dict, viewer: str | None, alias: str) -> dict | None:
        with self.store.reading() as tx:
            rows = tx.execute(
                f"SELECT s.alias AS relationship_alias, c.* {SUBPROJECTS} AND s.alias = ?",
                [parent["aggregate_id"], viewer, alias],
            ).fetchall()
            relationships = self._relationships(tx, parent, rows, viewer)
        return relationships[0] if relationships else None

    @staticmethod
    def _relationships(tx, parent: dict, rows: list[dict], viewer: str | None) -> list[dict]:
        children = _with_active_versions(tx, [_project({k: v for k, v in r.items() if k != "relationship_alias"}) for r in rows], viewer)
        return [
            {"alias": row["relationship_alias"], "child": child, "parent_slug": parent["slug"],
             "aggregate_version": parent["aggregate_version"]}
            for row, child in zip(rows, children)
        ]

    # -- translations ------------------------------------------------------------------------
    def translations(self, original: dict, viewer: str | None, limit: int, offset: int) -> Page:
        """The projects that are translations of `original`, oldest first."""
        where = f"FROM projects c WHERE c.translation_of = ? AND {VISIBLE}"
        params = [original["slug"], viewer]
        with self.store.reading() as tx:
            count = tx.execute(f"SELECT COUNT(*) AS n {where}", params).fetchone()["n"]
            rows = tx.execute(f"SELECT c.* {where} ORDER BY c.created, c.id LIMIT ? OFFSET ?", [*params, limit, offset]).fetchall()
            return Page(count, _with_active_versions(tx, [_project(r) for r in rows], viewer))

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
