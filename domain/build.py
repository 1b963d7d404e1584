"""The Build aggregate: one run of a project's documentation build, moving through its states,
with the configuration it ran with and the commands it ran."""

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import ValidationFailed
from domain.ids import build_id
from domain.upcasting import versioned

# The order a build moves through; finishing is its own event.
STATES = ("triggered", "cloning", "installing", "building", "finished")


class Build(Aggregate):
    @staticmethod
    def create_id(number: int) -> UUID:
        return build_id(number)

    @event("BuildTriggered")
    def __init__(
        self, *, number: int, project_id: UUID, project_slug: str, version_id: UUID,
        version_slug: str, actor: str,
    ):
        self.number = number
        self.project_id = project_id
        self.project_slug = project_slug
        self.version_id = version_id
        self.version_slug = version_slug
        self.state = "triggered"
        self.commit = None
        self.success = None
        self.error = None
        self.config = None

    @property
    def is_finished(self) -> bool:
        return self.state == "finished"

    def change_state(self, state: str, actor: str, commit: str | None = None) -> None:
        """States only move forward; finishing goes through `finish`."""
        if state not in STATES[1:-1]:
            raise ValidationFailed("Build", "state", "invalid", f"'{state}' is not a state a build moves to")
        if STATES.index(state) <= STATES.index(self.state):
            raise ValidationFailed("Build", "state", "invalid", f"a build in '{self.state}' cannot move to '{state}'")
        self._change_state(state=state, commit=commit, actor=actor)

    def finish(self, success: bool, actor: str, error: str | None = None, builder: str | None = None) -> None:
        if self.is_finished:
            raise ValidationFailed("Build", "state", "invalid", "the build has already finished")
        self._finish(success=success, error=None if success else (error or "Build failed"), builder=builder, actor=actor)

    def configure(self, config: dict, actor: str) -> None:
        """The worker reports the configuration it read from the repository for this build."""
        self._require_running("config")
        if not isinstance(config, dict):
            raise ValidationFailed("Build", "config", "invalid", "a build's config is a JSON object")
        self._configure(config=config, actor=actor)

    def record_command(self, command_id: int, command: str, output: str, exit_code: int,
                       started: datetime, finished: datetime, actor: str) -> None:
        """The worker reports one command it ran; a finished build's log is closed."""
        self._require_running("commands")
        if not isinstance(command, str) or not command.strip():
            raise ValidationFailed("BuildCommand", "command", "missing_field", "the command that ran is required")
        if not isinstance(output, str):
            raise ValidationFailed("BuildCommand", "output", "invalid", "the output is text")
        if not isinstance(exit_code, int) or isinstance(exit_code, bool):
            raise ValidationFailed("BuildCommand", "exit_code", "invalid", "the exit code is an integer")
        for field, moment in (("created", started), ("finished", finished)):
            if not isinstance(moment, datetime) or moment.tzinfo is None:
                raise ValidationFailed("BuildCommand", field, "invalid", "a time with its time zone")
        if finished < started:
            raise ValidationFailed("BuildCommand", "finished", "invalid", "a command cannot finish before it started")
        self._record_command(command_id=command_id, command=command, output=output, exit_code=exit_code,
                             started=started, finished=finished, actor=actor)

    def _require_running(self, field: str) -> None:
        if self.is_finished:
            raise ValidationFailed("Build", field, "invalid", "the build has already finished")

    @event("BuildStateChanged")
    def _change_state(self, state: str, commit: str | None, actor: str) -> None:
        self.state = state
        if commit:
            self.commit = commit

    @event("BuildFinished")
    def _finish(self, success: bool, error: str | None, builder: str | None, actor: str) -> None:
        self.state = "finished"
        self.success = success
        self.error = error

    @event("BuildConfigured")
    def _configure(self, config: dict, actor: str) -> None:
        self.config = config

    @event("BuildCommandRecorded")
    def _record_command(self, command_id: int, command: str, output: str, exit_code: int,
                        started: datetime, finished: datetime, actor: str) -> None:
        pass  # the commands live in the read model only; no later decision depends on them


# -- what earlier releases recorded ------------------------------------------------------------
versioned(Build, lambda state: state.setdefault("config", None))  # release 1 snapshots had no config
