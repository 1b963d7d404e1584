"""Follows the notification log for one projection: each batch's rows and the new position are
committed in one read-store transaction, under a lock on the position row."""

from __future__ import annotations

import threading
from collections.abc import Callable

from projections import tracking
from projections.replay import Replay


class Projector:
    def __init__(self, recorder, mapper, store, projection, batch_size: int = 500):
        self.recorder = recorder
        self.mapper = mapper
        self.store = store
        self.projection = projection
        self.batch_size = batch_size
        self.topics = projection.topics()
        self.on_commit: list[Callable[[str, int], None]] = []

    @property
    def name(self) -> str:
        return self.projection.name

    def run_batch(self) -> bool:
        """Apply the next batch; False when already caught up with the log's head."""
        # Ids become visible in order (SQLite: one writer; PostgreSQL: the library's table lock),
        # so once everything up to `head` is read, no event at or below it can appear later.
        head = self.recorder.max_notification_id() or 0
        with self.store.transaction() as tx:
            position = tracking.lock_position(tx, self.name)
            if position >= head:
                return False
            notifications = self.recorder.select_notifications(
                start=position, limit=self.batch_size, stop=head, topics=self.topics, inclusive_of_start=False
            )
            for notification in notifications:
                self.projection.apply(tx, self.mapper.to_domain_event(notification), notification.id)
            full = len(notifications) == self.batch_size
            position = notifications[-1].id if full else head
            tracking.set_position(tx, self.name, position)
        for listener in self.on_commit:
            listener(self.name, position)
        return True

    def catch_up(self) -> None:
        while self.run_batch():
            pass

    def rebuild(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Replay this read model from the first event beside the live one, then swap it in
        (projections/replay.py); return how many events it applied."""
        replay = Replay(self.recorder, self.mapper, self.store, [self.projection], self.batch_size)
        return replay.run(progress)[self.name]


class PositionSignal:
    """Lets waiters in this process wake when a projector commits, instead of sleeping blind."""

    def __init__(self):
        self._condition = threading.Condition()

    def __call__(self, name: str, position: int) -> None:
        with self._condition:
            self._condition.notify_all()

    def wait(self, timeout: float) -> None:
        with self._condition:
            self._condition.wait(timeout)
