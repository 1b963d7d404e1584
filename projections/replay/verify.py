"""`docsplane verify`: does every read model equal a from-scratch replay of the event log?

For each projection: one snapshot of the live tables and of the projection's position P (PostgreSQL:
a REPEATABLE READ transaction; SQLite: one read transaction), kept as a digest per row; then the
projection is replayed from the first event up to P into a scratch SQLite file (the replay's bulk
phase, `Scratch`) and its rows compared with the digests. The live tables are
only read: a running projector goes on meanwhile (the comparison is at P, whatever it did since),
and nothing is swapped.

    differences = Verify(recorder, mapper, store, projections, scratch_dir).run(progress)
    # {projection name: [Difference(table, key, live, rebuilt), ...]}, empty lists when all agree"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from projections.replay.scratch import Scratch

SHOWN = 10  # differing rows printed per table: enough to see the pattern, never a flood
PAGE = 5000  # rows read at a time: a large table is never held whole, only a digest per row


@dataclass
class Difference:
    table: str
    key: dict  # the row's primary key
    live: dict | None  # None: no such row live (as read after the comparison: it may have moved on)
    rebuilt: dict | None  # None: the replay has no such row


@dataclass
class Outcome:
    name: str
    position: int  # compared at this position of the log
    rows: int  # rows compared (live and rebuilt)
    differences: list[Difference]
    count: int  # every differing row (only the first SHOWN per table are in `differences`)


def normalized(row: dict, columns: list[str]) -> tuple:
    """PostgreSQL answers booleans as bool, SQLite as 0/1: compared as 0/1."""
    return tuple(int(value) if isinstance(value, bool) else value for value in (row[c] for c in columns))


def digest(values: tuple) -> bytes:
    return hashlib.blake2b(repr(values).encode(), digest_size=16).digest()


def pages(tx, table: str, key: list[str]):
    """Every row of the table, a page at a time, by keyset (within the caller's transaction)."""
    columns, marks = ", ".join(key), ", ".join("?" for _ in key)
    after: tuple | None = None
    while True:
        where = f" WHERE ({columns}) > ({marks})" if after is not None else ""
        rows = tx.execute(f"SELECT * FROM {table}{where} ORDER BY {columns} LIMIT {PAGE}", after or ()).fetchall()
        yield from rows
        if len(rows) < PAGE:
            return
        after = tuple(rows[-1][c] for c in key)


class Verify:
    def __init__(self, recorder, mapper, store, projections, scratch_dir, batch_size: int = 5000):
        self.recorder = recorder
        self.mapper = mapper
        self.store = store
        self.projections = projections
        self.scratch_dir = scratch_dir
        self.batch_size = batch_size

    def run(self, progress: Callable[[str], Callable[[int, int], None]] | None = None) -> list[Outcome]:
        """`progress(name)` gives the callback of one projection's replay: (position, target)."""
        return [self.verify(projection, progress(projection.name) if progress else None) for projection in self.projections]

    def verify(self, projection, progress=None) -> Outcome:
        scratch = Scratch(self.scratch_dir, projection, "verify")
        scratch.open(fresh=True)
        try:
            keys = {table: self._primary_key(scratch, table) for table in projection.tables}
            position, live = self._snapshot(projection, keys)
            self._replay(projection, scratch, position, progress)
            return self._compare(projection, scratch, keys, position, live)
        finally:
            scratch.discard()

    @staticmethod
    def _primary_key(scratch: Scratch, table: str) -> list[str]:
        with scratch.transaction() as tx:
            info = tx.execute(f"PRAGMA table_info({table})").fetchall()
        key = [row["name"] for row in sorted(info, key=lambda row: row["pk"]) if row["pk"]]
        return key or [row["name"] for row in info]  # no declared key: the whole row is its identity

    def _snapshot(self, projection, keys) -> tuple[int, dict[str, dict[tuple, bytes]]]:
        """The projection's position and a digest of every live row, as of one moment."""
        live: dict[str, dict[tuple, bytes]] = {}
        with self.store.reading() as tx:
            if tx.dialect == "postgres":
                tx.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            row = tx.execute("SELECT position FROM projection_positions WHERE name = ?", (projection.name,)).fetchone()
            for table, key in keys.items():
                live[table] = {normalized(r, key): digest(normalized(r, sorted(r))) for r in pages(tx, table, key)}
        return (row["position"] if row else 0), live

    def _replay(self, projection, scratch: Scratch, target: int, progress) -> None:
        position = 0
        while position < target:
            notifications = self.recorder.select_notifications(
                start=position, limit=self.batch_size, stop=target, topics=projection.topics(), inclusive_of_start=False,
            )
            with scratch.transaction() as tx:
                for notification in notifications:
                    event = self.mapper.to_domain_event(notification)
                    if projection.wants(event):
                        projection.apply(tx, event, notification.id)
            position = notifications[-1].id if len(notifications) == self.batch_size else target
            if progress:
                progress(position, target)

    def _compare(self, projection, scratch: Scratch, keys, position: int, live) -> Outcome:
        """Every rebuilt row against the live digests (popped as matched: what is left is live only)."""
        differences, count, rows = [], 0, 0
        for table, key in keys.items():
            remaining, shown = live[table], []

            def differs(identity: tuple, rebuilt: dict | None) -> None:
                nonlocal count
                count += 1
                if len(shown) < SHOWN:
                    shown.append(Difference(table, dict(zip(key, identity)), self._live_row(table, key, identity), rebuilt))

            for rebuilt in self._rebuilt(scratch, table, key):
                rows += 1
                identity = normalized(rebuilt, key)
                if remaining.pop(identity, None) != digest(normalized(rebuilt, sorted(rebuilt))):
                    differs(identity, rebuilt)
            rows += len(remaining)
            for identity in remaining:
                differs(identity, None)
            differences += shown
        return Outcome(projection.name, position, rows, differences, count)

    @staticmethod
    def _rebuilt(scratch: Scratch, table: str, key: list[str]):
        with scratch.transaction() as tx:
            yield from pages(tx, table, key)

    def _live_row(self, table: str, key: list[str], identity: tuple) -> dict | None:
        where = " AND ".join(f"{column} = ?" for column in key)
        values = tuple(v for v in identity)
        return self.store.fetchone(f"SELECT * FROM {table} WHERE {where}", values)
