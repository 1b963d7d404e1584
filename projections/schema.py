"""Read-model tables: one row per thing a GET returns, an index for every filter.

The spine's tables are listed here; later projections declare theirs in their own `ddl`."""

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
    """CREATE TABLE IF NOT EXISTS versions (
        aggregate_id TEXT PRIMARY KEY,
        id BIGINT NOT NULL,
        project_id TEXT NOT NULL,
        project_slug TEXT NOT NULL,
        slug TEXT NOT NULL,
        verbose_name TEXT NOT NULL,
        identifier TEXT NOT NULL,
        type TEXT NOT NULL,
        active BOOLEAN NOT NULL,
        built BOOLEAN NOT NULL,
        hidden BOOLEAN NOT NULL,
        privacy_level TEXT NOT NULL,
        alias_of TEXT,
        last_build_id BIGINT,
        created TEXT NOT NULL,
        modified TEXT NOT NULL,
        aggregate_version BIGINT NOT NULL,
        UNIQUE (project_slug, slug)
    )""",
    "CREATE INDEX IF NOT EXISTS versions_active ON versions (project_slug, active)",
    "CREATE INDEX IF NOT EXISTS versions_built ON versions (project_slug, built)",
    "CREATE INDEX IF NOT EXISTS versions_type ON versions (project_slug, type)",
    """CREATE TABLE IF NOT EXISTS version_builds (
        build_aggregate_id TEXT PRIMARY KEY,
        version_aggregate_id TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS builds (
        id BIGINT PRIMARY KEY,
        aggregate_id TEXT NOT NULL UNIQUE,
        project_id TEXT NOT NULL,
        project_slug TEXT NOT NULL,
        version_slug TEXT NOT NULL,
        state TEXT NOT NULL,
        success BOOLEAN,
        error TEXT,
        commit_hash TEXT,
        builder TEXT,
        config TEXT,
        created TEXT NOT NULL,
        finished TEXT,
        aggregate_version BIGINT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS builds_project ON builds (project_slug, created)",
    "CREATE INDEX IF NOT EXISTS builds_version ON builds (project_slug, version_slug, created)",
    "CREATE INDEX IF NOT EXISTS builds_commit ON builds (project_slug, commit_hash)",
    "CREATE INDEX IF NOT EXISTS builds_state ON builds (project_slug, state)",
    "CREATE INDEX IF NOT EXISTS builds_success ON builds (project_slug, success)",
]


def _table_names(statements: list[str]) -> list[str]:
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
        for table in _table_names(statements):
            tx.execute(f"DROP TABLE IF EXISTS {table}")
        for statement in statements:
            tx.execute(statement)
        tx.execute("DELETE FROM read_model_schema")
        tx.execute("INSERT INTO read_model_schema (fingerprint) VALUES (?)", (fingerprint,))
