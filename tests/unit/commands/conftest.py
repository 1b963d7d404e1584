"""The write side on eventsourcing's in-memory (POPO) persistence: every command, no database.

Each command class gets exactly the dependencies it names (the application, id allocators, a
secret box); the tests read the decisions back from the application's notification log.

- `app`       a fresh DocsplaneApplication on `eventsourcing.popo`.
- `log`       an EventLog of `app`: `log.new()` is what was appended since the last call.
- `commands`  every command object, wired to `app`.
- `project`   the slug of a project alice imported (default branch `main`), its events already read.
- `refused`   write_side.refused.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet

import write_side
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
from write_side import POPO, EventLog


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
    slug = commands.projects.import_project("alice", write_side.settings("Pets")).value
    log.new()  # the tests read what their own commands append
    return slug


@pytest.fixture
def refused():
    return write_side.refused
