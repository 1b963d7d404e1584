"""Read model of builds: one row per build, its state as it moves."""

from domain.build import Build
from projections.projection import Projection, handles, timestamp


class BuildsProjection(Projection):
    name = "builds"
    tables = ("builds",)

    @handles(Build.BuildTriggered)
    def triggered(self, tx, e):
        tx.execute(
            "INSERT INTO builds (id, aggregate_id, project_id, project_slug, version_slug, state, created)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (e.number, str(e.originator_id), str(e.project_id), e.project_slug, e.version_slug, "triggered", timestamp(e)),
        )

    @handles(Build.BuildStateChanged)
    def state_changed(self, tx, e):
        tx.execute(
            "UPDATE builds SET state = ?, commit_hash = COALESCE(?, commit_hash) WHERE aggregate_id = ?",
            (e.state, e.commit, str(e.originator_id)),
        )

    @handles(Build.BuildFinished)
    def finished(self, tx, e):
        tx.execute(
            "UPDATE builds SET state = 'finished', success = ?, error = ?, builder = ?, finished = ?"
            " WHERE aggregate_id = ?",
            (e.success, e.error, e.builder, timestamp(e), str(e.originator_id)),
        )
