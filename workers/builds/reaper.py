"""The lease reaper: finds builds whose worker stopped renewing its lease (killed, frozen, cut off)
and retries each once or ends it (Build.expire_lease). A retried build is back to `triggered` and
the dispatcher turns its BuildRetried into a new job.

Every worker process runs one (and `docsplane serve` in the embedded mode): reapers racing for one
build resolve through the build's optimistic concurrency, the losers finding nothing to do."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from commands.handling.request_context import on_behalf_of
from domain.ids import build_id

log = logging.getLogger("docsplane.reaper")

ACTOR = "reaper"


class LeaseReaper:
    def __init__(self, *, app, leases, queries, batch_size: int = 100):
        self.app = app
        self.leases = leases  # their commands
        self.queries = queries
        self.batch_size = batch_size

    def run_batch(self) -> bool:
        """One scan. False: the loop scans again at its interval (the read model shows what this
        scan changed only once projected, so scanning again at once would find the same builds)."""
        for number in self.queries.expired(datetime.now(timezone.utc), self.batch_size):
            try:
                with on_behalf_of(self.app, build_id(number)):  # a retry is still the triggering request's
                    outcome = self.leases.expire_lease(ACTOR, number).value
            except Exception:  # one build's failure must not hold up the others
                log.exception("build %s: could not end its expired lease", number)
                continue
            if outcome:
                log.warning("build %s: its worker stopped renewing the lease; build %s", number, outcome)
        return False


def requeue_waiting(docsplane) -> int:
    """Embedded mode, at start: the in-memory job queue died with the previous process, and with it
    the jobs of the builds still waiting to run; queue them again. Returns how many. A build whose
    job the dispatcher also (re)publishes runs once all the same: the lease skips the second job."""
    from workers.queues import build_queue, connection, publish_job

    for projector in docsplane.projectors:
        if projector.name == "build_leases":
            projector.catch_up()
    waiting = docsplane.build_lease_queries.waiting()
    queue = build_queue(docsplane.settings.build_queue)
    with connection(docsplane.settings) as conn:
        for number in waiting:
            publish_job(conn, {"build": number}, queue)
    return len(waiting)


def reap_interval(settings) -> float:
    """How often to scan: a few times per lease, so a dead worker's build waits little past it."""
    return max(0.2, min(settings.build_lease_seconds / 4, 15.0))
