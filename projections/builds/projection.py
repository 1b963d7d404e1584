"""Read model of builds: one row per build, its state as it moves, and the commands it ran."""

from domain.build import Build
from domain.project import Project
from projections.read_model import ReadModelProjection, as_json, handles
from projections.times import event_time, reported_time


class BuildsProjection(ReadModelProjection):
    name = "builds"
    tables = ("builds", "build_commands")
    ddl = (
        """CREATE TABLE IF NOT EXISTS builds (
            id BIGINT PRIMARY KEY,
            aggregate_id TEXT NOT NULL UNIQUE,
            project_id TEXT NOT NULL,
            project_slug TEXT NOT NULL,
            version_slug TEXT NOT NULL,
            state TEXT NOT NULL,
            success BOOLEAN,
            error TEXT,
            commit_hash TEXT,
            builder TEXT,
            config TEXT,
            created TEXT NOT NULL,
            finished TEXT,
            aggregate_version BIGINT NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS builds_project ON builds (project_slug, created)",
        "CREATE INDEX IF NOT EXISTS builds_version ON builds (project_slug, version_slug, created)",
        "CREATE INDEX IF NOT EXISTS builds_commit ON builds (project_slug, commit_hash)",
        "CREATE INDEX IF NOT EXISTS builds_state ON builds (project_slug, state)",
        "CREATE INDEX IF NOT EXISTS builds_success ON builds (project_slug, success)",
        # A build's commands, in the order they ran; the build's project and version are copied
        # in so that a command answers its links and goes with the project, without a join.
        """CREATE TABLE IF NOT EXISTS build_commands (
            id BIGINT PRIMARY KEY,
            build_id BIGINT NOT NULL,
            project_id TEXT NOT NULL,
            project_slug TEXT NOT NULL,
            version_slug TEXT NOT NULL,
            command TEXT NOT NULL,
            output TEXT NOT NULL,
            exit_code BIGINT NOT NULL,
            created TEXT NOT NULL,
            finished TEXT NOT NULL,
            aggregate_version BIGINT NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS build_commands_build ON build_commands (build_id, created)",
    )

    @handles(Build.BuildTriggered)
    def triggered(self, tx, e):
        tx.execute(
            "INSERT INTO builds (id, aggregate_id, project_id, project_slug, version_slug, state, created, aggregate_version)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (e.number, str(e.originator_id), str(e.project_id), e.project_slug, e.version_slug, "triggered", event_time(e),
             e.originator_version),
        )

    @handles(Build.BuildStateChanged)
    def state_changed(self, tx, e):
        tx.execute(
            "UPDATE builds SET state = ?, commit_hash = COALESCE(?, commit_hash), aggregate_version = ? WHERE aggregate_id = ?",
            (e.state, e.commit, e.originator_version, str(e.originator_id)),
        )

    @handles(Build.BuildFinished)
    def finished(self, tx, e):
        tx.execute(
            "UPDATE builds SET state = 'finished', success = ?, error = ?, builder = ?, finished = ?, aggregate_version = ?"
            " WHERE aggregate_id = ?",
            (e.success, e.error, e.builder, event_time(e), e.originator_version, str(e.originator_id)),
        )

    @handles(Build.BuildLeased, Build.LeaseRenewed, Build.BuildCancelRequested)
    def lease_changed(self, tx, e):
        """Not shown (the build leases read model has the leases), but the row's version follows the aggregate's."""
        tx.execute("UPDATE builds SET aggregate_version = ? WHERE aggregate_id = ?", (e.originator_version, str(e.originator_id)))

    @handles(Build.BuildRetried)
    def retried(self, tx, e):
        tx.execute(
            "UPDATE builds SET state = 'triggered', aggregate_version = ? WHERE aggregate_id = ?",
            (e.originator_version, str(e.originator_id)),
        )

    @handles(Build.BuildConfigured)
    def configured(self, tx, e):
        tx.execute(
            "UPDATE builds SET config = ?, aggregate_version = ? WHERE aggregate_id = ?",
            (as_json(e.config), e.originator_version, str(e.originator_id)),
        )

    @handles(Build.BuildCommandRecorded)
    def command_recorded(self, tx, e):
        tx.execute(
            "INSERT INTO build_commands (id, build_id, project_id, project_slug, version_slug, command, output,"
            " exit_code, created, finished, aggregate_version)"
            " SELECT ?, id, project_id, project_slug, version_slug, ?, ?, ?, ?, ?, ? FROM builds WHERE aggregate_id = ?",
            (
                e.command_id, e.command, e.output, e.exit_code, reported_time(e.started), reported_time(e.finished),
                e.originator_version, str(e.originator_id),
            ),
        )
        tx.execute("UPDATE builds SET aggregate_version = ? WHERE aggregate_id = ?", (e.originator_version, str(e.originator_id)))

    @handles(Project.ProjectDeleted)
    def project_deleted(self, tx, e):
        self.drop_project_rows(tx, e)
