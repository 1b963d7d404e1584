"""LISTEN for PostgreSQL's NOTIFYs on a connection and a thread of their own."""

from __future__ import annotations

import contextlib
import logging
import select
import threading

from projections.store.connect import connect

log = logging.getLogger("docsplane.projections")


class Listener:
    """One LISTEN connection and its thread. `on_notify(None)` is called on each (re)connection:
    whatever was sent while nobody listened is lost; `listening` is set while a LISTEN is in place."""

    def __init__(self, url: str, channel: str, on_notify, reconnect_delay: float = 1.0):
        self.url, self.channel, self.on_notify, self.reconnect_delay = url, channel, on_notify, reconnect_delay
        self.listening = threading.Event()
        self._stop = threading.Event()
        threading.Thread(target=self._run, name=f"listen-{channel}", daemon=True).start()

    def close(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._listen()
            except Exception as error:  # the database went away: the waiters poll meanwhile
                if not self._stop.is_set():  # not merely the store closing
                    log.warning("LISTEN %s lost (%s: %s); listening again in %s s",
                                self.channel, type(error).__name__, error, self.reconnect_delay)
            self.listening.clear()
            self._stop.wait(self.reconnect_delay)

    def _listen(self) -> None:
        with contextlib.closing(connect(self.url)) as conn:
            conn.autocommit = True
            conn.cursor().execute(f'LISTEN "{self.channel}"')
            self.listening.set()
            self.on_notify(None)
            while not self._stop.is_set():
                if select.select([conn], [], [], 0.5)[0]:
                    conn.poll()
                    if conn.notifies:
                        payloads = [notify.payload for notify in conn.notifies]
                        conn.notifies.clear()
                        self.on_notify(payloads)
