"""Read model of redirects: one row per redirect, as GET answers it."""

from domain.project import Project
from domain.redirect import Redirect
from projections.projection import Projection, handles, timestamp


class RedirectsProjection(Projection):
    name = "redirects"
    tables = ("redirects",)
    ddl = (
        """CREATE TABLE IF NOT EXISTS redirects (
            id BIGINT PRIMARY KEY,
            aggregate_id TEXT NOT NULL UNIQUE,
            aggregate_version BIGINT NOT NULL,
            project_id TEXT NOT NULL,
            project_slug TEXT NOT NULL,
            type TEXT NOT NULL,
            from_url TEXT NOT NULL,
            to_url TEXT NOT NULL,
            created TEXT NOT NULL,
            modified TEXT NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS redirects_project ON redirects (project_id, id)",
    )

    @handles(Redirect.RedirectCreated)
    def created(self, tx, e):
        tx.execute(
            "INSERT INTO redirects (id, aggregate_id, aggregate_version, project_id, project_slug, type,"
            " from_url, to_url, created, modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (e.number, str(e.originator_id), e.originator_version, str(e.project_id), e.project_slug, e.type,
             e.from_url, e.to_url, timestamp(e), timestamp(e)),
        )

    @handles(Redirect.RedirectUpdated)
    def updated(self, tx, e):
        tx.execute(
            "UPDATE redirects SET type = ?, from_url = ?, to_url = ?, modified = ?, aggregate_version = ?"
            " WHERE aggregate_id = ?",
            (e.type, e.from_url, e.to_url, timestamp(e), e.originator_version, str(e.originator_id)),
        )

    @handles(Redirect.RedirectDeleted)
    def deleted(self, tx, e):
        tx.execute("DELETE FROM redirects WHERE aggregate_id = ?", (str(e.originator_id),))

    @handles(Project.ProjectDeleted)
    def project_deleted(self, tx, e):
        self.drop_project_rows(tx, e)
