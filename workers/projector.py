"""Runs every projector until stopped: in its own process (`docsplane projector`) or as a thread
inside `docsplane serve`. A failing batch is logged and retried; it never ends the loop."""

from __future__ import annotations

import logging
import threading
import time

log = logging.getLogger("docsplane.projector")


class ProjectorLoop:
    def __init__(self, projectors, poll_interval: float):
        self.projectors = projectors
        self.poll_interval = poll_interval
        self.wake = threading.Event()
        self.stop = threading.Event()
        self.last_error: str | None = None

    def run_forever(self) -> None:
        failures = 0
        while not self.stop.is_set():
            try:
                progressed = False
                for projector in self.projectors:
                    progressed = projector.run_batch() or progressed
                failures = 0
            except Exception as error:  # supervised: the database may be briefly unavailable
                failures += 1
                self.last_error = f"{type(error).__name__}: {error}"
                log.exception("projector batch failed (attempt %d); retrying", failures)
                time.sleep(min(5.0, 0.1 * 2**failures))
                continue
            if not progressed:
                self.wake.wait(self.poll_interval)
                self.wake.clear()

    def start_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.run_forever, name="projector", daemon=True)
        thread.start()
        return thread
