"""Read-model storage: one small interface over sqlite3 (embedded) and psycopg2 (PostgreSQL).

SQL is written once with `?` placeholders; the PostgreSQL side translates them to `%s`."""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import select
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

log = logging.getLogger("docsplane.projections")

# Where our SQL names a table. Only there is a name rewritten: a column may share a table's name
# (projects.users vs the table users), but a column never follows one of these keywords.
TABLE_REFERENCE = re.compile(r"\b(FROM|INTO|UPDATE|JOIN|TABLE(?:\s+IF(?:\s+NOT)?\s+EXISTS)?|ON)(\s+)(\w+)", re.IGNORECASE)
WRITE_BEHIND_PAGE = 500  # statements sent in one round trip


@functools.cache
def _translate(sql: str, dialect: str, renames: tuple[tuple[str, str], ...], foreign: frozenset[str]) -> str:
    if renames or foreign:
        names = dict(renames)

        def rename(match) -> str:
            keyword, space, table = match.groups()
            if table in foreign:
                raise ValueError(f"{table!r} belongs to another projection: {sql}")
            return f"{keyword}{space}{names.get(table, table)}"

        sql = TABLE_REFERENCE.sub(rename, sql)
    return sql.replace("?", "%s") if dialect == "postgres" else sql


def _as_dicts(cursor, rows) -> list[dict]:
    """Rows as dicts: psycopg2's plain tuples zipped with the column names (cheaper than its
    RealDictCursor, which builds each row item by item), sqlite3.Row by its own mapping."""
    if rows and isinstance(rows[0], tuple):
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row)) for row in rows]
    return [dict(row) for row in rows]


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
            translated = self._translated[sql] = _translate(sql, self.dialect, self._renames, self._foreign)
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
        return None if row is None else _as_dicts(self._cursor, [row])[0]

    def fetchall(self) -> list[dict]:
        return _as_dicts(self._cursor, self._cursor.fetchall())

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount


class ReadStore:
    dialect = ""

    @staticmethod
    def from_url(url: str, pool_size: int = 10) -> ReadStore:
        parsed = urlparse(url)
        if parsed.scheme == "sqlite":
            return SQLiteReadStore(url[len("sqlite:///"):] if url.startswith("sqlite:///") else parsed.path)
        if parsed.scheme in ("postgres", "postgresql"):
            return PostgresReadStore(url, pool_size)
        raise ValueError(f"unsupported read-model database URL: {url!r} (use sqlite:///PATH or postgresql://...)")

    def fetchall(self, sql: str, params=()) -> list[dict]:
        with self.reading() as tx:
            return tx.execute(sql, params).fetchall()

    def fetchone(self, sql: str, params=()) -> dict | None:
        with self.reading() as tx:
            return tx.execute(sql, params).fetchone()

    def fetchall_prepared(self, sql: str, params=()) -> list[dict]:
        """fetchall, for the statements of nearly every request (sqlite3 caches its statements itself)."""
        return self.fetchall(sql, params)


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


CONNECT_TIMEOUT = 5  # seconds, unless the URL says otherwise: an unreachable server answers 503 soon


class ConnectionPool:
    """Up to `size` psycopg2 connections, opened on first need and then kept: every request reuses
    one instead of forking a PostgreSQL backend. (psycopg2's own pools keep only `minconn` idle
    connections and close the rest as they are returned, and open the `minconn` up front.)"""

    def __init__(self, size: int, connect):
        self._connect = connect
        self._idle: list = []  # most recently used last: the warmest connection is reused first
        self._lock = threading.Lock()
        self._available = threading.BoundedSemaphore(size)  # wait for a connection rather than fail
        self._closed = False

    @contextmanager
    def connection(self):
        with self._available:
            conn = self._take()
            try:
                yield conn
            finally:
                self._give_back(conn)

    def _take(self):
        """An idle connection that is not known to be dead, or a new one. The server says goodbye
        on an idle connection it ends (restart, pg_terminate_backend), so one with something to
        read is discarded unused: after an outage the pool heals without failing a request per connection."""
        while True:
            with self._lock:
                conn = self._idle.pop() if self._idle else None
            if conn is None:
                return self._connect()
            if not conn.closed and not select.select([conn], [], [], 0)[0]:
                return conn
            conn.close()

    def _give_back(self, conn) -> None:
        import psycopg2.extensions

        if not conn.closed and conn.info.transaction_status != psycopg2.extensions.TRANSACTION_STATUS_IDLE:
            conn.close()  # broken, or left inside a transaction: never hand that state to the next user
        with self._lock:
            if not conn.closed and not self._closed:
                self._idle.append(conn)
                return
        conn.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle, self._closed = self._idle, [], True
        for conn in idle:
            conn.close()


def _numbered(sql: str) -> str:
    """`?` placeholders as PREPARE wants them: $1, $2, ... (our SQL has no `?` inside literals)."""
    numbers = iter(range(1, sql.count("?") + 1))
    return re.sub(r"\?", lambda _: f"${next(numbers)}", sql)


@functools.cache
def _preparing_connection():
    """A psycopg2 connection that remembers the statements prepared on it (imported late)."""
    import psycopg2.extensions

    class PreparingConnection(psycopg2.extensions.connection):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.prepared: dict[str, str] = {}  # SQL -> name of its prepared statement

    return PreparingConnection


@functools.cache
def _begun_by_first_statement():
    """A cursor class whose first statement is prefixed with BEGIN (imported late: psycopg2 is
    needed only with PostgreSQL)."""
    import psycopg2.extensions

    class BegunByFirstStatement(psycopg2.extensions.cursor):
        begun = False

        def execute(self, query, vars=None):
            if not self.begun:
                query = (b"BEGIN; " if isinstance(query, bytes) else "BEGIN; ") + query
                self.begun = True
            return super().execute(query, vars)

        def _begin(self):
            if not self.begun:
                self.execute("BEGIN")

        def executemany(self, query, vars_list):
            self._begin()
            return super().executemany(query, vars_list)

        def copy_expert(self, sql, file, size=8192):  # a bulk load (COPY) is inside the transaction too
            self._begin()
            return super().copy_expert(sql, file, size)

    return BegunByFirstStatement


class PostgresReadStore(ReadStore):
    dialect = "postgres"

    def __init__(self, url: str, pool_size: int):
        import psycopg2

        self.url = url
        timeout = {} if "connect_timeout" in url else {"connect_timeout": CONNECT_TIMEOUT}
        self._pool = ConnectionPool(pool_size, functools.partial(
            psycopg2.connect, url, connection_factory=_preparing_connection(), **timeout,
        ))
        self._listener: Listener | None = None

    @contextmanager
    def transaction(self):
        """BEGIN rides with the first statement: a transaction costs one round trip besides its
        statements (the COMMIT), not two. The connection stays in autocommit, so psycopg2 sends
        no BEGIN of its own."""
        with self._pool.connection() as conn:
            conn.autocommit = True
            with conn.cursor(cursor_factory=_begun_by_first_statement()) as cursor:
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
        import psycopg2.errors

        with self._pool.connection() as conn:
            conn.autocommit = True
            with conn.cursor() as cursor:
                try:
                    return self._execute_prepared(conn, cursor, sql, params)
                except psycopg2.errors.FeatureNotSupported:  # "cached plan must not change result type":
                    cursor.execute(f"DEALLOCATE {conn.prepared.pop(sql)}")  # a replay changed a table's columns
                    return self._execute_prepared(conn, cursor, sql, params)

    @staticmethod
    def _execute_prepared(conn, cursor, sql: str, params) -> list[dict]:
        name = conn.prepared.get(sql)
        if name is None:
            name = f"docsplane_{len(conn.prepared)}"
            cursor.execute(f"PREPARE {name} AS {_numbered(sql)}")
            conn.prepared[sql] = name
        cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {name}", tuple(params))
        return _as_dicts(cursor, cursor.fetchall())

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


class Listener:
    """One LISTEN connection and its thread. `on_notify(None)` is called on each (re)connection:
    whatever was sent while nobody listened is lost; `listening` is set while a LISTEN is in place."""

    def __init__(self, url: str, channel: str, on_notify, reconnect_delay: float = 1.0):
        self.url, self.channel, self.on_notify, self.reconnect_delay = url, channel, on_notify, reconnect_delay
        self.listening = threading.Event()
        self._stop = threading.Event()
        threading.Thread(target=self._run, name=f"listen-{channel}", daemon=True).start()

    def close(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._listen()
            except Exception as error:  # the database went away: the waiters poll meanwhile
                if not self._stop.is_set():  # not merely the store closing
                    log.warning("LISTEN %s lost (%s: %s); listening again in %s s",
                                self.channel, type(error).__name__, error, self.reconnect_delay)
            self.listening.clear()
            self._stop.wait(self.reconnect_delay)

    def _listen(self) -> None:
        import psycopg2

        timeout = {} if "connect_timeout" in self.url else {"connect_timeout": CONNECT_TIMEOUT}
        with contextlib.closing(psycopg2.connect(self.url, **timeout)) as conn:
            conn.autocommit = True
            conn.cursor().execute(f'LISTEN "{self.channel}"')
            self.listening.set()
            self.on_notify(None)
            while not self._stop.is_set():
                if select.select([conn], [], [], 0.5)[0]:
                    conn.poll()
                    if conn.notifies:
                        payloads = [notify.payload for notify in conn.notifies]
                        conn.notifies.clear()
                        self.on_notify(payloads)
