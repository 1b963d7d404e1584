"""Redirect resource: output shape (seed 002) and the create/replace input."""

from marshmallow import EXCLUDE, Schema, fields, post_load, validate

from api.links import redirect_path
from api.pagination import page_schema
from api.schemas.nested import NestedResourceSchema
from domain.redirect import TYPES


class RedirectSchema(NestedResourceSchema):
    from_url = fields.String()
    to_url = fields.String()
    type = fields.String()

    path = staticmethod(redirect_path)


RedirectPageSchema = page_schema(RedirectSchema)


class RedirectBodySchema(Schema):
    """POST and PUT alike: PUT replaces the whole redirect, so a URL left out is cleared."""

    class Meta:
        unknown = EXCLUDE

    type = fields.String(required=True, validate=validate.OneOf(TYPES))
    from_url = fields.String(load_default="", allow_none=True, metadata={"description": "required by prefix, page, exact"})
    to_url = fields.String(load_default="", allow_none=True, metadata={"description": "required by page, exact"})

    @post_load
    def blank_for_null(self, body: dict, **kwargs) -> dict:
        return {key: "" if value is None else value for key, value in body.items()}
