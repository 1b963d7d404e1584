"""The health report (`docsplane.health`): what GET /api/v3/_health and `docsplane status --json` answer."""

from marshmallow import Schema, fields, validate


class DependencySchema(Schema):
    name = fields.String(metadata={"description": "event_store, read_store or broker"})
    target = fields.String(metadata={"description": "what and where (never credentials)"})
    status = fields.String(validate=validate.OneOf(("ok", "unavailable")))
    message = fields.String(metadata={"description": "`reachable`, or the driver's message"})


class PositionSchema(Schema):
    name = fields.String(metadata={"description": "the projection's or follower's name"})
    kind = fields.String(validate=validate.OneOf(("projector", "follower")))
    position = fields.Integer(metadata={"description": "the last notification id it has handled"})
    lag = fields.Integer(allow_none=True, metadata={"description": "head - position (null when the event store is unreachable)"})
    updated = fields.String(allow_none=True, metadata={"description": "when the position last moved"})
    loop = fields.String(metadata={"description": "the loop that runs it (see `loops`)"})
    heartbeat_age = fields.Float(allow_none=True, metadata={"description": "seconds since that loop's freshest heartbeat"})
    last_error = fields.String(allow_none=True, metadata={"description": "that loop's current error (cleared on recovery)"})


class LoopSchema(Schema):
    name = fields.String(metadata={"description": "projector, dispatcher, relay, webhooks, reaper or worker"})
    instance = fields.String(metadata={"description": "host:pid of the process running it"})
    started = fields.String()
    heartbeat = fields.String()
    heartbeat_age = fields.Float(allow_none=True)
    last_error = fields.String(allow_none=True)
    last_error_at = fields.String(allow_none=True)
    state = fields.String(validate=validate.OneOf(("ok", "error", "stale")))


class SandboxSchema(Schema):
    mode = fields.String(validate=validate.OneOf(("bwrap", "none")), metadata={"description": "DOCSPLANE_BUILD_SANDBOX"})
    active = fields.Boolean(metadata={"description": "whether builds on this host run in the sandbox"})
    message = fields.String()


class HealthSchema(Schema):
    status = fields.String(validate=validate.OneOf(("ok", "degraded", "unavailable")))
    message = fields.String(required=True, metadata={"description": "one sentence: what is wrong, if anything"})
    checked = fields.String(metadata={"description": "when this report was made (ISO 8601, UTC)"})
    head = fields.Integer(allow_none=True, metadata={"description": "the event store's last notification id"})
    dependencies = fields.List(fields.Nested(DependencySchema))
    positions = fields.List(fields.Nested(PositionSchema))
    loops = fields.List(fields.Nested(LoopSchema))
    problems = fields.List(fields.String(), metadata={"description": "why the status is degraded"})
    sandbox = fields.Nested(SandboxSchema, metadata={"description": "how builds on this host run (DOCSPLANE_BUILD_SANDBOX, DOCSPLANE_BUILD_NETWORK)"})
