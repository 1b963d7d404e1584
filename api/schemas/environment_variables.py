"""Environment variable resource: output shape (seed 002, plus Read the Docs' `public`) and the
create input. `value` is write-only: it is in the input schema and nowhere else."""

from marshmallow import fields

from api.representation.links import environment_variable_path
from api.representation.pagination import page_schema
from api.schemas.bodies import BodySchema
from api.schemas.nested import NestedResourceSchema


class EnvironmentVariableSchema(NestedResourceSchema):
    name = fields.String()
    public = fields.Boolean()

    path = staticmethod(environment_variable_path)


EnvironmentVariablePageSchema = page_schema(EnvironmentVariableSchema)


class EnvironmentVariableCreateSchema(BodySchema):
    name = fields.String(required=True)
    value = fields.String(required=True, load_only=True, metadata={"description": "write-only: never answered"})
    public = fields.Boolean(load_default=False, metadata={"description": "also given to builds of pull requests"})
