"""The read store in PostgreSQL: pooled connections, transactions begun by their first statement,
prepared statements for what nearly every request asks, and LISTEN for NOTIFYs."""

from __future__ import annotations

import contextlib
import functools
from contextlib import contextmanager

from projections.store.begin_with_first_statement import begun_by_first_statement
from projections.store.connect import connect
from projections.store.interface import ReadStore
from projections.store.listen import Listener
from projections.store.pool import ConnectionPool
from projections.store.prepared import fetchall_prepared, preparing_connection
from projections.store.transaction import Tx


class PostgresReadStore(ReadStore):
    dialect = "postgres"

    def __init__(self, url: str, pool_size: int):
        self.url = url
        self._pool = ConnectionPool(pool_size, functools.partial(connect, url, connection_factory=preparing_connection()))
        self._listener: Listener | None = None

    @contextmanager
    def transaction(self):
        """BEGIN rides with the first statement: a transaction costs one round trip besides its
        statements (the COMMIT), not two. The connection stays in autocommit, so psycopg2 sends
        no BEGIN of its own."""
        with self._pool.connection() as conn:
            conn.autocommit = True
            with conn.cursor(cursor_factory=begun_by_first_statement()) as cursor:
                try:
                    yield Tx(cursor, self.dialect)
                except BaseException:
                    if cursor.begun and not conn.closed:
                        with contextlib.suppress(Exception):  # the pool closes it if this fails
                            cursor.execute("ROLLBACK")
                    raise
                if cursor.begun:
                    cursor.execute("COMMIT")

    # One snapshot of the tables for the few queries a GET makes: they all see a replay's swap, or none.
    reading = transaction

    def fetchall(self, sql: str, params=()) -> list[dict]:
        with self._single_statement() as cursor:
            return Tx(cursor, self.dialect).execute(sql, params).fetchall()

    def fetchone(self, sql: str, params=()) -> dict | None:
        with self._single_statement() as cursor:
            return Tx(cursor, self.dialect).execute(sql, params).fetchone()

    def fetchall_prepared(self, sql: str, params=()) -> list[dict]:
        """One statement, prepared once per pooled connection and then only executed: PostgreSQL
        plans a join of the project detail in more time than it runs it."""
        with self._single_statement() as cursor:
            return fetchall_prepared(cursor.connection, cursor, sql, params)

    @contextmanager
    def _single_statement(self):
        """One statement in autocommit: one round trip, no BEGIN and COMMIT."""
        with self._pool.connection() as conn:
            conn.autocommit = True
            with conn.cursor() as cursor:
                yield cursor

    def listen(self, channel: str, on_notify) -> Listener:
        """Call `on_notify(payloads)` with the payloads of the NOTIFYs sent to `channel` (those that
        arrived together), from a thread with a connection of its own, until the store closes."""
        listener = self._listener = Listener(self.url, channel, on_notify)
        return listener

    def close(self) -> None:
        self._pool.close()
        if self._listener is not None:
            self._listener.close()
