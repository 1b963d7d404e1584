"""Maintainer: a user who may change a project."""

from marshmallow import Schema, fields, pre_dump, validate

from api.representation.links import absolute, maintainer_path, project_path
from api.representation.pagination import page_schema
from api.schemas.bodies import BodySchema


class MaintainerLinksSchema(Schema):
    _self = fields.String(data_key="_self")
    project = fields.String()


class MaintainerSchema(Schema):
    username = fields.String()
    links = fields.Nested(MaintainerLinksSchema, data_key="_links")

    @pre_dump
    def shape(self, maintainer: dict, **kwargs) -> dict:
        project = maintainer["project_slug"]
        return {
            **maintainer,
            "links": {"_self": absolute(maintainer_path(project, maintainer["username"])), "project": absolute(project_path(project))},
        }


MaintainerPageSchema = page_schema(MaintainerSchema)


class MaintainerCreateSchema(BodySchema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=150))
