"""Read-your-writes: a write answers once the read models show its events, within a bound."""

import threading
import time

from eventsourcing.utils import get_topic

from projections.following.tracking import POSITIONS_CHANNEL, positions

# While a LISTEN is in place, a waiting write re-reads the positions when the announcements say its
# targets are reached, and this often besides (a NOTIFY is lost with its connection); without one,
# every 10 ms (woken sooner by an in-process projector) or every `poll_interval`.
LOST_NOTIFY_POLL = 0.05


class Announcements:
    """The positions the projectors announced (PostgreSQL NOTIFY on `tracking.POSITIONS_CHANNEL`), so that a
    waiting write reads the table once, when they say it is time, rather than at every commit."""

    def __init__(self):
        self._condition = threading.Condition()
        self._positions: dict[str, int] = {}
        self._connections = 0  # LISTENs begun: what was sent between two of them is lost
        self._moves: dict[str, int] = {}  # per projection: how many announcements moved it

    def __call__(self, payloads: list[str] | None) -> None:
        with self._condition:
            if payloads is None:
                self._connections += 1
            for line in (line for payload in payloads or () for line in payload.splitlines()):
                name, _, position = line.rpartition(" ")
                if position.isdigit() and int(position) > self._positions.get(name, 0):
                    self._positions[name] = int(position)
                    self._moves[name] = self._moves.get(name, 0) + 1
            self._condition.notify_all()

    def moves(self, name: str) -> tuple[int, int]:
        """Changes whenever the projection's position is announced further, or a LISTEN begins again."""
        return self._connections, self._moves.get(name, 0)

    def reached(self, targets: dict[str, int]) -> bool:
        return all(self._positions.get(name, 0) >= want for name, want in targets.items())

    def wait_for(self, targets: dict[str, int], timeout: float) -> None:
        """Until every target is announced, the LISTEN is begun again, or `timeout` runs out."""
        with self._condition:
            connections = self._connections
            self._condition.wait_for(lambda: self._connections != connections or self.reached(targets), timeout)


class ReadYourWrites:
    def __init__(self, store, projections, signal=None, poll_interval: float = 0.005):
        self.store = store
        self.signal = signal  # an in-process projector's commits (SQLite has no NOTIFY)
        self.poll_interval = poll_interval
        self._lock = threading.Lock()
        self._read_at, self._read = float("-inf"), {}
        self._announcements = Announcements()
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
        if targets and listening is not None and listening.is_set() and not self._announcements.reached(targets):
            # Wait for the announcement before reading the positions: then one read shows them
            # (rather than one read now, which a fresh write never passes, and one after it).
            self._announcements.wait_for(targets, min(timeout, LOST_NOTIFY_POLL))
        while targets:
            announced = self._announcements.reached(targets)  # before the read, so the read must show it
            current = self._positions()
            targets = {name: want for name, want in targets.items() if current.get(name, 0) < want}
            remaining = deadline - time.monotonic()
            if not targets:
                break
            if remaining <= 0:
                return False
            if listening is not None and listening.is_set() and announced:
                time.sleep(min(remaining, LOST_NOTIFY_POLL))  # announced, not read: the read models were rebuilt
            elif listening is not None and listening.is_set():
                self._announcements.wait_for(targets, min(remaining, LOST_NOTIFY_POLL))
            elif self.signal is not None:
                self.signal.wait(min(remaining, 0.01))
            else:
                time.sleep(min(remaining, self.poll_interval))
        return True

    def unchanged_since(self, name: str):
        """A mark that stays equal while the projection `name` has not moved (PostgreSQL, while
        listening: a cache of its rows stays true until the mark changes); None when that cannot be
        known (SQLite, or the LISTEN is down). Take it before reading what it is to vouch for."""
        listening = self._listening()
        return self._announcements.moves(name) if listening is not None and listening.is_set() else None

    def _listening(self) -> threading.Event | None:
        """On PostgreSQL, a LISTEN to the projectors' announcements, begun by the first write that waits."""
        if self._listener is None and hasattr(self.store, "listen"):
            with self._lock:
                if self._listener is None:
                    self._listener = self.store.listen(POSITIONS_CHANNEL, self._announcements)
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
