"""Read-model tables: one row per thing a GET returns, an index for every filter.

Only the positions' tables are listed here; every projection declares its own tables in its `ddl`."""

import hashlib
import logging
import re

log = logging.getLogger("docsplane.projections")
TABLE_NAME = re.compile(r"\s*CREATE TABLE IF NOT EXISTS (\w+)")

TABLES = [
    """CREATE TABLE IF NOT EXISTS projection_positions (
        name TEXT PRIMARY KEY,
        position BIGINT NOT NULL,
        updated TEXT
    )""",
    # A replay's shadow tables and position (a `Replay`'s): `fingerprint` is the DDL it began with.
    """CREATE TABLE IF NOT EXISTS replay_positions (
        name TEXT PRIMARY KEY,
        position BIGINT NOT NULL,
        fingerprint TEXT NOT NULL,
        updated TEXT
    )""",
]


def table_names(statements: list[str]) -> list[str]:
    return [m.group(1) for m in map(TABLE_NAME.match, statements) if m]


def create_tables(store) -> None:
    """Create the read-model tables. When their definitions changed since they were made (a new
    column, a new index), drop them and start over: read models are derived data, and the
    projectors rebuild them from the event log because their positions are dropped too."""
    from projections.registry import PROJECTIONS  # the registry imports projections, which import nothing of this

    statements = TABLES + [statement for projection in PROJECTIONS.values() for statement in projection.ddl]
    fingerprint = hashlib.sha256("\n".join(statements).encode()).hexdigest()
    with store.transaction() as tx:
        if store.dialect == "postgres":
            tx.execute("SELECT pg_advisory_xact_lock(4242)")  # concurrent starters must not race on DDL
        tx.execute("CREATE TABLE IF NOT EXISTS read_model_schema (fingerprint TEXT PRIMARY KEY)")
        row = tx.execute("SELECT fingerprint FROM read_model_schema").fetchone()
        if row is not None and row["fingerprint"] == fingerprint:
            return
        if row is not None:
            log.warning("read-model schema changed: dropping the read models; the projectors rebuild them from the event log")
        for table in table_names(statements):
            tx.execute(f"DROP TABLE IF EXISTS {table}")
        for statement in statements:
            tx.execute(statement)
        tx.execute("DELETE FROM read_model_schema")
        tx.execute("INSERT INTO read_model_schema (fingerprint) VALUES (?)", (fingerprint,))
