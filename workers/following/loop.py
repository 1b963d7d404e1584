"""The supervised loop every log-following process runs (projector, relay, dispatcher, ...): call
`run_batch()` on each step until stopped; sleep until woken or the poll interval passes when
nothing progressed; on a failure log it, back off exponentially and retry, never end the loop.
With a `heartbeat` (loop_status.Heartbeat) it also records, for other processes to see, that it
is alive and its last error (cleared on recovery)."""

from __future__ import annotations

import logging
import threading

log = logging.getLogger("docsplane.workers")


class SupervisedLoop:
    def __init__(self, name: str, steps, poll_interval: float, max_backoff: float = 5.0):
        self.name = name
        self.steps = steps  # objects with run_batch() -> bool (True: did something, run again at once)
        self.poll_interval = poll_interval
        self.max_backoff = max_backoff
        self.wake = threading.Event()  # set it to run at once (e.g. after this process appended events)
        self.stop = threading.Event()
        self.last_error: str | None = None
        self.heartbeat = None  # a workers.following.loop_status.Heartbeat, set by whoever made the loop

    def run_forever(self) -> None:
        failures = 0
        while not self.stop.is_set():
            try:
                progressed = False
                for step in self.steps:
                    progressed = step.run_batch() or progressed
            except Exception as error:  # supervised: the database or the broker may be briefly away
                failures += 1
                self.last_error = f"{type(error).__name__}: {error}"
                delay = min(self.max_backoff, 0.1 * 2**failures)
                if failures == 1:
                    log.exception("%s: batch failed; retrying in %.1fs", self.name, delay)
                else:
                    log.warning("%s: batch failed (attempt %d): %s; retrying in %.1fs", self.name, failures, self.last_error, delay)
                self._beat()
                self.stop.wait(delay)
                continue
            if failures:
                log.info("%s: recovered after %d failed attempts", self.name, failures)
                failures, self.last_error = 0, None
            self._beat()
            if not progressed:
                self.wake.wait(self.poll_interval)
                self.wake.clear()
        if self.heartbeat is not None:
            self.heartbeat.forget()

    def _beat(self) -> None:
        if self.heartbeat is not None:
            self.heartbeat.beat(self.last_error)

    def start_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.run_forever, name=self.name, daemon=True)
        thread.start()
        return thread

    def request_stop(self) -> None:
        self.stop.set()
        self.wake.set()
