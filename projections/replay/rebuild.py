"""Replays read models from the event log while the live ones keep serving, then swaps them in.

A replay writes each projection's tables under shadow names (`replay__versions`) in the same
database, from the first event, in batches. Every batch commits the shadow rows and the replay's
position (table `replay_positions`) together, so a replay interrupted at any point (Ctrl-C, a kill,
a crash) loses at most one batch and the next one resumes there; the position records the
fingerprint of the projection's DDL, and shadow tables begun by other DDL are started over.

The live tables are never written by a replay until the swap: one transaction that locks the live
projector's position row (tracking.lock_position), applies the last events up to the log's head,
drops the live tables, renames the shadow ones, brings the indexes, and sets the live position.
DDL is transactional on SQLite and PostgreSQL: readers see the old tables until the commit and the
new ones after, never half of a read model. On PostgreSQL the swap first takes the tables' ACCESS
EXCLUSIVE locks with a short lock timeout, retried: it never waits behind, nor deadlocks with, a GET
that holds one of the tables, and a GET arriving meanwhile waits at most for the swap's commit.

On PostgreSQL, a shadow that starts from the first event is built in an embedded SQLite file first
(`Scratch`: same handlers, rows and position committed per batch there, so it
resumes the same way, within the same boot of the OS), then COPYed into the shadow tables in the
transaction that sets its position; from there on it goes as above. `scratch_dir` says where
(`docsplane replay`: the data dir); without one, every batch is written in PostgreSQL (slower: one
server statement per event).

The selected projections are replayed in one pass over the log: each event is read and decoded
once. With `sources` (`docsplane replay`, Docsplane.replay) and a long log ahead, the bulk phase of
the projections of every event (the audit) goes to a second process with a pass of its own
(`Helper`): the bulk phase is Python per event, and there are two cores. The
log is read by id alone, topics skipped in Python (see `_apply_batch`). Indexes are built after the
bulk load (PostgreSQL: on the shadow before the swap, then renamed; SQLite, which cannot rename an
index and whose readers the swap does not block: in it)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import ExitStack

from projections.following import tracking
from projections.replay.helper import Helper
from projections.replay.scratch import Scratch
from projections.replay.shadow import CREATE_INDEX, PREFIX, Shadow, SwapBusy, lock_live_tables, unprefix_indexes

log = logging.getLogger("docsplane.replay")
LOCK_ATTEMPTS = 240
INDEX_BUILD_MEMORY = "512MB"  # PostgreSQL: for the shadow's index builds (the audit's, of millions of rows)
HELPER_FROM = 50_000  # events ahead of the bulk phase from which a second process pays for its start


class Replay:
    """replay = Replay(recorder, mapper, store, [projection, ...], batch_size, scratch_dir=data_dir / "replay",
                    sources=...)   # PostgreSQL: `sources` lets a second process take part (a `Helper`)
    replay.open()                  # resume or start the shadows; see shadow.resumed_from, replay.positions()
    while replay.run_batch(progress): ...   # progress(position, head) after each committed batch
    replay.swap(shadow)            # for each of replay.shadows: the atomic switch
    replay.run(progress) -> {name: events applied}   # all of the above

    `sources()`, called in the second process, returns (recorder, mapper, store, close) of its own."""

    def __init__(self, recorder, mapper, store, projections, batch_size: int = 5000, scratch_dir=None, sources=None,
                 helper_from: int = HELPER_FROM):
        from projections.registry import PROJECTIONS  # every table a projection could wrongly touch

        known = frozenset(t for p in PROJECTIONS.values() for t in p.tables) | {"projection_positions", "replay_positions"}
        self.recorder = recorder
        self.mapper = mapper
        self.store = store
        self.batch_size = batch_size
        self.opened = False
        self.scratch_dir = scratch_dir if store.dialect == "postgres" else None  # SQLite: its shadows are in-process already
        self.shadows = [Shadow(projection, known) for projection in projections]
        self.sources = sources if self.scratch_dir is not None else None
        self.helper_from = helper_from
        self.helper: Helper | None = None
        self.helped: list[Shadow] = []  # the shadows whose bulk phase the helper does

    def run(self, progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
        self.open()
        while self.run_batch(progress):
            pass
        for shadow in self.shadows:
            self.swap(shadow)
        return {shadow.name: shadow.applied for shadow in self.shadows}

    def open(self) -> None:
        if self.opened:
            return
        self.opened = True
        with self.store.transaction() as tx:
            for shadow in self.shadows:
                shadow.open(tx)
        for shadow in self.shadows if self.scratch_dir is not None else ():
            scratch = Scratch(self.scratch_dir, shadow.projection, shadow.fingerprint)
            if shadow.resumed_from == 0:
                shadow.scratch = scratch
                shadow.resumed_from = scratch.open(fresh=shadow.fresh)
            else:  # loaded already; a crash right after the load can leave the file
                scratch.discard()

    def positions(self) -> dict[str, int]:
        """Each shadow's position, in its scratch or in the read store (after `open`)."""
        positions = {}
        with self.store.reading() as tx:
            for shadow in self.shadows:
                if shadow.scratch is not None:
                    with shadow.scratch.transaction() as scratch:
                        positions[shadow.name] = Scratch.position(scratch)
                else:
                    positions[shadow.name] = shadow.lock(tx)
        return positions

    def run_batch(self, progress: Callable[[int, int], None] | None = None) -> bool:
        """Apply the next batch to every shadow behind it; False when all have reached the head.
        Shadows with a scratch go first, alone; each is copied into the read store when it reaches the head.
        Those the helper process replays are left to it, and waited for before the last False."""
        try:
            if self.helper is None and self.sources is not None:
                self._start_helper()
            if self.helper is not None:
                self.helper.check()
            if self._run_batch([shadow for shadow in self.shadows if shadow not in self.helped], progress):
                return True
            if self.helper is not None:
                for shadow in self.shadows:
                    if shadow not in self.helped:
                        self.build_indexes(shadow)  # while the helper works (the swap finds them built)
                for name, applied in self.helper.wait().items():
                    next(shadow for shadow in self.helped if shadow.name == name).applied += applied
                self.helper, self.helped, self.sources = None, [], None
                return self.run_batch(progress)  # the events appended meanwhile, if any
            return False
        except BaseException:
            self.stop_helper()
            raise

    def stop_helper(self) -> None:
        """Terminate the helper process, if one runs (its open batch rolls back)."""
        if self.helper is not None:
            self.helper.stop()
            self.helper, self.helped = None, []

    def _start_helper(self) -> None:
        """Hand the projections of every event (the audit) to a second process when others remain
        here, both have their bulk phase ahead, and the log ahead is long enough to pay for it."""
        self.sources, sources = None, self.sources  # decided once
        scratched = [shadow for shadow in self.shadows if shadow.scratch is not None]
        helped = [shadow for shadow in scratched if not shadow.projection.topics()]
        head = self.recorder.max_notification_id() or 0
        ahead = head - min((shadow.resumed_from for shadow in scratched), default=head)
        if not helped or len(helped) == len(scratched) or ahead < self.helper_from:
            return
        for shadow in helped:
            shadow.scratch.close()  # the helper opens it again (it is ready: started over or resumed by `open`)
            shadow.scratch = None
        self.helped = helped
        self.helper = Helper(sources, [shadow.name for shadow in helped], self.batch_size, self.scratch_dir)

    def _run_batch(self, shadows: list[Shadow], progress) -> bool:
        head = self.recorder.max_notification_id() or 0
        scratched = [shadow for shadow in shadows if shadow.scratch is not None]
        if scratched:
            with ExitStack() as stack:
                behind = [(shadow, stack.enter_context(shadow.scratch.transaction())) for shadow in scratched]
                position = self._apply_batch([(shadow, tx, Scratch.position(tx)) for shadow, tx in behind], head)
                for shadow, tx in behind:
                    Scratch.advance(tx, max(Scratch.position(tx), position or 0))
            if position is None:  # every scratch is at the head
                for shadow in scratched:
                    self._load(shadow)
                return True
        else:
            with self.store.transaction() as tx:
                writers = [(shadow, shadow.writer(tx), shadow.lock(tx)) for shadow in shadows]
                position = self._apply_batch(writers, head)
                if position is None:
                    return False
                for shadow, writer, previous in writers:
                    writer.flush()
                    shadow.advance(tx, max(previous, position))
        if progress:
            progress(position, head)
        return True

    def _apply_batch(self, writers, head: int) -> int | None:
        """Apply the events after the lowest of `writers`' positions (shadow, tx, position), up to one
        batch; the position the batch reached, None when all were at the head already.

        The log is read whole, with no upper bound and no topic filter in SQL (the topics are skipped
        here, undecoded): ids become visible in order (SQLite: one writer; PostgreSQL: the library's
        table lock), so what is read is all of the log up to its last id; and PostgreSQL plans
        `notification_id > start ORDER BY notification_id LIMIT n` as an index scan of n rows, but a
        range bounded on both sides, or filtered by topic, as a sort of all the rest of the log
        whenever the table's statistics lag behind it (autovacuum off, or events newer than its last
        ANALYZE), in every batch."""
        start = min((position for _, _, position in writers), default=head)
        if start >= head:
            return None
        topics = frozenset(_topics([shadow.projection for shadow, _, _ in writers]))  # empty: every event
        notifications = self.recorder.select_notifications(start=start, limit=self.batch_size, inclusive_of_start=False)
        targets = {}  # by event class: the writers whose projection wants it (`wants` looks at the class only)
        for notification in notifications:
            if topics and notification.topic not in topics:
                continue
            event = self.mapper.to_domain_event(notification)
            wanting = targets.get(type(event))
            if wanting is None:
                wanting = targets[type(event)] = [w for w in writers if w[0].projection.wants(event)]
            for shadow, writer, position in wanting:
                if notification.id > position:
                    shadow.projection.apply(writer, event, notification.id)
                    shadow.applied += 1
        if len(notifications) == self.batch_size:
            return notifications[-1].id
        return max(head, notifications[-1].id) if notifications else head

    def _load(self, shadow: Shadow) -> None:
        """Copy a finished scratch into the shadow tables and set the shadow's position, in one transaction."""
        with self.store.transaction() as tx:
            if shadow.lock(tx) == 0:  # else another replay's scratch was loaded meanwhile
                shadow.advance(tx, shadow.scratch.copy_into(tx, shadow.renames))
        shadow.scratch.discard()
        shadow.scratch = None

    def swap(self, shadow: Shadow) -> None:
        if self.store.dialect == "postgres":
            self.build_indexes(shadow)
        for attempt in range(LOCK_ATTEMPTS):
            try:
                return self._swap(shadow)
            except SwapBusy:
                log.info("%s: the live tables are busy; retrying the swap (attempt %d)", shadow.name, attempt + 1)
                time.sleep(min(0.01 * 2 ** attempt, 0.5))
        raise SwapBusy(f"{shadow.name}: the live tables stayed busy; run the replay again to retry the swap")

    def build_indexes(self, shadow: Shadow) -> None:
        """Before the swap, so that readers never wait for an index build (named with the prefix, renamed in the swap).
        Built already (by the helper process), they are left as they are (CREATE INDEX IF NOT EXISTS)."""
        with self.store.transaction() as tx:
            shadow.lock(tx)
            tx.execute(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")  # sorts in memory (default: 64MB)
            writer = shadow.writer(tx)
            for statement in shadow.indexes():
                writer.execute(CREATE_INDEX.sub(lambda m: m.group(0).replace(m.group(1), PREFIX + m.group(1)), statement, 1))
            writer.flush()
            # Statistics for the planner at once: a bulk load leaves none, and autovacuum (when it
            # is on at all) would gather them only some time after the swap.
            for table in shadow.projection.tables:
                tx.execute(f"ANALYZE {shadow.renames[table]}")

    def _swap(self, shadow: Shadow) -> None:
        projection = shadow.projection
        with self.store.transaction() as tx:
            tracking.lock_position(tx, shadow.name)  # the live projector of this read model waits from here
            if tx.dialect == "postgres":
                lock_live_tables(tx, projection.tables)
            position = shadow.lock(tx)
            head = self.recorder.max_notification_id() or 0
            writer = shadow.writer(tx)
            while position < head:
                notifications = self.recorder.select_notifications(
                    start=position, limit=self.batch_size, stop=head, topics=projection.topics(), inclusive_of_start=False
                )
                for notification in notifications:
                    event = self.mapper.to_domain_event(notification)
                    if projection.wants(event):
                        projection.apply(writer, event, notification.id)
                shadow.applied += len(notifications)
                position = notifications[-1].id if len(notifications) == self.batch_size else head
            writer.flush()
            for table in projection.tables:
                tx.execute(f"DROP TABLE IF EXISTS {table}")
                tx.execute(f"ALTER TABLE {PREFIX}{table} RENAME TO {table}")
            if tx.dialect == "postgres":
                unprefix_indexes(tx, projection.tables)
            else:
                for statement in shadow.indexes():
                    tx.execute(statement)
            tracking.set_position(tx, shadow.name, max(position, head))
            tx.execute("DELETE FROM replay_positions WHERE name = ?", (shadow.name,))


def _topics(projections) -> list[str]:
    """What a pass for these projections reads: their topics; every event (none) if one of them wants every event."""
    if any(not projection.topics() for projection in projections):
        return []
    return sorted({topic for projection in projections for topic in projection.topics()})
