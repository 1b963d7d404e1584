"""The build dispatcher: each BuildTriggered in the event log, and each BuildRetried (a build whose
worker stopped responding runs again), becomes one job on the build queue; each
ProjectImported and VersionSyncRequested becomes a version sync job, on the sync queue beside it.
Its position advances only after the batch's jobs were published (confirmed by RabbitMQ), so no
build waiting to run is ever left without a job; a job may come twice."""

from __future__ import annotations

from domain.build import Build
from domain.project import Project
from workers.following.log_follower import LogFollower, Logged
from workers.queues import build_queue, connection, publish_job, sync_queue

SYNC_EVENTS = (Project.ProjectImported, Project.VersionSyncRequested)


class Dispatcher:
    def __init__(self, app, store, settings, batch_size: int = 100, name: str = "dispatcher"):
        self.settings = settings
        self.queue = build_queue(settings.build_queue)
        self.sync_queue = sync_queue(settings.build_queue)
        self.follower = LogFollower(
            name, app, store, self.publish, topics=[Build.BuildTriggered, Build.BuildRetried, *SYNC_EVENTS], batch_size=batch_size,
        )
        self._connection = None

    def run_batch(self) -> bool:
        return self.follower.run_batch()

    def publish(self, batch: list[Logged]) -> None:
        try:
            if self._connection is None:
                self._connection = connection(self.settings)
            for logged in batch:
                syncs = isinstance(logged.event, SYNC_EVENTS)
                publish_job(self._connection, job(logged.event), self.sync_queue if syncs else self.queue)
        except Exception:
            self.close()  # a broken connection is never reused: the next attempt opens a new one
            raise

    def close(self) -> None:
        conn, self._connection = self._connection, None
        if conn is not None:
            conn.release()


def job(event) -> dict:
    if isinstance(event, SYNC_EVENTS):
        return {"sync": str(event.originator_id), "correlation_id": getattr(event, "correlation_id", None)}
    return {"build": event.number, "project": event.project_slug, "version": event.version_slug}
