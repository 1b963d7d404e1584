"""Tx: what a projection or a query holds inside one transaction, whichever the database."""

from __future__ import annotations

from projections.store.sql import as_dicts, translate

WRITE_BEHIND_PAGE = 500  # statements sent in one round trip


class Tx:
    """A cursor-like handle inside one transaction, returning rows as dicts.

    `renamed()` gives a handle on the same transaction that writes some tables under other names
    (a replay's shadow tables) and, on PostgreSQL, sends its writes in pages rather than one by one.

    `memo` is for what a projection learns of its own tables inside the transaction (rows it read or
    wrote through this handle): it goes with the handle, so it never outlives the transaction."""

    def __init__(self, cursor, dialect: str, renames=(), foreign=frozenset(), write_behind: bool = False):
        self._cursor = cursor
        self.dialect = dialect
        self._renames = tuple(sorted(dict(renames).items()))
        self._foreign = frozenset(foreign)
        self._pending: list[bytes] | None = [] if write_behind and dialect == "postgres" else None
        self._translated: dict[str, str] = {}  # this handle's SQL as sent: no hashing of the renames per statement
        self.memo: dict = {}

    def renamed(self, renames: dict[str, str], foreign=frozenset()) -> Tx:
        """Tables named in `renames` are read and written under their new names; naming one of
        `foreign` raises. Writes are held back until the next read or `flush()` (call it before commit)."""
        return Tx(self._cursor, self.dialect, renames, foreign, write_behind=True)

    def _sql(self, sql: str) -> str:
        translated = self._translated.get(sql)
        if translated is None:
            translated = self._translated[sql] = translate(sql, self.dialect, self._renames, self._foreign)
        return translated

    def execute(self, sql: str, params=()) -> Tx:
        sql = self._sql(sql)
        if self._pending is None:  # SQLite, or a PostgreSQL handle that sends each statement at once
            self._cursor.execute(sql, tuple(params))
            return self
        if not sql.lstrip().upper().startswith("SELECT"):
            self._pending.append(self._cursor.mogrify(sql, tuple(params)))
            if len(self._pending) >= WRITE_BEHIND_PAGE:
                self.flush()
            return self
        self.flush()
        self._cursor.execute(sql, tuple(params))
        return self

    def executemany(self, sql: str, rows) -> None:
        if self._pending is not None:
            for row in rows:
                self.execute(sql, row)
            return
        self._cursor.executemany(self._sql(sql), rows)

    def copy_in(self, table: str, columns: list[str], file) -> None:
        """PostgreSQL: append the rows `file` gives in COPY's text format (tab-separated lines, \\N for
        NULL) to `table`, in one statement, reading the file as it goes."""
        self.flush()
        self._cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", file)

    def flush(self) -> None:
        """Send the held-back writes (one round trip per page, as psycopg2.extras.execute_batch does)."""
        if self._pending:
            statements, self._pending = self._pending, []
            self._cursor.execute(b";".join(statements))

    def fetchone(self) -> dict | None:
        row = self._cursor.fetchone()
        return None if row is None else as_dicts(self._cursor, [row])[0]

    def fetchall(self) -> list[dict]:
        return as_dicts(self._cursor, self._cursor.fetchall())

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount
