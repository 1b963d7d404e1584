"""Removes the stored output of deleted projects and versions (`docsplane artifacts`, or a thread
of `docsplane serve` and `docsplane worker`), following the event log.

Removal is idempotent, so the follower's at-least-once delivery and a second cleaner are harmless.
A slug may be taken again before a lagging cleaner gets to the deletion: a project slug now held by
another project keeps the versions that project has published, and a version recreated since (its
branch or tag came back) keeps its output, which its next publish replaces."""

from __future__ import annotations

import logging

from commands.handling.loading import get_or_none, load_project
from domain.errors import UnknownResource
from domain.ids import version_id
from domain.project import Project
from domain.version import Version
from workers.following.log_follower import LogFollower, Logged
from workers.following.loop import SupervisedLoop

log = logging.getLogger("docsplane.artifacts")
# VersionDeleted comes with the version sync (a version whose branch or tag is gone).
VERSION_DELETED = [cls for cls in (getattr(Version, "VersionDeleted", None),) if cls is not None]


class ArtifactCleaner:
    def __init__(self, *, app, artifacts, store, name: str = "artifacts", batch_size: int = 100):
        self.app = app
        self.artifacts = artifacts
        self.follower = LogFollower(name, self.app, store, self.remove,
                                    topics=[Project.ProjectDeleted, *VERSION_DELETED], batch_size=batch_size)

    def remove(self, batch: list[Logged]) -> None:
        for logged in batch:
            if isinstance(logged.event, Project.ProjectDeleted):
                self._project_deleted(self.app.repository.get(logged.event.originator_id))
            else:
                self._version_deleted(self.app.repository.get(logged.event.originator_id))

    def _project_deleted(self, project) -> None:
        try:
            holder = load_project(self.app, project.slug)
        except UnknownResource:
            holder = None
        if holder is None or holder.id == project.id:
            self.artifacts.remove_project(project.slug)
            log.info("removed the output of deleted project %s", project.slug)
            return
        for slug in self.artifacts.version_slugs(project.slug):
            version = get_or_none(self.app, version_id(holder.id, slug))
            if version is None or getattr(version, "published_release", None) is None:
                self.artifacts.remove_version(project.slug, slug)

    def _version_deleted(self, version) -> None:
        if getattr(version, "deleted", False):  # else recreated since: its output is its own again
            self.artifacts.remove_version(version.project_slug, version.slug)
            log.info("removed the output of deleted version %s/%s", version.project_slug, version.slug)


def artifacts_loop(docsplane, name: str = "artifacts") -> SupervisedLoop:
    from workers.wiring import artifact_cleaner

    return SupervisedLoop(name, [artifact_cleaner(docsplane, name).follower], docsplane.settings.poll_interval)
