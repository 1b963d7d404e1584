"""Queries over the audit history (projections/audit.py): newest first, filtered on indexed columns."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from projections.projection import stored_time
from projections.queries import Page

COLUMNS = ("id, type, aggregate_type, aggregate_id, aggregate_version, project_id, project_slug, actor, created,"
           " request_id, correlation_id, data")


@dataclass(frozen=True)
class AuditFilter:
    project_id: str | None = None  # one project (the REST route: not an older project that had its slug)
    project_slug: str | None = None  # every project that had this slug (the CLI: deleted ones too)
    actor: str | None = None
    types: tuple[str, ...] = ()  # event class names, e.g. ("ProjectImported", "BuildTriggered")
    since: datetime | None = None  # at or after
    until: datetime | None = None  # at or before
    correlation_id: str | None = None

    def where(self) -> tuple[str, list]:
        clauses, params = [], []
        for column, value in (("project_id", self.project_id), ("project_slug", self.project_slug),
                              ("actor", self.actor), ("correlation_id", self.correlation_id)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if self.types:
            clauses.append(f"type IN ({', '.join('?' * len(self.types))})")
            params.extend(self.types)
        for operator, moment in ((">=", self.since), ("<=", self.until)):
            if moment is not None:
                clauses.append(f"created {operator} ?")
                params.append(stored_time(moment))
        return (f"WHERE {' AND '.join(clauses)}" if clauses else ""), params


def _decoded(row: dict) -> dict:
    return {**row, "data": json.loads(row["data"])}


class AuditQueries:
    def __init__(self, store):
        self.store = store

    def list(self, selected: AuditFilter, limit: int, offset: int = 0) -> Page:
        """Newest first (by position in the log): the latest events on the first page."""
        where, params = selected.where()
        with self.store.reading() as tx:
            count = tx.execute(f"SELECT COUNT(*) AS n FROM audit_events {where}", params).fetchone()["n"]
            rows = tx.execute(f"SELECT {COLUMNS} FROM audit_events {where} ORDER BY id DESC LIMIT ? OFFSET ?",
                              [*params, limit, offset]).fetchall()
        return Page(count, [_decoded(row) for row in rows])
