"""The audit history: one row per event of the log, whoever wrote it, with the project it belongs
to, who did it, when, the request and correlation ids, and the event's own fields without secrets.

It reads every event (not a list of handled classes), so events added later are audited without
a change here. Two exceptions, both deliberate:
- IdSequence events (SequenceStarted, BlockReserved) are skipped: HiLo bookkeeping that no actor
  asked for, recorded without an actor or a project; they would only be noise between actions.
  So are IdempotentRequest events (RequestClaimed, ResponseRecorded): the API's record of a request's
  Idempotency-Key and answer, not something that happened to a project (the request's own events are
  audited, with its request id).
- ProjectDeleted drops nothing: the history of a deleted project stays, under the slug it had.

An aggregate's project is named by its first event (`project_id`), or is the aggregate itself (a
Project); `audit_owners` remembers it for the events that do not repeat it, and the transaction's
memo (store.Tx.memo) remembers the rows it read or wrote: a build's later events cost no SELECT.

`data` is JSON with sorted keys, by orjson (faster than json.dumps, and the audit encodes
every event of the log); what it cannot encode goes through the standard library."""

from __future__ import annotations

import json

import orjson

from domain.events.fields import jsonable, own_fields
from domain.idempotent_request import IdempotentRequest
from domain.project import Project
from domain.events.secret_fields import without_secrets
from domain.sequence import IdSequence
from domain.slug_index import SlugIndex
from projections.read_model import ReadModelProjection
from projections.times import fixed_width_time

SKIPPED = (IdSequence.Event, IdempotentRequest.Event)
OWNERS = "audit_owners"  # its rows in the transaction's memo: {aggregate_id: (project_id, project_slug) or None}
TEXT_MAX = 2000  # a build command's output can be a megabyte: the audit keeps its start
# Dates, dataclasses and subclasses of JSON's types through `jsonable`, as json.dumps(default=jsonable)
# renders them (not orjson's own formats); non-string keys become strings, as json.dumps makes them.
JSON_OPTIONS = (orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME
                | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS)


class AuditProjection(ReadModelProjection):
    name = "audit"
    tables = ("audit_events", "audit_owners")
    ddl = (
        """CREATE TABLE IF NOT EXISTS audit_events (
            id BIGINT PRIMARY KEY,
            type TEXT NOT NULL,
            aggregate_type TEXT NOT NULL,
            aggregate_id TEXT NOT NULL,
            aggregate_version BIGINT NOT NULL,
            project_id TEXT,
            project_slug TEXT,
            actor TEXT,
            created TEXT NOT NULL,
            request_id TEXT,
            correlation_id TEXT,
            data TEXT NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS audit_events_project ON audit_events (project_id, id)",
        "CREATE INDEX IF NOT EXISTS audit_events_project_slug ON audit_events (project_slug, id)",
        "CREATE INDEX IF NOT EXISTS audit_events_actor ON audit_events (actor, id)",
        "CREATE INDEX IF NOT EXISTS audit_events_type ON audit_events (type, id)",
        "CREATE INDEX IF NOT EXISTS audit_events_created ON audit_events (created)",
        "CREATE INDEX IF NOT EXISTS audit_events_correlation ON audit_events (correlation_id)",
        """CREATE TABLE IF NOT EXISTS audit_owners (
            aggregate_id TEXT PRIMARY KEY,
            project_id TEXT NOT NULL,
            project_slug TEXT
        )""",
    )

    @classmethod
    def topics(cls) -> list[str]:
        return []  # every event: the recorder applies no topic filter

    def wants(self, event) -> bool:
        return not isinstance(event, SKIPPED)

    def apply(self, tx, event, position: int) -> None:
        if not self.wants(event):
            return
        aggregate_id = str(event.originator_id)
        project_id, project_slug = self._project_of(tx, event, aggregate_id)
        aggregate_type, _, event_type = type(event).__qualname__.rpartition(".")
        tx.execute(
            "INSERT INTO audit_events (id, type, aggregate_type, aggregate_id, aggregate_version, project_id, project_slug,"
            " actor, created, request_id, correlation_id, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (position, event_type, aggregate_type, aggregate_id,
             event.originator_version, project_id, project_slug, getattr(event, "actor", None), fixed_width_time(event.timestamp),
             getattr(event, "request_id", None), getattr(event, "correlation_id", None), event_data(event)),
        )

    def _project_of(self, tx, event, aggregate_id: str) -> tuple[str | None, str | None]:
        named = getattr(event, "project_id", None) or (event.originator_id if isinstance(event, Project.Event) else None)
        if named is None:
            return self._owner(tx, aggregate_id) or (None, None)
        project_id = str(named)
        slug = _named_slug(event) or self._slug_of(tx, project_id) or self._slug_of(tx, aggregate_id)
        tx.execute(
            "INSERT INTO audit_owners (aggregate_id, project_id, project_slug) VALUES (?, ?, ?) ON CONFLICT (aggregate_id)"
            " DO UPDATE SET project_id = excluded.project_id, project_slug = excluded.project_slug",
            (aggregate_id, project_id, slug),
        )
        tx.memo.setdefault(OWNERS, {})[aggregate_id] = (project_id, slug)
        return project_id, slug

    def _slug_of(self, tx, aggregate_id: str) -> str | None:
        owner = self._owner(tx, aggregate_id)
        return owner[1] if owner else None

    @staticmethod
    def _owner(tx, aggregate_id: str) -> tuple[str, str | None] | None:
        """(project_id, project_slug) of the aggregate, from `audit_owners` (None: not known)."""
        owners = tx.memo.setdefault(OWNERS, {})
        if aggregate_id not in owners:
            row = tx.execute("SELECT project_id, project_slug FROM audit_owners WHERE aggregate_id = ?", (aggregate_id,)).fetchone()
            owners[aggregate_id] = (row["project_id"], row["project_slug"]) if row else None
        return owners[aggregate_id]


def _named_slug(event) -> str | None:
    """The project slug the event states itself, if any (a Translation event's `slug` is the other project's)."""
    if getattr(event, "project_slug", None):
        return event.project_slug
    if isinstance(event, (Project.ProjectImported, SlugIndex.SlugClaimed)):
        return event.slug
    return None


def event_data(event) -> str:
    fields = without_secrets(own_fields(event))
    data = _json(fields)
    # Most events are short: when the whole is within TEXT_MAX, so is each of its strings (walk only the others).
    return data if len(data) <= TEXT_MAX else _json(_shortened(fields))


def _json(value) -> str:
    try:
        return orjson.dumps(value, default=jsonable, option=JSON_OPTIONS).decode()
    except TypeError:  # orjson.JSONEncodeError: e.g. an integer beyond 64 bits
        return json.dumps(value, sort_keys=True, default=jsonable)


def _shortened(value):
    if isinstance(value, str) and len(value) > TEXT_MAX:
        return f"{value[:TEXT_MAX]}[... {len(value) - TEXT_MAX} more characters]"
    if isinstance(value, dict):
        return {k: _shortened(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shortened(v) for v in value]
    return value

