"""Read-model storage: one small interface (`ReadStore`, whose transactions hand out a `Tx`) over
sqlite3 (embedded) and psycopg2 (PostgreSQL). `ReadStore.from_url(url)` opens the one a URL names."""

from projections.store.interface import ReadStore
from projections.store.postgres import PostgresReadStore
from projections.store.sqlite import SQLiteReadStore
from projections.store.transaction import Tx

__all__ = ["PostgresReadStore", "ReadStore", "SQLiteReadStore", "Tx"]
