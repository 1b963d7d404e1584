"""Follows the event store's notification log from a position of its own, for the processes that act
on events outside the read models (AMQP relay, build dispatcher, webhook delivery, lease reaper).

Interface:

    follower = LogFollower("relay", app, store, handle, topics=[Build.BuildTriggered], batch_size=100)
    follower.run_batch() -> bool   # handle the next batch; False when already caught up
    follower.catch_up()            # run batches until caught up
    follower.position              # the saved position (a notification id)
    loop = SupervisedLoop("relay", [follower], settings.poll_interval)
    loop.start_thread() or loop.run_forever(); loop.wake.set() to run at once; loop.request_stop()

`handle(batch)` receives a non-empty list of `Logged(id, event)` in log order: the notification id
(ascending, with gaps, unique: the key to de-duplicate on) and the domain event. `topics` (event
classes) are filtered in the database, as for projections; empty means every event.

At-least-once: the position (table `follower_positions`, keyed by the follower's name, in the read
store) advances past a batch only after `handle` returned. If it raises, or the process dies first,
the same events are handed over again, so a handler must tolerate repeats. Unlike a projector no
lock is held while handling (a handler does network I/O): run one process per follower name; a
second one duplicates work but loses nothing, since a position only ever moves forward.

The table is not a read model: a read-model rebuild leaves it alone, so a
schema change never re-sends the whole history."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import Any, NamedTuple

from eventsourcing.utils import get_topic

DDL = """CREATE TABLE IF NOT EXISTS follower_positions (
    name TEXT PRIMARY KEY,
    position BIGINT NOT NULL,
    updated TEXT
)"""
SCHEMA_LOCK = 4242  # the read store's DDL lock: concurrent starters must not race


class Logged(NamedTuple):
    id: int  # the notification id
    event: Any  # the domain event


class LogFollower:
    def __init__(
        self, name: str, app, store, handle: Callable[[list[Logged]], None],
        topics: Iterable[type] = (), batch_size: int = 100,
    ):
        self.name = name
        self.recorder = app.recorder
        self.mapper = app.mapper
        self.store = store
        self.handle = handle
        self.topics = sorted(get_topic(cls) for cls in topics)
        self.batch_size = batch_size
        create_table(store, name)

    @property
    def position(self) -> int:
        return self.store.fetchone("SELECT position FROM follower_positions WHERE name = ?", (self.name,))["position"]

    def run_batch(self) -> bool:
        # As in the projectors: ids become visible in order, so once everything up to
        # `head` is read no event at or below it can appear later (gaps may be skipped safely).
        head = self.recorder.max_notification_id() or 0
        position = self.position
        if position >= head:
            return False
        notifications = self.recorder.select_notifications(
            start=position, limit=self.batch_size, stop=head, topics=self.topics, inclusive_of_start=False
        )
        if notifications:
            self.handle([Logged(n.id, self.mapper.to_domain_event(n)) for n in notifications])
        full = len(notifications) == self.batch_size
        self._save(notifications[-1].id if full else head)
        return True

    def catch_up(self) -> None:
        while self.run_batch():
            pass

    def _save(self, position: int) -> None:
        with self.store.transaction() as tx:
            tx.execute(
                "UPDATE follower_positions SET position = ?, updated = ? WHERE name = ? AND position < ?",
                (position, datetime.now(timezone.utc).isoformat(), self.name, position),
            )


def create_table(store, name: str) -> None:
    with store.transaction() as tx:
        if store.dialect == "postgres":
            tx.execute("SELECT pg_advisory_xact_lock(?)", (SCHEMA_LOCK,))
        tx.execute(DDL)
        tx.execute("INSERT INTO follower_positions (name, position) VALUES (?, 0) ON CONFLICT (name) DO NOTHING", (name,))
