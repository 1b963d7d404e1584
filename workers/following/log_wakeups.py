"""Wakes log-following loops the moment any process appends to the PostgreSQL event store.

The library's PostgreSQL recorder sends a NOTIFY on its events table's channel with every append;
one LISTEN connection per process turns each into `loop.wake.set()`, so a projector in another
process sees a write within milliseconds instead of at its next poll. The polls stay: a NOTIFY can
be lost (a dropped connection, upstream issue #305), and then the next poll catches up. SQLite has no
NOTIFY; there the loops of one process are woken by its own saves (Background) and poll otherwise."""

from __future__ import annotations

import logging
import threading

log = logging.getLogger("docsplane.workers")


class LogWakeups:
    def __init__(self, app, reconnect_delay: float = 1.0):
        self.recorder = app.recorder
        self.reconnect_delay = reconnect_delay
        self.loops: list = []
        self.stop = threading.Event()
        self.listening = threading.Event()  # set while a LISTEN is in place (tests wait on it)
        self.backend_pid: int | None = None  # the LISTEN connection's server process
        self._thread: threading.Thread | None = None

    @staticmethod
    def available(app) -> bool:
        return hasattr(app.recorder, "channel_name")  # the PostgreSQL recorder

    def add(self, loop) -> None:
        self.loops.append(loop)
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="log-wakeups", daemon=True)
            self._thread.start()

    def close(self) -> None:
        self.stop.set()

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                self._listen()
            except Exception as error:  # the database went away: poll meanwhile, listen again later
                self.listening.clear()
                log.warning("event-store LISTEN lost (%s: %s); the loops poll until it is back", type(error).__name__, error)
                self.stop.wait(self.reconnect_delay)

    def _listen(self) -> None:
        import psycopg
        from psycopg.sql import SQL, Identifier

        pool = self.recorder.datastore.pool  # its own connection: never holds one the pool needs
        with psycopg.connect(pool.conninfo, **{**pool.kwargs, "autocommit": True}) as conn:
            conn.execute(SQL("LISTEN {0}").format(Identifier(self.recorder.channel_name)))
            self.backend_pid = conn.info.backend_pid
            self.listening.set()
            for loop in self.loops:
                loop.wake.set()  # whatever was appended while nobody listened
            while not self.stop.is_set():
                for _ in conn.notifies(timeout=1.0, stop_after=1):
                    for loop in self.loops:
                        loop.wake.set()


def wake_on_appends(app, loop) -> LogWakeups | None:
    """For a loop running alone in its process (`docsplane projector`, `relay`, ...)."""
    if not LogWakeups.available(app):
        return None
    wakeups = LogWakeups(app)
    wakeups.add(loop)
    return wakeups
