"""Subproject relationship (seed 002): the alias it is served under and the child project."""

from marshmallow import Schema, fields, pre_dump, validate

from api.representation.links import absolute, project_path, subproject_path
from api.representation.pagination import page_schema
from api.schemas.bodies import BodySchema
from api.schemas.projects import ProjectSchema


class SubprojectLinksSchema(Schema):
    _self = fields.String(data_key="_self")
    parent = fields.String()


class SubprojectSchema(Schema):
    alias = fields.String()
    child = fields.Nested(ProjectSchema)
    links = fields.Nested(SubprojectLinksSchema, data_key="_links")

    @pre_dump
    def shape(self, relationship: dict, **kwargs) -> dict:
        parent = relationship["parent_slug"]
        return {
            **relationship,
            "links": {"_self": absolute(subproject_path(parent, relationship["alias"])), "parent": absolute(project_path(parent))},
        }


SubprojectPageSchema = page_schema(SubprojectSchema)


class SubprojectCreateSchema(BodySchema):
    child = fields.String(required=True, validate=validate.Length(min=1, max=255), metadata={"description": "the child project's slug"})
    alias = fields.String(
        allow_none=True, load_default=None, validate=validate.Length(min=1, max=255),
        metadata={"description": "served as /projects/<alias>/; default: the child's slug"},
    )
