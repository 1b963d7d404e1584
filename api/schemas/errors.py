"""The JSON error format (seed 004), as documented in the OpenAPI description; `api.errors` produces it."""

from marshmallow import Schema, fields, validate

ERROR_CODES = ("missing", "missing_field", "invalid", "already_exists")


class ErrorDetailSchema(Schema):
    resource = fields.String(metadata={"description": "the resource the field belongs to, e.g. Project"})
    field = fields.String(metadata={"description": "the field, dotted for nested ones (repository.url)"})
    code = fields.String(validate=validate.OneOf(ERROR_CODES))
    message = fields.String()


class ErrorSchema(Schema):
    message = fields.String(required=True)
    errors = fields.List(
        fields.Nested(ErrorDetailSchema),
        metadata={"description": "present on 422 Validation Failed: one entry per rejected field"},
    )


class AcceptedSchema(Schema):
    message = fields.String()
    location = fields.String(metadata={"description": "the resource to GET once the change is visible"})
