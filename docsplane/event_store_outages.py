"""The PostgreSQL event store while its server is away: answer quickly, come back quickly.

The `eventsourcing` library retries every event-store call 10 times, and each attempt waits up to
POSTGRES_CONNECT_TIMEOUT for a pool connection: a request caught by an outage waited for every
attempt before its 503. And psycopg's pool reconnects with an exponential back-off that only ends after 5 minutes, during
which it starts no other connection attempt: after an outage of a minute, the first requests waited
up to another minute for a connection although the server was back.

`fail_fast(datastore)` changes both, on the library's datastore object:
- once a connection could not be had, further ones fail at once (the library's OperationalError:
  a 503) instead of waiting, except one attempt per PROBE_EVERY seconds, which finds the server back;
  a connection that breaks while in use does not count (a dead idle connection after a restart: the
  library's retry takes the next one);
- a reconnection attempt of the pool gives up after RECONNECT_TIMEOUT, so that the next request
  that needs a connection starts a new attempt at once (the pool grows on demand)."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

from eventsourcing.persistence import OperationalError

PROBE_EVERY = 1.0  # seconds between real connection attempts while the event store is unreachable
RECONNECT_TIMEOUT = 2.0  # seconds one reconnection attempt of the pool keeps backing off


class FailFast:
    def __init__(self, datastore, probe_every: float = PROBE_EVERY):
        self._get_connection = datastore.get_connection  # the library's
        self.probe_every = probe_every
        self.unreachable_since: float | None = None
        self._next_probe = 0.0
        self._lock = threading.Lock()

    @contextmanager
    def get_connection(self):
        self._admit()
        acquired = False
        try:
            with self._get_connection() as conn:
                acquired = True
                self.unreachable_since = None
                yield conn
        except OperationalError:
            if not acquired:  # no connection to be had (pool timeout, refused): the server is away
                with self._lock:
                    if self.unreachable_since is None:
                        self.unreachable_since = time.monotonic()
                        self._next_probe = self.unreachable_since + self.probe_every
            raise

    def _admit(self) -> None:
        with self._lock:
            if self.unreachable_since is None:
                return
            now = time.monotonic()
            if now >= self._next_probe:  # this call is the probe
                self._next_probe = now + self.probe_every
                return
        away = now - self.unreachable_since
        raise OperationalError(f"the event store has been unreachable for {away:.0f} s (no connection could be had)")


def fail_fast(datastore) -> FailFast:
    """Wrap the datastore's `get_connection` (every recorder's way to the database)."""
    guard = FailFast(datastore)
    datastore.get_connection = guard.get_connection
    datastore.pool.reconnect_timeout = RECONNECT_TIMEOUT
    return guard
