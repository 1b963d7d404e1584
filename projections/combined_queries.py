"""ReadModel: the queries of the projects, versions and builds read models on one store, as the
API's views ask them, and the one answer that spans the three (a build trigger's)."""

from __future__ import annotations

from projections.builds.queries import BUILD_COLUMNS, BuildQueries, decoded_build
from projections.projects.queries import ProjectQueries
from projections.versions.queries import VersionQueries


class ReadModel(ProjectQueries, VersionQueries, BuildQueries):
    def triggered_build(self, project_slug: str, number: int, viewer: str | None, scope: list[str] | None = None) -> dict | None:
        """What a build trigger answers: the build, its project with the active versions, and its
        version. None if any of them is not visible. Prepared statements, as a GET's: every trigger asks them."""
        project = self.project_detail(project_slug, viewer, scope)
        rows = project and self.store.fetchall_prepared(
            f"SELECT {BUILD_COLUMNS} FROM builds WHERE project_slug = ? AND id = ?", (project_slug, number)
        )
        if not rows:
            return None
        build = decoded_build(rows[0])
        # A build's version is active when it is triggered: already read, unless deactivated since.
        version = next((v for v in project["active_versions"] if v["slug"] == build["version_slug"]), None)
        if version is None:
            with self.store.reading() as tx:
                version = self._version(tx, project, viewer, build["version_slug"])
        return {"build": build, "project": project, "version": version} if version else None
