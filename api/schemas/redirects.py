"""Redirect resource: output shape (Read the Docs' RedirectDetailSerializer) and the create/change input."""

from marshmallow import fields, post_load, pre_dump, validate

from api.representation.links import redirect_path
from api.representation.pagination import page_schema
from api.schemas.bodies import BodySchema
from api.schemas.nested import NestedResourceSchema
from domain.redirect import ACCEPTED_TYPES, DESCRIPTION_MAX, HTTP_STATUSES


class RedirectSchema(NestedResourceSchema):
    type = fields.String()
    from_url = fields.String(allow_none=True, metadata={"description": "null when the type keeps none"})
    to_url = fields.String(allow_none=True, metadata={"description": "null when the type keeps none"})
    force = fields.Boolean()
    enabled = fields.Boolean()
    description = fields.String()
    http_status = fields.Integer()
    position = fields.Integer(metadata={"description": "order of execution; the list is ordered by it"})

    path = staticmethod(redirect_path)

    @pre_dump
    def null_for_blank(self, row: dict, **kwargs) -> dict:
        """Read the Docs answers a blank URL as null."""
        return {**row, "from_url": row["from_url"] or None, "to_url": row["to_url"] or None}


RedirectPageSchema = page_schema(RedirectSchema)


class RedirectBodySchema(BodySchema):
    """POST, PUT and PATCH (partial). A field left out keeps its value (Read the Docs' default on create)."""

    type = fields.String(required=True, validate=validate.OneOf(ACCEPTED_TYPES),
                         metadata={"description": "sphinx_html and sphinx_htmldir (seed 002) are stored under their new names"})
    from_url = fields.String(allow_none=True, metadata={"description": "required by prefix, page, exact; normalised to /path"})
    to_url = fields.String(allow_none=True, metadata={"description": "required by page, exact"})
    force = fields.Boolean()
    enabled = fields.Boolean()
    description = fields.String(allow_none=True, validate=validate.Length(max=DESCRIPTION_MAX))
    http_status = fields.Integer(strict=True, validate=validate.OneOf(HTTP_STATUSES))
    position = fields.Integer(strict=True, validate=validate.Range(min=0))

    @post_load
    def blank_for_null(self, body: dict, **kwargs) -> dict:
        return {key: "" if value is None else value for key, value in body.items()}


class RedirectPatchSchema(RedirectBodySchema):
    """PATCH: every field optional, `type` too."""

    type = fields.String(validate=validate.OneOf(ACCEPTED_TYPES))
