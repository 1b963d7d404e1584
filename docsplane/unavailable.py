"""Which errors mean "a database cannot be reached" (the API answers 503, the CLI one clear line),
as opposed to a bug (500, a traceback in the log).

    unavailable_store(error) -> "event store" | "read-model database" | None"""

from __future__ import annotations

import sqlite3

import psycopg
import psycopg2
from eventsourcing.persistence import InterfaceError, OperationalError

# sqlite3.OperationalError also means a bug ("no such table", a syntax error): only these are outages.
SQLITE_OUTAGES = ("unable to open database", "database is locked", "disk i/o error", "readonly database")


def unavailable_store(error: BaseException) -> str | None:
    # psycopg 3 (and its pool's PoolTimeout) is the event store's driver; the library wraps it in its own.
    if isinstance(error, (OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError)):
        return "event store"
    if isinstance(error, (psycopg2.OperationalError, psycopg2.InterfaceError)):
        return "read-model database"
    # Raw sqlite3 errors come from the read store only: the library wraps the event store's in its own.
    if isinstance(error, sqlite3.OperationalError) and any(text in str(error).lower() for text in SQLITE_OUTAGES):
        return "read-model database"
    return None


UNAVAILABLE_ERRORS = (
    OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError,
    psycopg2.OperationalError, psycopg2.InterfaceError, sqlite3.OperationalError,
)
