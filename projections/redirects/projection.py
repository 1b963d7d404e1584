"""Read model of redirects: one row per redirect, as GET answers it, placed by `position` as Read the
Docs' ProjectItemPositionManager places them: a redirect inserted or moved to a position shifts the
others, a deleted one closes its gap. The events come in log order, so every replay places them alike."""

from domain.project import Project
from domain.redirect import Redirect
from projections.read_model import ReadModelProjection, handles, update_row
from projections.times import event_time

# The columns a RedirectUpdated may change (its `changes` are a redirect's own fields).
CHANGEABLE = ("type", "from_url", "to_url", "http_status", "description", "enabled", "force")


class RedirectsProjection(ReadModelProjection):
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
            http_status INTEGER NOT NULL,
            description TEXT NOT NULL,
            enabled BOOLEAN NOT NULL,
            force BOOLEAN NOT NULL,
            position INTEGER NOT NULL,
            created TEXT NOT NULL,
            modified TEXT NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS redirects_project ON redirects (project_id, position)",
    )

    @handles(Redirect.RedirectCreated)
    def created(self, tx, e):
        project_id = str(e.project_id)
        position = min(max(e.position, 0), self._count(tx, project_id))  # at most just after the last one
        tx.execute("UPDATE redirects SET position = position + 1 WHERE project_id = ? AND position >= ?", (project_id, position))
        tx.execute(
            "INSERT INTO redirects (id, aggregate_id, aggregate_version, project_id, project_slug, type, from_url, to_url,"
            " http_status, description, enabled, force, position, created, modified)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (e.number, str(e.originator_id), e.originator_version, project_id, e.project_slug, e.type, e.from_url,
             e.to_url, e.http_status, e.description, e.enabled, e.force, position, event_time(e), event_time(e)),
        )

    @handles(Redirect.RedirectUpdated)
    def updated(self, tx, e):
        if "position" in e.changes:
            self._move(tx, str(e.originator_id), e.changes["position"])
        update_row(tx, "redirects", e, {field: e.changes[field] for field in CHANGEABLE if field in e.changes})

    @handles(Redirect.RedirectDeleted)
    def deleted(self, tx, e):
        row = tx.execute("SELECT project_id, position FROM redirects WHERE aggregate_id = ?", (str(e.originator_id),)).fetchone()
        tx.execute("DELETE FROM redirects WHERE aggregate_id = ?", (str(e.originator_id),))
        if row:
            tx.execute("UPDATE redirects SET position = position - 1 WHERE project_id = ? AND position > ?",
                       (row["project_id"], row["position"]))

    @handles(Project.ProjectDeleted)
    def project_deleted(self, tx, e):
        self.drop_project_rows(tx, e)

    @staticmethod
    def _count(tx, project_id: str) -> int:
        return tx.execute("SELECT COUNT(*) AS n FROM redirects WHERE project_id = ?", (project_id,)).fetchone()["n"]

    def _move(self, tx, aggregate_id: str, wanted: int) -> None:
        """Move a redirect to `wanted` (at most the last position); those between close up behind it."""
        row = tx.execute("SELECT project_id, position FROM redirects WHERE aggregate_id = ?", (aggregate_id,)).fetchone()
        if row is None:
            return
        project_id, current = row["project_id"], row["position"]
        position = min(max(wanted, 0), self._count(tx, project_id) - 1)
        if position > current:
            tx.execute("UPDATE redirects SET position = position - 1 WHERE project_id = ? AND position > ? AND position <= ?",
                       (project_id, current, position))
        elif position < current:
            tx.execute("UPDATE redirects SET position = position + 1 WHERE project_id = ? AND position >= ? AND position < ?",
                       (project_id, position, current))
        tx.execute("UPDATE redirects SET position = ? WHERE aggregate_id = ?", (position, aggregate_id))
