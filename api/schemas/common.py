"""Fields and small nested shapes shared by resources."""

from datetime import datetime

from marshmallow import Schema, fields


class Timestamp(fields.String):
    """A stored ISO-8601 UTC time, answered to the second as in the seeds."""

    def __init__(self, **kwargs):
        super().__init__(metadata={"format": "date-time"}, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else datetime.fromisoformat(value).isoformat(timespec="seconds")


class CodeNameSchema(Schema):
    code = fields.String()
    name = fields.String()
