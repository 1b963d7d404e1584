"""The composition root: turns Settings into the wired write side, read side and workers."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from artifacts.filesystem import FilesystemArtifactStore
from artifacts.store import ArtifactStore
from commands.handling.application import DocsplaneApplication
from commands.build_leases import BuildLeaseCommands
from commands.builds import BuildCommands
from commands.environment_variables import EnvironmentVariableCommands
from commands.notifications import NotificationCommands
from commands.handling.idempotency import IdempotencyCommands
from commands.handling.ids import IdAllocators
from commands.maintainers import MaintainerCommands
from commands.projects import ProjectCommands
from commands.redirects import RedirectCommands
from commands.handling.secret_box import SecretBox
from commands.subprojects import SubprojectCommands
from commands.users import UserCommands
from commands.versions import VersionCommands
from commands.webhook_deliveries import WebhookDeliveryCommands
from docshost.grants import Grants
from docsplane.event_store_outages import fail_fast
from docsplane.secrets import checked_key, existing_key
from docsplane.settings import Settings
from domain.webhook_delivery import RetryPolicy
from projections.audit.queries import AuditQueries
from projections.following.read_your_writes import ReadYourWrites
from projections.replay.as_of import PointInTime
from projections.builds.command_queries import BuildCommandQueries
from projections.build_leases.queries import BuildLeaseQueries
from projections.environment_variables.queries import EnvironmentVariableQueries
from projections.docs_queries import DocsQueries
from projections.versions.flyout_queries import FlyoutQueries
from projections.notifications.queries import NotificationQueries
from projections.projects.relation_queries import ProjectRelationQueries
from projections.following.projector import PositionSignal, Projector
from projections.combined_queries import ReadModel
from projections.redirects.queries import RedirectQueries
from projections.registry import PROJECTIONS
from projections.replay.rebuild import Replay
from projections.following.schema import create_tables
from projections.store import ReadStore
from projections.users.token_queries import TokenQueries
from projections.webhook_deliveries.queries import WebhookDeliveryQueries
from workers.following import loop_status


@dataclass
class Docsplane:
    settings: Settings
    app: DocsplaneApplication
    store: ReadStore
    read_model: ReadModel
    projectors: list[Projector]
    signal: PositionSignal
    consistency: ReadYourWrites
    projects: ProjectCommands
    versions: VersionCommands
    builds: BuildCommands
    build_leases: BuildLeaseCommands
    build_lease_queries: BuildLeaseQueries
    users: UserCommands
    subprojects: SubprojectCommands
    maintainers: MaintainerCommands
    project_relations: ProjectRelationQueries
    token_queries: TokenQueries
    redirects: RedirectCommands
    redirect_queries: RedirectQueries
    environment_variables: EnvironmentVariableCommands
    environment_variable_queries: EnvironmentVariableQueries
    notifications: NotificationCommands
    notification_queries: NotificationQueries
    webhook_deliveries: WebhookDeliveryCommands
    webhook_delivery_queries: WebhookDeliveryQueries
    build_command_queries: BuildCommandQueries
    flyout_queries: FlyoutQueries
    docs_queries: DocsQueries
    docs_grants: Grants
    point_in_time: PointInTime
    audit_queries: AuditQueries
    idempotency: IdempotencyCommands
    artifacts: ArtifactStore

    def catch_up(self) -> None:
        """Bring every read model up to the log's head (what a CLI write does before it returns)."""
        for projector in self.projectors:
            projector.catch_up()

    def close(self) -> None:
        self.store.close()
        self.app.close()

    def replay(self, projections, batch_size: int = 5000) -> Replay:
        """A replay of these projections as `docsplane replay` runs it: on PostgreSQL, the bulk phase in
        SQLite files of the data dir, in two processes when the log is long."""
        return Replay(self.app.recorder, self.app.mapper, self.store, projections, batch_size,
                      scratch_dir=self.settings.data_dir / "replay", sources=functools.partial(replay_sources, self.settings))


def replay_sources(settings: Settings):
    """The connections of a replay's helper process: (recorder, mapper, read store, close)."""
    app = open_application(settings)
    store = ReadStore.from_url(settings.read_db_url, pool_size=2)

    def close() -> None:
        store.close()
        app.close()

    return app.recorder, app.mapper, store, close


# Any constant: the key of the PostgreSQL advisory lock that serializes event-store table setup.
SCHEMA_LOCK = 7_031_142


def open_application(settings: Settings) -> DocsplaneApplication:
    """The event-sourced application. On PostgreSQL the library's table setup (which includes
    CREATE OR REPLACE FUNCTION) fails with "tuple concurrently updated" when processes start
    together (gunicorn workers, the projector), so it runs once at a time under an advisory lock."""
    if settings.uses_sqlite_event_store:
        return DocsplaneApplication(env=settings.event_store)
    app = DocsplaneApplication(env={**settings.event_store, "CREATE_TABLE": "false"})
    recorders = [app.recorder] + ([app.snapshots.recorder] if app.snapshots is not None else [])
    for datastore in {id(r.datastore): r.datastore for r in recorders}.values():
        fail_fast(datastore)  # a quick 503 while the server is away
    with app.recorder.datastore.get_connection() as conn:  # pool connections are autocommit
        conn.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK,))
        try:
            app.recorder.create_table()
            if app.snapshots is not None:
                app.snapshots.recorder.create_table()
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK,))
    return app


def build(settings: Settings | None = None) -> Docsplane:
    settings = settings or Settings.from_env()
    if settings.uses_sqlite_event_store:
        Path(settings.event_store["SQLITE_DBNAME"]).parent.mkdir(parents=True, exist_ok=True)
    app = open_application(settings)
    try:
        key = checked_key(settings, app)  # another key than the store's is refused here, at start
        box = SecretBox(key)
    except BaseException:
        app.close()
        raise
    store = ReadStore.from_url(settings.read_db_url)
    create_tables(store)
    loop_status.create_table(store)  # not a read model: create_tables never drops it
    signal = PositionSignal()
    projectors = [
        Projector(app.recorder, app.mapper, store, cls(), settings.projector_batch_size) for cls in PROJECTIONS.values()
    ]
    for projector in projectors:
        projector.on_commit.append(signal)
    ids = IdAllocators(app, settings.id_block_size)
    consistency = ReadYourWrites(store, [p.projection for p in projectors], signal)
    return Docsplane(
        settings=settings,
        app=app,
        store=store,
        read_model=ReadModel(store),
        projectors=projectors,
        signal=signal,
        consistency=consistency,
        projects=ProjectCommands(app, ids, settings.allow_local_repositories),
        versions=VersionCommands(app, ids),
        builds=BuildCommands(app, ids),
        build_leases=BuildLeaseCommands(app, settings.build_lease_seconds),
        build_lease_queries=BuildLeaseQueries(store),
        users=UserCommands(app, ids),
        subprojects=SubprojectCommands(app),
        maintainers=MaintainerCommands(app),
        project_relations=ProjectRelationQueries(store),
        token_queries=TokenQueries(store, consistency.unchanged_since),
        redirects=RedirectCommands(app, ids),
        redirect_queries=RedirectQueries(store),
        environment_variables=EnvironmentVariableCommands(app, ids, box),
        environment_variable_queries=EnvironmentVariableQueries(store),
        notifications=NotificationCommands(app, ids, box),
        notification_queries=NotificationQueries(store),
        webhook_deliveries=WebhookDeliveryCommands(app, RetryPolicy(settings.webhook_attempts, settings.webhook_backoff)),
        webhook_delivery_queries=WebhookDeliveryQueries(store),
        build_command_queries=BuildCommandQueries(store),
        flyout_queries=FlyoutQueries(store),
        docs_queries=DocsQueries(store),
        docs_grants=Grants(key),
        point_in_time=PointInTime(app, store),
        audit_queries=AuditQueries(store),
        idempotency=IdempotencyCommands(app, box),
        artifacts=FilesystemArtifactStore(settings.artifacts_root),
    )


@dataclass
class DocsReadSide:
    """What the docs host reads, and nothing of the write side: a docs-only process never opens the event store."""

    settings: Settings
    store: ReadStore
    token_queries: TokenQueries
    docs_queries: DocsQueries
    docs_grants: Grants
    artifacts: ArtifactStore

    def close(self) -> None:
        self.store.close()


def build_docs_host(settings: Settings | None = None) -> DocsReadSide:
    settings = settings or Settings.from_env()
    store = ReadStore.from_url(settings.read_db_url)
    create_tables(store)  # a docs host started before any other process answers 404s, not errors
    return DocsReadSide(settings, store, TokenQueries(store), DocsQueries(store),
                        Grants(existing_key(settings)), FilesystemArtifactStore(settings.artifacts_root))
