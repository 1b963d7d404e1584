"""API token resource: what a user sees of a token (never the token or its hash, except the plain
token once in the answer to issuing it), and the body that issues one."""

from marshmallow import RAISE, Schema, fields, pre_dump, validate

from api.representation.links import absolute
from api.representation.pagination import page_schema
from api.schemas.common import Timestamp
from domain.user import ACCESS_LEVELS, NAME_MAX


def token_path(number: int) -> str:
    return f"/api/v3/tokens/{number}/"


class TokenLinksSchema(Schema):
    _self = fields.String(data_key="_self")


class TokenSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    created = Timestamp()
    projects = fields.List(fields.String(), allow_none=True, metadata={"description": "null: every project of the user"})
    access = fields.String(metadata={"enum": list(ACCESS_LEVELS)})
    hint = fields.String(metadata={"description": "the token's last characters, to tell tokens apart"})
    links = fields.Nested(TokenLinksSchema, data_key="_links")

    @pre_dump
    def shape(self, token: dict, **kwargs) -> dict:
        return {**token, "links": {"_self": absolute(token_path(token["id"]))}}


class IssuedTokenSchema(TokenSchema):
    token = fields.String(metadata={"description": "the API token: shown only in this answer, stored only as a hash"})


TokenPageSchema = page_schema(TokenSchema)


class TokenCreateSchema(Schema):
    class Meta:
        # A misspelt `projects` must not silently issue a token for every project.
        unknown = RAISE

    name = fields.String(load_default="", validate=validate.Length(max=NAME_MAX))
    projects = fields.List(
        fields.String(validate=validate.Length(min=1, max=255)), allow_none=True, load_default=None,
        validate=validate.Length(min=1, error="list at least one project, or null for all projects"),
    )
    access = fields.String(load_default="write", validate=validate.OneOf(ACCESS_LEVELS))
