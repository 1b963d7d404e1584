"""Environment variables of a project's builds. The value is a secret: aggregates and events hold
only its ciphertext (the write side encrypts before deciding), never the plain value.

A name is unique within a project. That invariant spans variables, so each project has one
EnvironmentVariableNames aggregate that claims names; it is saved atomically with the variable, and
of two concurrent creations of one name the event store accepts exactly one."""

from __future__ import annotations

import re
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidSetting, NameTaken, RequiredValueMissing
from domain.ids import environment_variable_id, environment_variable_names_id

NAME_MAX = 128
VALUE_MAX = 48_000  # Read the Docs' limit
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # used with fullmatch: `$` would let "\n" through
# The build sets these itself; a project variable must not shadow them (as on Read the Docs).
RESERVED_PREFIX = "READTHEDOCS"


def validate_name(name: str) -> None:
    if not _NAME.fullmatch(name) or len(name) > NAME_MAX:
        raise InvalidSetting(
            "EnvironmentVariable", "name",
            f"letters, digits and '_', not starting with a digit, at most {NAME_MAX} characters",
        )
    if name.startswith(RESERVED_PREFIX):
        raise InvalidSetting("EnvironmentVariable", "name", f"names starting with {RESERVED_PREFIX} are reserved")


def validate_value(value: str) -> None:
    """Checked on the plain value, before it is encrypted. Messages never quote the value."""
    if not value:
        raise RequiredValueMissing("EnvironmentVariable", "value", "the value is required")
    if len(value) > VALUE_MAX:
        raise InvalidSetting("EnvironmentVariable", "value", f"at most {VALUE_MAX} characters")
    if "\x00" in value:
        raise InvalidSetting("EnvironmentVariable", "value", "a process environment cannot hold NUL characters")


class EnvironmentVariable(Aggregate):
    @staticmethod
    def create_id(project_id: UUID, number: int) -> UUID:
        return environment_variable_id(project_id, number)

    @event("EnvironmentVariableCreated")
    def __init__(
        self, *, project_id: UUID, project_slug: str, number: int, name: str, value_ciphertext: str,
        public: bool, actor: str,
    ):
        self.project_id = project_id
        self.project_slug = project_slug
        self.number = number
        self.name = name
        self.value_ciphertext = value_ciphertext
        self.public = public
        self.deleted = False

    @classmethod
    def create(cls, **kwargs) -> EnvironmentVariable:
        validate_name(kwargs["name"])
        return cls(**kwargs)

    def delete(self, actor: str) -> None:
        self._delete(actor=actor)

    @event("EnvironmentVariableDeleted")
    def _delete(self, actor: str) -> None:
        self.deleted = True


class EnvironmentVariableNames(Aggregate):
    """Which variable of one project holds each name."""

    @staticmethod
    def create_id(project_id: UUID) -> UUID:
        return environment_variable_names_id(project_id)

    @event("EnvironmentVariableNamesStarted")
    def __init__(self, *, project_id: UUID, actor: str):
        self.project_id = project_id
        self.numbers: dict[str, int] = {}

    def require_free(self, name: str) -> None:
        if name in self.numbers:
            raise NameTaken("EnvironmentVariable", "name", f"the project already has a variable '{name}'")

    def claim(self, name: str, number: int, actor: str) -> None:
        self.require_free(name)
        self._claim(name=name, number=number, actor=actor)

    def release(self, name: str, actor: str) -> None:
        if name in self.numbers:
            self._release(name=name, actor=actor)

    @event("EnvironmentVariableNameClaimed")
    def _claim(self, name: str, number: int, actor: str) -> None:
        self.numbers[name] = number

    @event("EnvironmentVariableNameReleased")
    def _release(self, name: str, actor: str) -> None:
        del self.numbers[name]
