"""The write side on eventsourcing's in-memory (POPO) persistence: every command, no database.

Each command class gets exactly the dependencies it names (the application, id allocators, a
secret box); the decisions are then read back from the application's notification log.

- `app`       a fresh DocsplaneApplication on `eventsourcing.popo`.
- `log`       `log.new()` -> the events appended since the last call (id-sequence bookkeeping left out).
- `commands`  every command object, wired to `app`.
- `project`   the slug of a project alice imported (default branch `main`).
- `refused`   `with refused(log) as error:` the block raises a DomainError and appends nothing.
"""

from __future__ import annotations

from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet

from commands.build_leases import BuildLeaseCommands
from commands.builds import BuildCommands
from commands.environment_variables import EnvironmentVariableCommands
from commands.handling.application import DocsplaneApplication
from commands.handling.idempotency import IdempotencyCommands
from commands.handling.ids import IdAllocators
from commands.handling.secret_box import SecretBox
from commands.maintainers import MaintainerCommands
from commands.projects import ProjectCommands
from commands.redirects import RedirectCommands
from commands.subprojects import SubprojectCommands
from commands.users import UserCommands
from commands.versions import VersionCommands
from domain.errors import DomainError
from domain.sequence import IdSequence

POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


def settings(name: str, **overrides) -> dict:
    """What an import of project `name` sends (Read the Docs' required fields)."""
    return {
        "name": name,
        "repository": {"url": f"https://github.com/example/{name.lower()}", "type": "git"},
        "language": "en", "programming_language": "py", "homepage": None, "default_branch": "main",
        "privacy_level": "public", "tags": [], **overrides,
    }


def names(events) -> list[str]:
    """`Aggregate.Event` names, as the topics spell them."""
    return [type(event).__qualname__ for event in events]


class EventLog:
    """Reads the application's notification log forward, as a projector would."""

    def __init__(self, app):
        self.app = app
        self.position = 0

    def new(self) -> list:
        notifications = self.app.recorder.select_notifications(start=self.position + 1, limit=100_000)
        if notifications:
            self.position = notifications[-1].id
        events = [self.app.mapper.to_domain_event(n) for n in notifications]
        return [e for e in events if not isinstance(e, IdSequence.Event)]

    def stored_states(self) -> list[bytes]:
        """Every stored event's state, as the event store holds it."""
        return [n.state for n in self.app.recorder.select_notifications(start=1, limit=100_000)]


@pytest.fixture
def app():
    application = DocsplaneApplication(env=POPO)
    yield application
    application.close()


@pytest.fixture
def log(app) -> EventLog:
    return EventLog(app)


@pytest.fixture
def box() -> SecretBox:
    return SecretBox(Fernet.generate_key())


@pytest.fixture
def commands(app, box) -> SimpleNamespace:
    ids = IdAllocators(app, block_size=50)
    return SimpleNamespace(
        projects=ProjectCommands(app, ids, allow_local_repositories=False),
        versions=VersionCommands(app, ids),
        builds=BuildCommands(app, ids),
        build_leases=BuildLeaseCommands(app, lease_seconds=60),
        redirects=RedirectCommands(app, ids),
        environment_variables=EnvironmentVariableCommands(app, ids, box),
        maintainers=MaintainerCommands(app),
        subprojects=SubprojectCommands(app),
        users=UserCommands(app, ids),
        idempotency=IdempotencyCommands(app, box),
    )


@pytest.fixture
def project(commands, log) -> str:
    slug = commands.projects.import_project("alice", settings("Pets")).value
    log.new()  # the tests read what their own commands append
    return slug


@pytest.fixture
def refused():
    @contextmanager
    def refused(log: EventLog):
        raised = SimpleNamespace(value=None)
        with pytest.raises(DomainError) as error:
            yield raised
        raised.value = error.value
        assert log.new() == [], "a refused command appends nothing"

    return refused
