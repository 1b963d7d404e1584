"""A projection's shadow: its tables under replay names (`replay__versions`) and its position in
the log (table `replay_positions`), and what the swap does to make them the live ones."""

from __future__ import annotations

import hashlib
import re

from projections.following.schema import table_names
from projections.replay.scratch import Scratch
from projections.times import now_time

PREFIX = "replay__"
CREATE_INDEX = re.compile(r"\s*CREATE (?:UNIQUE )?INDEX (?:IF NOT EXISTS )?(\w+)", re.IGNORECASE)
LOCK_TIMEOUT = "250ms"  # PostgreSQL: how long the swap queues for the live tables before it retries


class SwapBusy(Exception):
    """The live tables stayed in use for the whole lock timeout (PostgreSQL); try again."""


class Shadow:
    """One projection's replay: its tables under shadow names and its position in the log."""

    def __init__(self, projection, foreign: frozenset[str]):
        self.projection = projection
        self.name = projection.name
        assert sorted(table_names(projection.ddl)) == sorted(projection.tables), f"{self.name}: `ddl` must create `tables`"
        self.renames = {table: PREFIX + table for table in projection.tables}
        self.foreign = foreign - set(projection.tables)
        self.fingerprint = hashlib.sha256("\n".join(projection.ddl).encode()).hexdigest()
        self.resumed_from = 0  # where this run began (0: from the first event)
        self.applied = 0  # events this run applied
        self.fresh = False  # whether `open` started the shadow over
        self.scratch: Scratch | None = None  # PostgreSQL from the first event: the bulk phase's SQLite file

    def writer(self, tx):
        return tx.renamed(self.renames, self.foreign)

    def open(self, tx) -> int:
        """Resume the shadow begun by the same DDL, or start a fresh one; return its position."""
        tx.execute(
            "INSERT INTO replay_positions (name, position, fingerprint) VALUES (?, 0, '') ON CONFLICT (name) DO NOTHING",
            (self.name,),
        )
        row = self._locked_row(tx)
        self.fresh = row["fingerprint"] != self.fingerprint
        if self.fresh:
            shadow = self.writer(tx)
            for table in self.projection.tables:
                shadow.execute(f"DROP TABLE IF EXISTS {table}")
            for statement in self.projection.ddl:
                if not CREATE_INDEX.match(statement):
                    shadow.execute(statement)
            shadow.flush()
            self._save(tx, 0, self.fingerprint)
            row = {"position": 0}
        self.resumed_from = row["position"]
        return self.resumed_from

    def lock(self, tx) -> int:
        row = self._locked_row(tx)
        if row is None or row["fingerprint"] != self.fingerprint:
            raise RuntimeError(f"the replay of {self.name} was finished or restarted by another process meanwhile")
        return row["position"]

    def advance(self, tx, position: int) -> None:
        self._save(tx, position, self.fingerprint)

    def _locked_row(self, tx) -> dict | None:
        suffix = " FOR UPDATE" if tx.dialect == "postgres" else ""
        return tx.execute(f"SELECT position, fingerprint FROM replay_positions WHERE name = ?{suffix}", (self.name,)).fetchone()

    def _save(self, tx, position: int, fingerprint: str) -> None:
        tx.execute(
            "UPDATE replay_positions SET position = ?, fingerprint = ?, updated = ? WHERE name = ?",
            (position, fingerprint, now_time(), self.name),
        )

    def indexes(self) -> list[str]:
        return [statement for statement in self.projection.ddl if CREATE_INDEX.match(statement)]


def lock_live_tables(tx, tables) -> None:
    """Queue for the live tables for a moment only: a GET holding one of them must not wait behind
    the swap for the others (a deadlock); the swap lets it finish and tries again."""
    tx.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
    try:
        tx.execute(f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE")
    except Exception as error:  # psycopg2.errors.LockNotAvailable; the transaction is aborted either way
        if getattr(error, "pgcode", None) == "55P03":
            raise SwapBusy(str(error)) from error
        raise
    tx.execute("SET LOCAL lock_timeout = 0")


def unprefix_indexes(tx, tables) -> None:
    """PostgreSQL names a table's implicit indexes after it (replay__versions_pkey) and they keep
    their names through a rename: give them the live names, or the next replay's shadow collides."""
    for table in tables:
        rows = tx.execute(
            "SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            " WHERE i.indrelid = to_regclass(?) AND c.relname LIKE ?",
            (table, PREFIX.replace("_", r"\_") + "%"),
        ).fetchall()
        for row in rows:
            tx.execute(f'ALTER INDEX "{row["name"]}" RENAME TO "{row["name"][len(PREFIX):]}"')
