"""Follows the notification log: a Projector for one projection, a ProjectorGroup for all of them
in one pass. Each batch's rows and the new positions are committed in one read-store transaction,
under a lock on the position rows, so no event is lost or applied twice."""

from __future__ import annotations

import threading
from collections.abc import Callable

from projections.following import tracking
from projections.replay.rebuild import Replay


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
        (a `Replay`); return how many events it applied."""
        replay = Replay(self.recorder, self.mapper, self.store, [self.projection], self.batch_size)
        return replay.run(progress)[self.name]


class ProjectorGroup:
    """The projectors' batches as one: per batch one read of the log (the union of their topics),
    each event decoded once, and every projection's rows and position in one transaction whose
    writes go in pages (store.Tx.renamed), not a round trip per statement. Ten projectors each
    running their own select and transaction on every append was the projection lag (issue 7).

    When a projection fails on an event, the others still advance, each by its own batch, before
    the failure is raised: one broken read model does not hold back the rest."""

    def __init__(self, projectors: list[Projector]):
        self.projectors = projectors
        self.recorder, self.mapper, self.store = projectors[0].recorder, projectors[0].mapper, projectors[0].store
        every = any(not p.topics for p in projectors)  # a projection of every event (audit): read everything
        self.topics = [] if every else sorted({topic for p in projectors for topic in p.topics})
        self._reached: int | None = None  # every position is at least this (they only move forward)

    def run_batch(self) -> bool:
        """Apply the next batch to every projection behind; False when all are at the log's head."""
        if self._reached is None:
            current = tracking.positions(self.store)
            self._reached = min(current.get(p.name, 0) for p in self.projectors)
        start = self._reached
        # The log is read before the transaction, from where this group last left every projection:
        # an idle wake costs one query, and a busy batch one round trip less.
        notifications, reached = self._read(start)
        if reached <= start:
            return False
        try:
            moved = self._apply(notifications, start, reached)
        except ProjectionFailed as failed:
            for projector in self.projectors:
                if projector is not failed.projector:
                    projector.run_batch()
            raise failed.__cause__ from None
        for projector in self.projectors:
            if projector.name in moved:
                for listener in projector.on_commit:
                    listener(projector.name, moved[projector.name])
        return True

    def catch_up(self) -> None:
        while self.run_batch():
            pass

    def _read(self, start: int) -> tuple[list, int]:
        """The next batch after `start`, and the position it brings every projection to."""
        batch_size = max(p.batch_size for p in self.projectors)
        if self.topics:  # only some topics: the head lets the positions pass the other events
            head = self.recorder.max_notification_id() or 0
            if head <= start:
                return [], head
            notifications = self.recorder.select_notifications(
                start=start, limit=batch_size, stop=head, topics=self.topics, inclusive_of_start=False
            )
            return notifications, notifications[-1].id if len(notifications) == batch_size else head
        # Every event: the last one read is the head, because ids become visible in order (SQLite:
        # one writer; PostgreSQL: the library's table lock), so no event at or below it can appear later.
        notifications = self.recorder.select_notifications(start=start, limit=batch_size, inclusive_of_start=False)
        return notifications, notifications[-1].id if notifications else start

    def _apply(self, notifications: list, start: int, reached: int) -> dict[str, int]:
        """Apply the batch read from `start` to every projection behind `reached`, under the lock of
        their positions; {name: new position} of those, once committed."""
        with self.store.transaction() as tx:
            positions = tracking.lock_positions(tx, [p.name for p in self.projectors])
            if min(positions.values()) < start:  # a position was set back (by hand): read again from there
                self._reached = min(positions.values())
                return {}
            behind = [(p, positions[p.name], frozenset(p.topics)) for p in self.projectors if positions[p.name] < reached]
            writer = tx.renamed({})  # the same transaction, its writes sent in pages
            for notification in notifications:
                event = self.mapper.to_domain_event(notification)
                for projector, position, topics in behind:
                    # What the projector's own select would have read: its topics (or every event), after its position.
                    if notification.id > position and (not topics or notification.topic in topics):
                        try:
                            projector.projection.apply(writer, event, notification.id)
                        except Exception as error:
                            raise ProjectionFailed(projector) from error
            moved = {p.name: reached for p, _, _ in behind}
            if moved:
                tracking.set_positions(writer, sorted(moved), reached)
            writer.flush()
        self._reached = min({**positions, **moved}.values())
        return moved


class ProjectionFailed(Exception):
    def __init__(self, projector: Projector):
        super().__init__(projector.name)
        self.projector = projector


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
