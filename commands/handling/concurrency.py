"""Optimistic concurrency: a command whose save loses a race reloads and decides again."""

import functools
import random
import time

from eventsourcing.persistence import IntegrityError

from domain.errors import ConcurrentWriteLost

ATTEMPTS = 12
MAX_BACKOFF = 0.25  # seconds: the longest wait between two attempts


def retry_on_conflict(command):
    """Re-run the whole command (load, decide, save) when another writer got there first.

    The event store rejects a stale save (same aggregate id and version), so nothing is ever
    overwritten; after ATTEMPTS lost races the caller gets ConcurrentWriteLost."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        for attempt in range(ATTEMPTS):
            try:
                return command(*args, **kwargs)
            except IntegrityError:
                time.sleep(random.uniform(0, min(MAX_BACKOFF, 0.002 * 2**attempt)))  # jitter spreads the retries
        raise ConcurrentWriteLost(f"{command.__name__}: too many concurrent writes, try again")

    return run
