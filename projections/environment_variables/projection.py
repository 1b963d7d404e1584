"""Read model of environment variables: names and flags only. The value is write-only and never
reaches a read-model table (the events hold just its ciphertext, which this projection ignores)."""

from domain.environment_variable import EnvironmentVariable
from domain.project import Project
from projections.read_model import ReadModelProjection, handles
from projections.times import event_time


class EnvironmentVariablesProjection(ReadModelProjection):
    name = "environment_variables"
    tables = ("environment_variables",)
    ddl = (
        """CREATE TABLE IF NOT EXISTS environment_variables (
            id BIGINT PRIMARY KEY,
            aggregate_id TEXT NOT NULL UNIQUE,
            aggregate_version BIGINT NOT NULL,
            project_id TEXT NOT NULL,
            project_slug TEXT NOT NULL,
            name TEXT NOT NULL,
            public BOOLEAN NOT NULL,
            created TEXT NOT NULL,
            modified TEXT NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS environment_variables_project ON environment_variables (project_id, id)",
    )

    @handles(EnvironmentVariable.EnvironmentVariableCreated)
    def created(self, tx, e):
        tx.execute(
            "INSERT INTO environment_variables (id, aggregate_id, aggregate_version, project_id, project_slug,"
            " name, public, created, modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (e.number, str(e.originator_id), e.originator_version, str(e.project_id), e.project_slug, e.name,
             e.public, event_time(e), event_time(e)),
        )

    @handles(EnvironmentVariable.EnvironmentVariableDeleted)
    def deleted(self, tx, e):
        tx.execute("DELETE FROM environment_variables WHERE aggregate_id = ?", (str(e.originator_id),))

    @handles(Project.ProjectDeleted)
    def project_deleted(self, tx, e):
        self.drop_project_rows(tx, e)
