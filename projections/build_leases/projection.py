"""Read model of the builds that have not finished and the leases of the workers running them:
what the lease reaper scans for expired leases and what a running worker polls for a cancel."""

from domain.build import Build
from domain.project import Project
from projections.read_model import ReadModelProjection, handles
from projections.times import fixed_width_time


class BuildLeasesProjection(ReadModelProjection):
    name = "build_leases"
    tables = ("build_leases",)
    ddl = (
        # One row per unfinished build; `worker` and `lease_expires` are NULL while none runs it.
        """CREATE TABLE IF NOT EXISTS build_leases (
            build_id BIGINT PRIMARY KEY,
            aggregate_id TEXT NOT NULL UNIQUE,
            project_id TEXT NOT NULL,
            worker TEXT,
            lease_expires TEXT,
            cancel_requested BOOLEAN NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS build_leases_expires ON build_leases (lease_expires)",
    )

    @handles(Build.BuildTriggered)
    def triggered(self, tx, e):
        tx.execute(
            "INSERT INTO build_leases (build_id, aggregate_id, project_id, cancel_requested) VALUES (?, ?, ?, ?)",
            (e.number, str(e.originator_id), str(e.project_id), False),
        )

    @handles(Build.BuildLeased, Build.LeaseRenewed)
    def leased(self, tx, e):
        tx.execute(
            "UPDATE build_leases SET worker = ?, lease_expires = ? WHERE aggregate_id = ?",
            (e.worker, fixed_width_time(e.expires_at), str(e.originator_id)),
        )

    @handles(Build.BuildCancelRequested)
    def cancel_requested(self, tx, e):
        tx.execute("UPDATE build_leases SET cancel_requested = ? WHERE aggregate_id = ?", (True, str(e.originator_id)))

    @handles(Build.BuildRetried)
    def retried(self, tx, e):
        tx.execute("UPDATE build_leases SET worker = NULL, lease_expires = NULL WHERE aggregate_id = ?", (str(e.originator_id),))

    @handles(Build.BuildFinished)
    def finished(self, tx, e):
        tx.execute("DELETE FROM build_leases WHERE aggregate_id = ?", (str(e.originator_id),))

    @handles(Project.ProjectDeleted)
    def project_deleted(self, tx, e):
        self.drop_project_rows(tx, e)
