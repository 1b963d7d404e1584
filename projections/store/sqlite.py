"""The read store in an SQLite file (the embedded default), one connection per thread."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

from projections.store.interface import ReadStore
from projections.store.transaction import Tx


class SQLiteReadStore(ReadStore):
    dialect = "sqlite"

    def __init__(self, path: str):
        self.path = path
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()

    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=60)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")  # readers never block the projector, nor it them
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    @contextmanager
    def _transaction(self, begin: str):
        conn = self._connection()
        conn.execute(begin)
        try:
            yield Tx(conn.cursor(), self.dialect)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def transaction(self):
        # IMMEDIATE takes the write lock up front, so concurrent projectors serialize cleanly.
        return self._transaction("BEGIN IMMEDIATE")

    def reading(self):
        # One snapshot for the few queries a GET makes.
        return self._transaction("BEGIN")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
