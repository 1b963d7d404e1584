"""The shape shared by resources numbered within a project (redirects, environment variables):
pk, created, modified, project (its slug) and absolute `_links` to themselves and the project."""

from marshmallow import Schema, fields, pre_dump

from api.representation.links import absolute, project_path
from api.schemas.common import Timestamp


class NestedLinksSchema(Schema):
    _self = fields.String(data_key="_self")
    project = fields.String()


class NestedResourceSchema(Schema):
    pk = fields.Integer()
    created = Timestamp()
    modified = Timestamp()
    project = fields.String()
    links = fields.Nested(NestedLinksSchema, data_key="_links")

    @staticmethod
    def path(project_slug: str, number: int) -> str:
        raise NotImplementedError

    @pre_dump
    def shape(self, row: dict, **kwargs) -> dict:
        slug = row["project_slug"]
        return {
            **row,
            "pk": row["id"],
            "project": slug,
            "links": {"_self": absolute(self.path(slug, row["id"])), "project": absolute(project_path(slug))},
        }
