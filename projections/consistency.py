"""Read-your-writes: a write answers once the read models show its events, within a bound."""

import threading
import time

from eventsourcing.utils import get_topic

from projections.tracking import POSITIONS_CHANNEL, positions

# While a LISTEN is in place, positions are re-read on each announcement, and this often besides
# (a NOTIFY can be lost with its connection); without one, as often as `poll_interval`.
LOST_NOTIFY_POLL = 0.05


class Wakeups:
    """A counter of announcements that waiters can wait to see move, so that one arriving between
    a waiter's read and its wait is not missed."""

    def __init__(self):
        self._condition = threading.Condition()
        self.count = 0

    def __call__(self) -> None:
        with self._condition:
            self.count += 1
            self._condition.notify_all()

    def wait_past(self, seen: int, timeout: float) -> None:
        with self._condition:
            self._condition.wait_for(lambda: self.count != seen, timeout)


class ReadYourWrites:
    def __init__(self, store, projections, signal=None, poll_interval: float = 0.005):
        self.store = store
        self.signal = signal  # an in-process projector's commits (SQLite has no NOTIFY)
        self.poll_interval = poll_interval
        self._lock = threading.Lock()
        self._read_at, self._read = float("-inf"), {}
        self._wakeups = Wakeups()
        self._listener = None
        # topic -> names of the projections that must have caught up with an event of that topic
        self._readers: dict[str, list[str]] = {}
        for projection in projections:
            for event_class in projection.handlers:
                self._readers.setdefault(get_topic(event_class), []).append(projection.name)

    def targets(self, recordings) -> dict[str, int]:
        """For each projection touched by these recordings, the notification id it must reach."""
        targets: dict[str, int] = {}
        for recording in recordings:
            notification = recording.notification
            for name in self._readers.get(notification.topic, ()):
                targets[name] = max(targets.get(name, 0), notification.id)
        return targets

    def wait(self, recordings, timeout: float) -> bool:
        """True when every read model shows these recordings; False if `timeout` ran out first."""
        targets = self.targets(recordings)
        deadline = time.monotonic() + timeout
        listening = self._listening()
        while targets:
            seen = self._wakeups.count
            current = self._positions()
            targets = {name: want for name, want in targets.items() if current.get(name, 0) < want}
            remaining = deadline - time.monotonic()
            if not targets:
                break
            if remaining <= 0:
                return False
            if listening is not None and listening.is_set():
                self._wakeups.wait_past(seen, min(remaining, LOST_NOTIFY_POLL))
            elif self.signal is not None:
                self.signal.wait(min(remaining, 0.01))
            else:
                time.sleep(min(remaining, self.poll_interval))
        return True

    def _listening(self) -> threading.Event | None:
        """On PostgreSQL, a LISTEN to the projectors' announcements, begun by the first write that waits."""
        if self._listener is None and hasattr(self.store, "listen"):
            with self._lock:
                if self._listener is None:
                    self._listener = self.store.listen(POSITIONS_CHANNEL, self._wakeups)
        return None if self._listener is None else self._listener.listening

    def _positions(self) -> dict[str, int]:
        """The projections' positions as read after this call began. Waiting threads share the
        reads: whoever holds the lock reads for every thread that asked before that read started
        (a request thread per write would otherwise poll the table every 10 ms each)."""
        asked = time.monotonic()
        with self._lock:
            if self._read_at <= asked:
                started = time.monotonic()
                self._read, self._read_at = positions(self.store), started
            return self._read
