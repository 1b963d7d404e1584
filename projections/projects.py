"""Read model of projects: one row per project, plus who maintains it (for 'my projects')."""

from domain.project import Project
from projections.projection import Projection, as_json, handles, timestamp

# How each updatable setting lands in the row; `repository` splits into two columns.
COLUMNS = {
    "name": "name", "language": "language", "programming_language": "programming_language",
    "homepage": "homepage", "default_version": "default_version", "default_branch": "default_branch",
    "single_version": "single_version", "privacy_level": "privacy_level",
}


class ProjectsProjection(Projection):
    name = "projects"
    tables = ("projects", "project_maintainers")

    @handles(Project.ProjectImported)
    def imported(self, tx, e):
        tx.execute(
            "INSERT INTO projects (aggregate_id, id, slug, name, language, programming_language,"
            " privacy_level, repository_url, repository_type, homepage, default_version,"
            " default_branch, single_version, tags, users, created, modified)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                str(e.originator_id), e.number, e.slug, e.name, e.language, e.programming_language,
                e.privacy_level, e.repository["url"], e.repository.get("type", "git"), e.homepage,
                "latest", e.default_branch, e.single_version, as_json(e.tags), as_json(e.maintainers),
                timestamp(e), timestamp(e),
            ),
        )
        tx.executemany(
            "INSERT INTO project_maintainers (username, project_id) VALUES (?, ?)",
            [(username, str(e.originator_id)) for username in e.maintainers],
        )

    @handles(Project.ProjectUpdated)
    def updated(self, tx, e):
        values = {COLUMNS[k]: v for k, v in e.changes.items() if k in COLUMNS}
        if "tags" in e.changes:
            values["tags"] = as_json(e.changes["tags"])
        if "repository" in e.changes:
            values["repository_url"] = e.changes["repository"]["url"]
            values["repository_type"] = e.changes["repository"].get("type", "git")
        values["modified"] = timestamp(e)
        assignments = ", ".join(f"{column} = ?" for column in values)
        tx.execute(f"UPDATE projects SET {assignments} WHERE aggregate_id = ?", (*values.values(), str(e.originator_id)))
