"""Statements prepared once per PostgreSQL connection and then only executed (psycopg2 is
imported late: it is needed only with PostgreSQL)."""

from __future__ import annotations

import functools

from projections.store.sql import as_dicts, numbered


@functools.cache
def preparing_connection():
    """A psycopg2 connection class that remembers the statements prepared on it."""
    import psycopg2.extensions

    class PreparingConnection(psycopg2.extensions.connection):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.prepared: dict[str, str] = {}  # SQL -> name of its prepared statement

    return PreparingConnection


def fetchall_prepared(conn, cursor, sql: str, params) -> list[dict]:
    """`sql`'s rows, through the statement prepared for it on `conn` (a PreparingConnection)."""
    import psycopg2.errors

    try:
        return _execute_prepared(conn, cursor, sql, params)
    except psycopg2.errors.FeatureNotSupported:  # "cached plan must not change result type":
        cursor.execute(f"DEALLOCATE {conn.prepared.pop(sql)}")  # a replay changed a table's columns
        return _execute_prepared(conn, cursor, sql, params)


def _execute_prepared(conn, cursor, sql: str, params) -> list[dict]:
    name = conn.prepared.get(sql)
    if name is None:
        name = f"docsplane_{len(conn.prepared)}"
        cursor.execute(f"PREPARE {name} AS {numbered(sql)}")
        conn.prepared[sql] = name
    cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {name}", tuple(params))
    return as_dicts(cursor, cursor.fetchall())
