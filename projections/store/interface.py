"""What a read store offers, whichever database holds the read models: transactions that hand out
a `Tx`, and single queries answered as dicts. Only PostgreSQL's also offers `listen` (NOTIFYs):
callers ask for it with hasattr."""

from __future__ import annotations

from contextlib import AbstractContextManager
from urllib.parse import urlparse

from projections.store.transaction import Tx


class ReadStore:
    dialect = ""

    @staticmethod
    def from_url(url: str, pool_size: int = 10) -> ReadStore:
        """The store a settings URL names: sqlite:///PATH (embedded) or postgresql://..."""
        parsed = urlparse(url)
        if parsed.scheme == "sqlite":
            from projections.store.sqlite import SQLiteReadStore

            return SQLiteReadStore(url[len("sqlite:///"):] if url.startswith("sqlite:///") else parsed.path)
        if parsed.scheme in ("postgres", "postgresql"):
            from projections.store.postgres import PostgresReadStore

            return PostgresReadStore(url, pool_size)
        raise ValueError(f"unsupported read-model database URL: {url!r} (use sqlite:///PATH or postgresql://...)")

    def transaction(self) -> AbstractContextManager[Tx]:
        """A transaction that writes: committed when the block ends, rolled back if it raises."""
        raise NotImplementedError

    def reading(self) -> AbstractContextManager[Tx]:
        """One snapshot for the few queries a GET makes."""
        raise NotImplementedError

    def fetchall(self, sql: str, params=()) -> list[dict]:
        with self.reading() as tx:
            return tx.execute(sql, params).fetchall()

    def fetchone(self, sql: str, params=()) -> dict | None:
        with self.reading() as tx:
            return tx.execute(sql, params).fetchone()

    def fetchall_prepared(self, sql: str, params=()) -> list[dict]:
        """fetchall, for the statements of nearly every request (sqlite3 caches its statements itself)."""
        return self.fetchall(sql, params)

    def close(self) -> None:
        raise NotImplementedError
