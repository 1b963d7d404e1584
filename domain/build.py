"""The Build aggregate: one run of a project's documentation build, moving through its states."""

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import ValidationFailed
from domain.ids import build_id

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
