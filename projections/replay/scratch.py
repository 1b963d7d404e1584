"""A replay's bulk phase on PostgreSQL: one projection's shadow built in an embedded SQLite file.

On PostgreSQL every INSERT/UPDATE of a handler is a statement the server runs on its own, and every
read a handler makes (the audit's owners) is a round trip; SQLite runs the same keyed statements
in-process in microseconds (the projections' SQL is dialect-neutral). So a replay from the first
event applies the log to `<scratch dir>/<projection>.sqlite3` instead, committing the rows and the
scratch's position together per batch (an interrupted replay resumes the scratch where it stopped),
then copies the finished tables into the PostgreSQL shadow tables with COPY, in one transaction
that also sets the shadow's position. From there the replay goes on in PostgreSQL as before (the
last events, the indexes, the atomic swap) and the scratch file is deleted.

Commits are not flushed to the disk (a scratch is derived data, and flushing costs time): a killed
replay still resumes its scratch (WAL: the OS has every committed batch), but after a crash of the
OS (another boot) the scratch is started over, as is a file found malformed."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path

from projections.store import Tx

BOOT_ID = Path("/proc/sys/kernel/random/boot_id")
COPY_CHUNK = 2_000  # rows formatted per read of the COPY's input: bounded memory for any table size
# COPY's text format: each character as SQLite writes it, and its escape (the backslash first).
SPECIAL = (("'\\'", "'\\\\'"), ("char(9)", "'\\t'"), ("char(10)", "'\\n'"), ("char(13)", "'\\r'"))


def copy_field(column: str, declared: str) -> str:
    """SQLite formats the column as a field of COPY's text format (in C: Python only joins the lines).
    Booleans are stored as 0/1, which PostgreSQL's boolean input takes; only text needs escaping, and
    only text holding a special character is rewritten (four replace() calls copy the text four times)."""
    if declared.upper() != "TEXT":
        return f"COALESCE({column}, '\\N')"
    escaped = column
    for char, escape in SPECIAL:
        escaped = f"replace({escaped}, {char}, {escape})"
    special = " OR ".join(f"instr({column}, {char})" for char, _ in SPECIAL)
    return f"COALESCE(CASE WHEN {special} THEN {escaped} ELSE {column} END, '\\N')"


def this_boot() -> str | None:
    """The id of this boot of the OS (Linux), or None."""
    try:
        return BOOT_ID.read_text().strip() or None
    except OSError:
        return None


class Lines:
    """A table's rows, formatted by SQLite, as the input file of one COPY: formatted a chunk at a
    time as psycopg2 reads on, so SQLite formats the next chunk while PostgreSQL parses the last."""

    def __init__(self, rows):
        self._rows = rows

    def read(self, size: int = -1) -> str:  # psycopg2 sends what each read returns; "" ends the COPY
        return "".join(f"{line}\n" for (line,) in self._rows.fetchmany(COPY_CHUNK))


class Scratch:
    def __init__(self, directory: Path, projection, fingerprint: str):
        self.projection = projection
        boot = this_boot()
        # Commits are handed to the OS, not flushed to the disk (synchronous=OFF, a part of the bulk
        # phase's time): a crash of the process loses nothing committed (WAL), a crash of the OS may leave
        # the file corrupt; so where the boot is known, a scratch is resumed only in the boot it was
        # written in (its fingerprint names it). Elsewhere each checkpoint is flushed (NORMAL).
        self.fingerprint = fingerprint if boot is None else f"{fingerprint} boot {boot}"
        self.synchronous = "NORMAL" if boot is None else "OFF"
        self.path = Path(directory) / f"{projection.name}.sqlite3"
        self._conn: sqlite3.Connection | None = None

    def open(self, fresh: bool) -> int:
        """Resume the scratch begun by the same DDL in this boot (unless the shadow starts over), or begin one; its position."""
        if fresh:
            self.discard()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return self._begin_or_resume()
        except sqlite3.DatabaseError as error:
            if isinstance(error, sqlite3.OperationalError):  # locked, disk full...: not the file's fault
                raise
            self.discard()  # malformed: written before a crash of the OS, unflushed (synchronous=OFF)
            return self._begin_or_resume()

    def _begin_or_resume(self) -> int:
        conn = sqlite3.connect(self.path, isolation_level=None, timeout=60)
        conn.row_factory = sqlite3.Row
        self._conn = conn
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={self.synchronous}")
        with self.transaction() as tx:
            tx.execute("CREATE TABLE IF NOT EXISTS scratch_position (position BIGINT NOT NULL, fingerprint TEXT NOT NULL)")
            row = tx.execute("SELECT position, fingerprint FROM scratch_position").fetchone()
            if row is not None and row["fingerprint"] == self.fingerprint:
                return row["position"]
            for table in self.projection.tables:
                tx.execute(f"DROP TABLE IF EXISTS {table}")
            for statement in self.projection.ddl:
                if not statement.lstrip().upper().startswith("CREATE INDEX"):  # indexes: PostgreSQL's, after the copy
                    tx.execute(statement)
            tx.execute("DELETE FROM scratch_position")
            tx.execute("INSERT INTO scratch_position (position, fingerprint) VALUES (0, ?)", (self.fingerprint,))
        return 0

    @contextmanager
    def transaction(self):
        self._conn.execute("BEGIN IMMEDIATE")  # one writer: a second replay of the same scratch waits its turn
        try:
            yield Tx(self._conn.cursor(), "sqlite")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    @staticmethod
    def position(tx) -> int:
        return tx.execute("SELECT position FROM scratch_position").fetchone()["position"]

    @staticmethod
    def advance(tx, position: int) -> None:
        tx.execute("UPDATE scratch_position SET position = ?", (position,))

    def copy_into(self, tx, renames: dict[str, str]) -> int:
        """COPY every table into its PostgreSQL shadow (`renames`) inside `tx`; the scratch's position."""
        self._conn.execute("BEGIN")  # one snapshot of the rows and the position
        try:
            for table in self.projection.tables:
                columns = [(row["name"], row["type"]) for row in self._conn.execute(f"PRAGMA table_info({table})")]
                rows = self._conn.execute(f"SELECT {' || char(9) || '.join(copy_field(*c) for c in columns)} FROM {table}")
                tx.copy_in(renames[table], [name for name, _ in columns], Lines(rows))
            return self._conn.execute("SELECT position FROM scratch_position").fetchone()["position"]
        finally:
            self._conn.execute("ROLLBACK")

    def close(self) -> None:
        """Close the file (kept: another process goes on with it)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def discard(self) -> None:
        self.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

