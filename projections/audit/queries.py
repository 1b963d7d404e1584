"""Queries over the audit history: newest first, filtered on indexed columns."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from projections.query_parts import Page, in_transaction
from projections.times import fixed_width_time
from projections.visibility import visible_sql

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
                params.append(fixed_width_time(moment))
        return (f"WHERE {' AND '.join(clauses)}" if clauses else ""), params


def _decoded(row: dict) -> dict:
    return {**row, "data": json.loads(row["data"])}


# The fields by which a project's events name ANOTHER project: (id field or None, slug field).
LINKS = {
    "SubprojectAdded": ("child_id", "child_slug"),
    "LinkedAsSubproject": ("parent_id", "parent_slug"),
    "TranslationAdded": ("translation_id", "slug"),
    "TranslationLanguageChanged": (None, "slug"),
    "TranslationRemoved": (None, "slug"),
    "LinkedAsTranslation": ("original_id", "original_slug"),
}
HIDDEN = "[hidden]"


def hide_invisible_projects(fetchall, events: list[dict], viewer: str | None, scope: list[str] | None) -> list[dict]:
    """Replaces the id and slug of every other project an event names that the viewer may not see
    (private to them, or since deleted: it may have been private) by "[hidden]". A maintainer of a
    public project need not maintain its private subprojects or translations."""
    named = [(event, LINKS[event["type"]]) for event in events if event["type"] in LINKS]
    ids = sorted({str(e["data"][i]) for e, (i, _) in named if i and e["data"].get(i)})
    slugs = sorted({e["data"][s] for e, (i, s) in named if not i and e["data"].get(s)})
    if not named:
        return events
    condition, params = visible_sql("p", viewer, scope)
    seen = fetchall(
        f"SELECT p.aggregate_id, p.slug FROM projects p WHERE (p.aggregate_id IN ({', '.join('?' * len(ids)) or 'NULL'})"
        f" OR p.slug IN ({', '.join('?' * len(slugs)) or 'NULL'})) AND {condition}",
        [*ids, *slugs, *params],
    )
    seen_ids, seen_slugs = {str(row["aggregate_id"]) for row in seen}, {row["slug"] for row in seen}
    for event, (id_field, slug_field) in named:
        data = event["data"]
        visible = str(data.get(id_field)) in seen_ids if id_field else data.get(slug_field) in seen_slugs
        if not visible:
            event["data"] = {**data, **{field: HIDDEN for field in (id_field, slug_field) if field and field in data}}
    return events


class AuditQueries:
    def __init__(self, store):
        self.store = store

    def list(self, selected: AuditFilter, limit: int, offset: int = 0, viewer: str | None = None,
             scope: list[str] | None = None, all_projects: bool = True) -> Page:
        """Newest first (by position in the log): the latest events on the first page. Unless
        `all_projects` (an operator), other projects the `viewer` may not see are hidden."""
        where, params = selected.where()
        with self.store.reading() as tx:
            count = tx.execute(f"SELECT COUNT(*) AS n FROM audit_events {where}", params).fetchone()["n"]
            rows = tx.execute(f"SELECT {COLUMNS} FROM audit_events {where} ORDER BY id DESC LIMIT ? OFFSET ?",
                              [*params, limit, offset]).fetchall()
            events = [_decoded(row) for row in rows]
            if not all_projects:
                events = hide_invisible_projects(in_transaction(tx), events, viewer, scope)
        return Page(count, events)
