"""Fields and small nested shapes shared by resources."""

from datetime import datetime, timezone

from marshmallow import Schema, ValidationError, fields


class Timestamp(fields.String):
    """A stored ISO-8601 UTC time, answered to the second with `Z`, as Read the Docs' fixtures print it."""

    def __init__(self, **kwargs):
        super().__init__(metadata={"format": "date-time"}, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return datetime.fromisoformat(value).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class CodeNameSchema(Schema):
    code = fields.String()
    name = fields.String()


class UtcDateTime(fields.DateTime):
    """An ISO-8601 time, answered in UTC; one without an offset is taken as UTC."""

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        try:
            return moment.astimezone(timezone.utc)
        except OverflowError:
            raise ValidationError("Not a valid datetime.") from None
