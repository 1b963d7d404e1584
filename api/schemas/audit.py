"""The audit history of a project (GET .../events/) and its filters; `docsplane audit --format jsonl`
prints the same items (without `_links`, which need a host)."""

from marshmallow import Schema, fields, pre_dump
from webargs.fields import DelimitedList

from api.representation.links import absolute, project_path
from api.representation.pagination import PageArgs, page_schema
from api.schemas.projects import UtcDateTime


class AggregateRefSchema(Schema):
    type = fields.String(metadata={"description": "the aggregate's class: Project, Version, Build, Webhook, ..."})
    id = fields.String(metadata={"description": "the aggregate's UUID"})


class AuditEventSchema(Schema):
    """One event of the log: what happened, to what, who did it, when, in which request.
    `data` holds the event's own fields, every secret replaced by "[redacted]"."""

    id = fields.Integer(metadata={"description": "the event's position in the log: unique, increasing, with gaps"})
    type = fields.String(metadata={"description": "the event's name, e.g. ProjectImported, BuildTriggered"})
    created = fields.String(metadata={"format": "date-time", "description": "when it happened (UTC, microseconds)"})
    actor = fields.String(allow_none=True, metadata={"description": "the user whose token made the request, "
                                                                     "or the process (worker:..., reaper, webhooks)"})
    request_id = fields.String(allow_none=True, metadata={"description": "X-Request-Id of the request (or job) that "
                                                                          "stored it; null for events older than request ids"})
    correlation_id = fields.String(allow_none=True, metadata={"description": "shared by a request's events and by "
                                                                              "the work done on its behalf (a build's)"})
    aggregate = fields.Nested(AggregateRefSchema)
    project = fields.String(allow_none=True, metadata={"description": "the project's slug when it happened"})
    data = fields.Dict()

    @pre_dump
    def shape(self, row: dict, **kwargs) -> dict:
        return {**row, "aggregate": {"type": row["aggregate_type"], "id": row["aggregate_id"]}, "project": row["project_slug"]}


class AuditLinksSchema(Schema):
    project = fields.String()


class AuditEventResourceSchema(AuditEventSchema):
    links = fields.Nested(AuditLinksSchema, data_key="_links")

    @pre_dump
    def link(self, row: dict, **kwargs) -> dict:
        return {**row, "links": {"project": absolute(project_path(row["project_slug"]))}}


AuditEventPageSchema = page_schema(AuditEventResourceSchema)


class AuditEventArgs(PageArgs):
    actor = fields.String(metadata={"description": "only events of this actor (a username, or e.g. `reaper`)"})
    type = DelimitedList(fields.String(), metadata={"description": "only events of these types (comma-separated)"})
    created__gte = UtcDateTime(metadata={"description": "at or after (ISO-8601, UTC without an offset)"})
    created__lte = UtcDateTime(metadata={"description": "at or before (ISO-8601, UTC without an offset)"})
    correlation_id = fields.String(metadata={"description": "only the events of this correlation id"})
