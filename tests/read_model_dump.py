"""Every read-model table, every row, in a stable order: to compare the read models that followed the
event log (through crashes, outages, concurrent projectors) with a from-scratch rebuild.

    live = dump_tables(container); rebuild_all(container); assert dump_tables(container) == live
"""

from __future__ import annotations

from projections.registry import PROJECTIONS

# Primary key of every read-model table, so dumps come back in a stable order.
PRIMARY_KEYS = {
    "projection_positions": "name",
    "projects": "aggregate_id",
    "project_maintainers": "username, project_id",
    "subprojects": "parent_id, alias",
    "versions": "aggregate_id",
    "version_builds": "build_aggregate_id",
    "builds": "id",
    "build_commands": "id",
    "build_leases": "build_id",
    "users": "aggregate_id",
    "tokens": "token_hash",
    "redirects": "id",
    "environment_variables": "id",
    "webhooks": "id",
    "email_hooks": "id",
    "webhook_deliveries": "id",
    "webhook_delivery_attempts": "delivery_id, attempt",
    "audit_events": "id",
    "audit_owners": "aggregate_id",
}


def read_model_tables() -> list[str]:
    tables = ["projection_positions"]
    for projection in PROJECTIONS.values():
        tables.extend(projection.tables)
    return tables


def dump_tables(container) -> dict[str, list[dict]]:
    """Every read-model table, every row, ordered by primary key."""
    dump = {}
    for table in read_model_tables():
        assert table in PRIMARY_KEYS, f"add the primary key of new table {table!r} to PRIMARY_KEYS"
        columns = "name, position" if table == "projection_positions" else "*"  # not the wall-clock `updated`
        dump[table] = container.store.fetchall(f"SELECT {columns} FROM {table} ORDER BY {PRIMARY_KEYS[table]}")
    return dump


def rebuild_all(container) -> None:
    for projector in container.projectors:
        projector.rebuild()
