"""The Build aggregate: one run of a project's documentation build, moving through its states,
with the configuration it ran with and the commands it ran."""

from datetime import datetime, timedelta
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import AlreadyDone, IllegalBuildTransition, InvalidValue, LeaseNotHeld, RequiredValueMissing
from domain.ids import build_id
from domain.events.upcasting import versioned

# The order a build moves through; finishing is its own event.
STATES = ("triggered", "cloning", "installing", "building", "finished")
# A build whose worker stops responding runs again once; the second time it fails.
MAX_ATTEMPTS = 2
WORKER_LOST = "The build worker stopped responding"


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
        self.attempt = 1
        self.lease_holder: str | None = None  # the worker running the build, while its lease lasts
        self.lease_expires: datetime | None = None
        self.cancel_requested_by: str | None = None

    @property
    def is_finished(self) -> bool:
        return self.state == "finished"

    def change_state(self, state: str, actor: str, commit: str | None = None) -> None:
        """States only move forward; finishing goes through `finish`."""
        if state not in STATES[1:-1]:
            raise IllegalBuildTransition("Build", "state", f"'{state}' is not a state a build moves to")
        if STATES.index(state) <= STATES.index(self.state):
            raise IllegalBuildTransition("Build", "state", f"a build in '{self.state}' cannot move to '{state}'")
        self._require_lease(actor)
        self._change_state(state=state, commit=commit, actor=actor)

    def finish(self, success: bool, actor: str, error: str | None = None, builder: str | None = None) -> None:
        """A build asked to cancel that ends unsuccessfully ends as cancelled, whatever stopped it."""
        if self.is_finished:
            raise IllegalBuildTransition("Build", "state", "the build has already finished")
        self._require_lease(actor)
        if self.cancel_requested_by is not None and not success:
            error = self.cancelled_error
        self._finish(success=success, error=None if success else (error or "Build failed"), builder=builder, actor=actor)

    def configure(self, config: dict, actor: str) -> None:
        """The worker reports the configuration it read from the repository for this build."""
        self._require_running("config")
        self._require_lease(actor)
        if not isinstance(config, dict):
            raise InvalidValue("Build", "config", "a build's config is a JSON object")
        self._configure(config=config, actor=actor)

    def record_command(self, command_id: int, command: str, output: str, exit_code: int,
                       started: datetime, finished: datetime, actor: str) -> None:
        """The worker reports one command it ran; a finished build's log is closed."""
        self._require_running("commands")
        self._require_lease(actor)
        if not isinstance(command, str) or not command.strip():
            raise RequiredValueMissing("BuildCommand", "command", "the command that ran is required")
        if not isinstance(output, str):
            raise InvalidValue("BuildCommand", "output", "the output is text")
        if not isinstance(exit_code, int) or isinstance(exit_code, bool):
            raise InvalidValue("BuildCommand", "exit_code", "the exit code is an integer")
        for field, moment in (("created", started), ("finished", finished)):
            if not isinstance(moment, datetime) or moment.tzinfo is None:
                raise InvalidValue("BuildCommand", field, "a time with its time zone")
        if finished < started:
            raise InvalidValue("BuildCommand", "finished", "a command cannot finish before it started")
        self._record_command(command_id=command_id, command=command, output=output, exit_code=exit_code,
                             started=started, finished=finished, actor=actor)

    def require_publisher(self, actor: str) -> None:
        """Only the running build's worker publishes its output to the version."""
        self._require_running("version")
        self._require_lease(actor)

    # -- leases: one worker at a time runs a build, for as long as it keeps renewing its lease ---
    def is_leased(self, now: datetime) -> bool:
        return self.lease_holder is not None and self.lease_expires > now

    @property
    def cancelled_error(self) -> str:
        return f"Cancelled by {self.cancel_requested_by}"

    def lease(self, worker: str, now: datetime, seconds: float) -> None:
        """`worker` takes the build to run it. Only a build waiting to run can be taken, and by one
        worker: another one racing for it (or a second delivery of its job) gets LeaseNotHeld."""
        self._require_running("state")
        if self.lease_holder not in (None, worker):
            raise LeaseNotHeld(f"build {self.number} is being run by {self.lease_holder}")
        if self.state != "triggered":
            raise IllegalBuildTransition("Build", "state", f"build {self.number} is not waiting to run")
        self._lease(worker=worker, expires_at=now + timedelta(seconds=seconds), actor=worker)

    def renew_lease(self, worker: str, now: datetime, seconds: float) -> None:
        """The running worker's heartbeat. Refused once the lease was taken from it (after it had
        expired the build was retried or finished): the worker must stop."""
        if self.is_finished or self.lease_holder != worker:
            raise LeaseNotHeld(f"{worker} no longer holds the lease on build {self.number}")
        self._renew_lease(worker=worker, expires_at=now + timedelta(seconds=seconds), actor=worker)

    def request_cancel(self, actor: str, now: datetime) -> None:
        """A running build is asked to stop (its worker notices and ends it); one that is not
        running (not started yet, or its worker gone) ends at once."""
        if self.is_finished:
            raise AlreadyDone(f"build {self.number} has already finished")
        if self.cancel_requested_by is None:
            self._request_cancel(actor=actor)
        if not self.is_leased(now):
            self._finish(success=False, error=self.cancelled_error, builder=None, actor=actor)

    def expire_lease(self, now: datetime, actor: str) -> str | None:
        """A lease ran out without renewal (the worker died or hangs). None when there is nothing
        to do (renewed meanwhile, retried by another reaper, finished); else as `_end_attempt`."""
        if self.is_finished or self.lease_holder is None or self.lease_expires > now:
            return None
        return self._end_attempt(actor, WORKER_LOST)

    def give_up(self, worker: str, reason: str) -> str:
        """The lease's holder cannot go on for a failure of its own (not the build's): as if its
        lease had expired, at once."""
        if self.is_finished or self.lease_holder != worker:
            raise LeaseNotHeld(f"{worker} does not hold the lease on build {self.number}")
        return self._end_attempt(worker, f"The build worker failed: {reason}")

    def _end_attempt(self, actor: str, error: str) -> str:
        """An attempt ended without a result: the build ends cancelled if that was asked
        ("cancelled"), runs again if it has attempts left ("retried"), or fails with `error`."""
        if self.cancel_requested_by is not None:
            self._finish(success=False, error=self.cancelled_error, builder=None, actor=actor)
            return "cancelled"
        if self.attempt < MAX_ATTEMPTS:
            self._retry(number=self.number, project_slug=self.project_slug, version_slug=self.version_slug,
                        attempt=self.attempt + 1, worker=self.lease_holder, actor=actor)
            return "retried"
        self._finish(success=False, error=f"{error} (attempt {self.attempt} of {MAX_ATTEMPTS}).", builder=None, actor=actor)
        return "failed"

    def _require_lease(self, actor: str) -> None:
        """Once a worker has leased the build, only the lease's holder writes its progress: a worker
        that lost its lease (it stopped responding and the build was retried) must not. A build
        never leased (driven by commands directly) takes writes from anyone."""
        if actor != self.lease_holder and (self.lease_holder is not None or self.attempt > 1):
            raise LeaseNotHeld(f"{actor} does not hold the lease on build {self.number}")

    def _require_running(self, field: str) -> None:
        if self.is_finished:
            raise IllegalBuildTransition("Build", field, "the build has already finished")

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

    @event("BuildLeased")
    def _lease(self, worker: str, expires_at: datetime, actor: str) -> None:
        self.lease_holder = worker
        self.lease_expires = expires_at

    @event("LeaseRenewed")
    def _renew_lease(self, worker: str, expires_at: datetime, actor: str) -> None:
        self.lease_expires = expires_at

    @event("BuildCancelRequested")
    def _request_cancel(self, actor: str) -> None:
        self.cancel_requested_by = actor

    @event("BuildRetried")
    def _retry(self, number: int, project_slug: str, version_slug: str, attempt: int, worker: str, actor: str) -> None:
        """`worker`: the one that stopped responding. The build waits to run from the start again;
        the event names the build as BuildTriggered does, because it becomes a job the same way."""
        self.attempt = attempt
        self.state = "triggered"
        self.lease_holder = None
        self.lease_expires = None

    @event("BuildConfigured")
    def _configure(self, config: dict, actor: str) -> None:
        self.config = config

    @event("BuildCommandRecorded")
    def _record_command(self, command_id: int, command: str, output: str, exit_code: int,
                        started: datetime, finished: datetime, actor: str) -> None:
        pass  # the commands live in the read model only; no later decision depends on them


# -- what earlier releases recorded ------------------------------------------------------------
def _build_v1_v2(state: dict) -> None:
    """Release 1 snapshots had no config, attempts, lease or cancellation."""
    for name, value in (("config", None), ("attempt", 1), ("lease_holder", None), ("lease_expires", None),
                        ("cancel_requested_by", None)):
        state.setdefault(name, value)


versioned(Build, _build_v1_v2)
