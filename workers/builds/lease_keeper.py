"""Keeps a running build's lease alive and tells the build when to stop.

While the build runs, the keeper renews the worker's lease every third of its length and, more
often, checks the read model for a cancel request. It sets `cancelled` (the BuildRunner then kills
the running step and ends the build) when a maintainer cancelled the build, or when the lease was
taken from this worker: it stopped renewing long enough for the reaper to retry or end the build,
so whatever it still writes is refused (the Build aggregate) and it had better stop."""

from __future__ import annotations

import contextvars
import logging
import threading
import time

from domain.errors import StateMovedOn

log = logging.getLogger("docsplane.worker")


class LeaseKeeper:
    def __init__(self, leases, queries, lease_seconds: float, worker: str, number: int, cancelled: threading.Event):
        self.leases = leases
        self.queries = queries
        self.worker = worker
        self.number = number
        self.cancelled = cancelled
        self.renew_every = lease_seconds / 3
        self.poll = min(1.0, self.renew_every)
        self.lost = False
        self._done = threading.Event()
        # In the job's request context: renewals carry the job's request and correlation ids.
        context = contextvars.copy_context()
        self._thread = threading.Thread(target=context.run, args=(self._run,), name=f"lease-{number}", daemon=True)

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        renew_at = time.monotonic() + self.renew_every
        while not self._done.wait(self.poll):
            try:
                if time.monotonic() >= renew_at:
                    renew_at = time.monotonic() + self.renew_every
                    if self.leases.renew_lease(self.worker, self.number).value.cancel_requested:
                        self.cancelled.set()
                elif self.queries.cancel_requested(self.number):
                    self.cancelled.set()
            except StateMovedOn as refusal:
                if self._done.is_set():  # the build just finished: its lease ended with it
                    return
                log.warning("build %s: lease lost (%s); stopping it", self.number, refusal)
                self.lost = True
                self.cancelled.set()
                return
            except Exception:  # the database away for a moment: try again at the next tick
                log.exception("build %s: could not renew the lease or poll for a cancel", self.number)
