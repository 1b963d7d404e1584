"""Read model of projects: one row per project, who maintains it (for 'my projects'), and the
subproject relationships. Every event of a Project moves its row's `aggregate_version` (ETags):
If-Match is checked against the aggregate's version, so the row must never lag behind it."""

import json

from domain.project import Project
from projections.read_model import ReadModelProjection, as_json, handles, update_row
from projections.times import event_time

# How each updatable setting lands in the row; `repository` splits into two columns.
COLUMNS = {
    "name": "name", "language": "language", "programming_language": "programming_language",
    "homepage": "homepage", "default_version": "default_version", "default_branch": "default_branch",
    "single_version": "single_version", "versioning_scheme": "versioning_scheme", "privacy_level": "privacy_level",
    "readthedocs_yaml_path": "readthedocs_yaml_path", "external_builds_privacy_level": "external_builds_privacy_level",
}


class ProjectsProjection(ReadModelProjection):
    name = "projects"
    tables = ("projects", "project_maintainers", "subprojects")
    ddl = (
        """CREATE TABLE IF NOT EXISTS projects (
            aggregate_id TEXT PRIMARY KEY,
            aggregate_version BIGINT NOT NULL,
            id BIGINT NOT NULL,
            slug TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            language TEXT NOT NULL,
            programming_language TEXT NOT NULL,
            privacy_level TEXT NOT NULL,
            repository_url TEXT NOT NULL,
            repository_type TEXT NOT NULL,
            homepage TEXT,
            default_version TEXT NOT NULL,
            default_branch TEXT,
            single_version BOOLEAN NOT NULL,
            versioning_scheme TEXT NOT NULL,
            readthedocs_yaml_path TEXT,
            external_builds_privacy_level TEXT NOT NULL,
            tags TEXT NOT NULL,
            users TEXT NOT NULL,
            subproject_of TEXT,
            translation_of TEXT,
            created TEXT NOT NULL,
            modified TEXT NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS projects_language ON projects (language)",
        "CREATE INDEX IF NOT EXISTS projects_programming_language ON projects (programming_language)",
        "CREATE INDEX IF NOT EXISTS projects_privacy_level ON projects (privacy_level)",
        "CREATE INDEX IF NOT EXISTS projects_name ON projects (name)",
        "CREATE INDEX IF NOT EXISTS projects_created ON projects (created)",
        "CREATE INDEX IF NOT EXISTS projects_subproject_of ON projects (subproject_of)",
        "CREATE INDEX IF NOT EXISTS projects_translation_of ON projects (translation_of)",
        """CREATE TABLE IF NOT EXISTS project_maintainers (
            username TEXT NOT NULL,
            project_id TEXT NOT NULL,
            PRIMARY KEY (username, project_id)
        )""",
        "CREATE INDEX IF NOT EXISTS project_maintainers_project ON project_maintainers (project_id)",
        """CREATE TABLE IF NOT EXISTS subprojects (
            parent_id TEXT NOT NULL,
            alias TEXT NOT NULL,
            child_id TEXT NOT NULL UNIQUE,
            created TEXT NOT NULL,
            PRIMARY KEY (parent_id, alias)
        )""",
    )

    @handles(Project.ProjectImported)
    def imported(self, tx, e):
        tx.execute(
            "INSERT INTO projects (aggregate_id, aggregate_version, id, slug, name, language, programming_language,"
            " privacy_level, repository_url, repository_type, homepage, default_version, default_branch,"
            " single_version, versioning_scheme, readthedocs_yaml_path, external_builds_privacy_level, tags, users,"
            " created, modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                str(e.originator_id), e.originator_version, e.number, e.slug, e.name, e.language,
                e.programming_language, e.privacy_level, e.repository["url"], e.repository.get("type", "git"),
                e.homepage, "latest", e.default_branch, e.single_version, e.versioning_scheme, e.readthedocs_yaml_path,
                e.external_builds_privacy_level, as_json(sorted(e.tags)),
                as_json(e.maintainers), event_time(e), event_time(e),
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
            values["tags"] = as_json(sorted(e.changes["tags"]))  # Read the Docs lists tags sorted
        if "repository" in e.changes:
            values["repository_url"] = e.changes["repository"]["url"]
            values["repository_type"] = e.changes["repository"].get("type", "git")
        update_row(tx, "projects", e, values)

    # -- maintainers ---------------------------------------------------------------------------
    @handles(Project.MaintainerAdded)
    def maintainer_added(self, tx, e):
        tx.execute("INSERT INTO project_maintainers (username, project_id) VALUES (?, ?)", (e.username, str(e.originator_id)))
        update_row(tx, "projects", e, {"users": as_json([*self._users(tx, e), e.username])})

    @handles(Project.MaintainerRemoved)
    def maintainer_removed(self, tx, e):
        tx.execute("DELETE FROM project_maintainers WHERE username = ? AND project_id = ?", (e.username, str(e.originator_id)))
        update_row(tx, "projects", e, {"users": as_json([u for u in self._users(tx, e) if u != e.username])})

    @staticmethod
    def _users(tx, e) -> list[str]:
        return json.loads(tx.execute("SELECT users FROM projects WHERE aggregate_id = ?", (str(e.originator_id),)).fetchone()["users"])

    # -- links between projects ----------------------------------------------------------------
    @handles(Project.SubprojectAdded)
    def subproject_added(self, tx, e):
        tx.execute(
            "INSERT INTO subprojects (parent_id, alias, child_id, created) VALUES (?, ?, ?, ?)",
            (str(e.originator_id), e.alias, str(e.child_id), event_time(e)),
        )
        update_row(tx, "projects", e, {})

    @handles(Project.SubprojectRemoved)
    def subproject_removed(self, tx, e):
        tx.execute("DELETE FROM subprojects WHERE parent_id = ? AND alias = ?", (str(e.originator_id), e.alias))
        update_row(tx, "projects", e, {})

    @handles(Project.LinkedAsSubproject)
    def linked_as_subproject(self, tx, e):
        update_row(tx, "projects", e, {"subproject_of": e.parent_slug})

    @handles(Project.UnlinkedAsSubproject)
    def unlinked_as_subproject(self, tx, e):
        update_row(tx, "projects", e, {"subproject_of": None})

    @handles(Project.LinkedAsTranslation)
    def linked_as_translation(self, tx, e):
        update_row(tx, "projects", e, {"translation_of": e.original_slug})

    @handles(Project.UnlinkedAsTranslation)
    def unlinked_as_translation(self, tx, e):
        update_row(tx, "projects", e, {"translation_of": None})

    @handles(Project.TranslationAdded, Project.TranslationRemoved, Project.TranslationLanguageChanged)
    def translations_changed(self, tx, e):
        update_row(tx, "projects", e, {})  # the translations list is read from the translations' rows

    @handles(Project.DefaultBranchDetected)
    def default_branch_detected(self, tx, e):
        update_row(tx, "projects", e, {"default_branch": e.branch})

    @handles(Project.VersionSyncRequested)
    def version_sync_requested(self, tx, e):
        tx.execute("UPDATE projects SET aggregate_version = ? WHERE aggregate_id = ?", (e.originator_version, str(e.originator_id)))

    @handles(Project.ProjectDeleted)
    def deleted(self, tx, e):
        project_id = str(e.originator_id)
        tx.execute("DELETE FROM projects WHERE aggregate_id = ?", (project_id,))
        tx.execute("DELETE FROM project_maintainers WHERE project_id = ?", (project_id,))
        tx.execute("DELETE FROM subprojects WHERE parent_id = ? OR child_id = ?", (project_id, project_id))
