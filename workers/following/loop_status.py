"""What every long-running loop tells operators across processes (`docsplane status`, GET /api/v3/_health):
a row per running loop in the read store's `loop_status` table, with its last heartbeat and its last
error, cleared once it recovers.

    heartbeat = Heartbeat(store, "relay")          # instance: host:pid (a build worker: its own name)
    heartbeat.beat()                                # after a good step; written at most every HEARTBEAT_EVERY s
    heartbeat.beat("OperationalError: ...")         # after a failed one; written at once when the error changes
    heartbeat.forget()                              # on a clean stop: the row goes

Like `follower_positions`, the table is not a read model: a rebuild or a schema change leaves it
alone. Writing it is best effort: a loop never fails because its heartbeat could not be recorded
(the database being away is exactly when that happens, and the status then reports the store)."""

from __future__ import annotations

import logging
import os
import socket
import time
from datetime import datetime, timezone

log = logging.getLogger("docsplane.workers")

DDL = """CREATE TABLE IF NOT EXISTS loop_status (
    name TEXT NOT NULL,
    instance TEXT NOT NULL,
    started TEXT NOT NULL,
    heartbeat TEXT NOT NULL,
    last_error TEXT,
    last_error_at TEXT,
    PRIMARY KEY (name, instance)
)"""
SCHEMA_LOCK = 4242  # the read store's DDL lock, shared with the log followers' table
HEARTBEAT_EVERY = 5.0  # seconds: a write every few seconds per loop, not one per batch
MAX_ERROR_LENGTH = 500


def create_table(store) -> None:
    with store.transaction() as tx:
        if store.dialect == "postgres":
            tx.execute("SELECT pg_advisory_xact_lock(?)", (SCHEMA_LOCK,))
        tx.execute(DDL)


def this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def rows(store) -> list[dict]:
    return store.fetchall("SELECT * FROM loop_status ORDER BY name, instance")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


class Heartbeat:
    def __init__(self, store, name: str, instance: str | None = None, every: float = HEARTBEAT_EVERY, clock=time.monotonic):
        self.store = store
        self.name = name
        self.instance = instance or this_process()
        self.every = every
        self.clock = clock
        self.started = _now()
        self.error: str | None = None
        self.error_at: str | None = None
        self._written_at: float | None = None  # None: nothing written yet (or the last write failed)
        self._forget_dead_neighbours()

    def beat(self, error: str | None = None) -> None:
        changed = error != self.error
        if changed:
            self.error, self.error_at = (error[:MAX_ERROR_LENGTH], _now()) if error else (None, None)
        due = self._written_at is None or self.clock() - self._written_at >= self.every
        if changed or due:
            self._write()

    def forget(self) -> None:
        try:
            with self.store.transaction() as tx:
                tx.execute("DELETE FROM loop_status WHERE name = ? AND instance = ?", (self.name, self.instance))
        except Exception as error:
            log.debug("%s: could not remove its status row: %s", self.name, error)

    def _write(self) -> None:
        try:
            with self.store.transaction() as tx:
                tx.execute(
                    "INSERT INTO loop_status (name, instance, started, heartbeat, last_error, last_error_at)"
                    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name, instance) DO UPDATE SET"
                    " heartbeat = excluded.heartbeat, last_error = excluded.last_error, last_error_at = excluded.last_error_at",
                    (self.name, self.instance, self.started, _now(), self.error, self.error_at),
                )
            self._written_at = self.clock()
        except Exception as error:  # best effort: the loop's own failure is what matters
            self._written_at = None
            log.debug("%s: could not record its heartbeat: %s", self.name, error)

    def _forget_dead_neighbours(self) -> None:
        """Rows of processes of this host that are gone (killed, never stopped cleanly): a restarted
        `docsplane serve` must not report its previous run as a stale loop forever."""
        host = self.instance.split(":")[0]
        try:
            for row in self.store.fetchall("SELECT name, instance FROM loop_status WHERE instance LIKE ?", (f"{host}:%",)):
                pid = row["instance"].split(":")[1]
                if pid.isdigit() and not _alive(int(pid)):
                    with self.store.transaction() as tx:
                        tx.execute("DELETE FROM loop_status WHERE name = ? AND instance = ?", (row["name"], row["instance"]))
        except Exception as error:
            log.debug("could not clean up the status rows of stopped processes: %s", error)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True
