"""A pool of psycopg2 connections that keeps what it opens."""

from __future__ import annotations

import select
import threading
from contextlib import contextmanager


class ConnectionPool:
    """Up to `size` psycopg2 connections, opened on first need and then kept: every request reuses
    one instead of forking a PostgreSQL backend. (psycopg2's own pools keep only `minconn` idle
    connections and close the rest as they are returned, and open the `minconn` up front.)"""

    def __init__(self, size: int, connect):
        self._connect = connect
        self._idle: list = []  # most recently used last: the warmest connection is reused first
        self._lock = threading.Lock()
        self._available = threading.BoundedSemaphore(size)  # wait for a connection rather than fail
        self._closed = False

    @contextmanager
    def connection(self):
        with self._available:
            conn = self._take()
            try:
                yield conn
            finally:
                self._give_back(conn)

    def _take(self):
        """An idle connection that is not known to be dead, or a new one. The server says goodbye
        on an idle connection it ends (restart, pg_terminate_backend), so one with something to
        read is discarded unused: after an outage the pool heals without failing a request per connection."""
        while True:
            with self._lock:
                conn = self._idle.pop() if self._idle else None
            if conn is None:
                return self._connect()
            if not conn.closed and not select.select([conn], [], [], 0)[0]:
                return conn
            conn.close()

    def _give_back(self, conn) -> None:
        import psycopg2.extensions

        if not conn.closed and conn.info.transaction_status != psycopg2.extensions.TRANSACTION_STATUS_IDLE:
            conn.close()  # broken, or left inside a transaction: never hand that state to the next user
        with self._lock:
            if not conn.closed and not self._closed:
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle, self._closed = self._idle, [], True
        for conn in idle:
            conn.close()
