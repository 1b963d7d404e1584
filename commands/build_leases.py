"""Commands of the build workers' leases: take a build to run it, keep it while running, and let a
reaper end or retry what a dead worker left. Two workers racing for one build both load the same
version; the event store takes one save and the other, reloading, finds the build leased."""

from dataclasses import dataclass
from datetime import datetime, timezone

from commands.handling.concurrency import retry_on_conflict
from commands.handling.loading import load_build
from commands.handling.result import Written


def now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Heartbeat:
    """What a renewal tells the running worker."""

    cancel_requested: bool


class BuildLeaseCommands:
    def __init__(self, app, lease_seconds: float):
        self.app = app
        self.lease_seconds = lease_seconds

    @retry_on_conflict
    def lease_build(self, worker: str, number: int) -> Written:
        """LeaseNotHeld when another worker runs the build; IllegalBuildTransition when it is not waiting to run."""
        build = load_build(self.app, number)
        build.lease(worker, now(), self.lease_seconds)
        return Written(number, self.app.save(build))

    @retry_on_conflict
    def renew_lease(self, worker: str, number: int) -> Written:
        """LeaseNotHeld when the lease was taken from `worker`."""
        build = load_build(self.app, number)
        build.renew_lease(worker, now(), self.lease_seconds)
        return Written(Heartbeat(cancel_requested=build.cancel_requested_by is not None), self.app.save(build))

    @retry_on_conflict
    def give_up(self, worker: str, number: int, reason: str) -> Written:
        """The value is what happened (Build.give_up); LeaseNotHeld when `worker` lost the lease."""
        build = load_build(self.app, number)
        outcome = build.give_up(worker, reason)
        return Written(outcome, self.app.save(build))

    @retry_on_conflict
    def expire_lease(self, actor: str, number: int) -> Written:
        """The value is what happened (Build.expire_lease): "retried", "cancelled", "failed" or None."""
        build = load_build(self.app, number)
        outcome = build.expire_lease(now(), actor)
        return Written(outcome, self.app.save(build) if outcome else [])
