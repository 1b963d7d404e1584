"""The workers' composition: each made from the wired container with exactly the dependencies it
names (as cosmicpython's bootstrap injects a handler's), so that a worker's constructor says what it
uses and a test can hand it other parts."""

from __future__ import annotations

from workers.artifact_cleaner import ArtifactCleaner
from workers.builds.reaper import LeaseReaper
from workers.builds.runner import ACTOR, BuildRunner
from workers.builds.worker import BuildWorker, worker_name
from workers.following.loop_status import Heartbeat
from workers.queues import build_queue
from workers.sandbox.sandbox import sandbox_for
from workers.version_sync import VersionSyncer


def version_syncer(docsplane, actor: str, sandbox=None, timeout: float | None = None) -> VersionSyncer:
    settings = docsplane.settings
    return VersionSyncer(app=docsplane.app, versions=docsplane.versions, sandbox=sandbox or sandbox_for(settings),
                         data_dir=settings.data_dir, step_timeout=settings.build_step_timeout, actor=actor, timeout=timeout)


def build_runner(docsplane, actor: str = ACTOR, sandbox=None) -> BuildRunner:
    """SandboxRefused on PostgreSQL without a working sandbox (unless `none` was chosen)."""
    sandbox = sandbox or sandbox_for(docsplane.settings)
    return BuildRunner(app=docsplane.app, builds=docsplane.builds, versions=docsplane.versions,
                       environment_variables=docsplane.environment_variables, artifacts=docsplane.artifacts,
                       syncer=version_syncer(docsplane, actor, sandbox), sandbox=sandbox, settings=docsplane.settings,
                       actor=actor)


def build_worker(docsplane, connection, queue=None, name: str | None = None) -> BuildWorker:
    name = name or worker_name()
    settings = docsplane.settings
    return BuildWorker(app=docsplane.app, runner=build_runner(docsplane, actor=name), leases=docsplane.build_leases,
                       lease_queries=docsplane.build_lease_queries, lease_seconds=settings.build_lease_seconds,
                       heartbeat=Heartbeat(docsplane.store, "worker", instance=name.removeprefix("worker:")),
                       connection=connection, queue=queue or build_queue(settings.build_queue), name=name)


def lease_reaper(docsplane, batch_size: int = 100) -> LeaseReaper:
    return LeaseReaper(app=docsplane.app, leases=docsplane.build_leases, queries=docsplane.build_lease_queries,
                       batch_size=batch_size)


def artifact_cleaner(docsplane, name: str = "artifacts", batch_size: int = 100) -> ArtifactCleaner:
    return ArtifactCleaner(app=docsplane.app, artifacts=docsplane.artifacts, store=docsplane.store, name=name,
                           batch_size=batch_size)
