"""Build resource: output shape (seed 002), the trigger input, list filters; a build's commands (seed 001)."""

from datetime import datetime

from marshmallow import Schema, fields, pre_dump, validate

from api.representation.expand import Expand, ExpandArgs, expanded
from api.representation.links import absolute, build_commands_path, build_path, project_path, version_path
from api.representation.pagination import PageArgs, page_schema
from api.schemas.bodies import BodySchema
from api.schemas.common import CodeNameSchema, Timestamp
from domain.build import STATES

STATE_NAMES = {"triggered": "Triggered", "cloning": "Cloning", "installing": "Installing",
               "building": "Building", "finished": "Finished", "cancelled": "Cancelled"}


class BuildLinksSchema(Schema):
    _self = fields.String(data_key="_self")
    project = fields.String()
    version = fields.String()
    commands = fields.String()


class BuildUrlsSchema(Schema):
    """Pages of the hosting site (on the API's host) showing the build, its project and version."""

    build = fields.String()
    project = fields.String()
    version = fields.String()


def seconds_between(start: str, end: str | None) -> int | None:
    return None if end is None else round((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds())


class BuildSchema(Schema):
    # Where this object sits in `?expand=` paths: "" at the top, "last_build." inside a version...
    expand_prefix = ""

    id = fields.Integer()
    version = fields.String()
    project = fields.String()
    created = Timestamp()
    finished = Timestamp(allow_none=True)
    duration = fields.Integer(allow_none=True)
    state = fields.Nested(CodeNameSchema)
    success = fields.Boolean(allow_none=True)
    error = fields.String(allow_none=True)
    commit = fields.String(allow_none=True)
    config = fields.Dict(allow_none=True, metadata={"description": "only with expand=config"})
    urls = fields.Nested(BuildUrlsSchema)
    links = fields.Nested(BuildLinksSchema, data_key="_links")

    @pre_dump
    def shape(self, build: dict, **kwargs) -> dict:
        project, version = build["project_slug"], build["version_slug"]
        shaped = {
            **build,
            "project": project,
            "version": version,
            "duration": seconds_between(build["created"], build["finished"]),
            "state": {"code": build["state"], "name": STATE_NAMES.get(build["state"], build["state"].title())},
            "commit": build["commit_hash"],
            "urls": {
                "build": absolute(f"/projects/{project}/builds/{build['id']}/"),
                "project": absolute(f"/projects/{project}/"),
                "version": absolute(f"/projects/{project}/versions/{version}/"),
            },
            "links": {
                "_self": absolute(build_path(project, build["id"])),
                "project": absolute(project_path(project)),
                "version": absolute(version_path(project, version)),
                "commands": absolute(build_commands_path(project, build["id"])),
            },
        }
        if not expanded(self.expand_prefix + "config"):
            shaped.pop("config", None)
        return shaped


BuildPageSchema = page_schema(BuildSchema)


class BuildExpandArgs(ExpandArgs):
    expand = Expand("config")


class BuildListArgs(PageArgs, BuildExpandArgs):
    commit = fields.String()
    running = fields.Boolean()
    success = fields.Boolean()
    state = fields.String(validate=validate.OneOf(STATES))


class BuildTriggerSchema(BodySchema):
    version = fields.String(metadata={"description": "slug of the version to build; the default version if absent"})


class BuildCommandLinksSchema(Schema):
    _self = fields.String(data_key="_self")
    build = fields.String()
    version = fields.String()
    project = fields.String()


class BuildCommandSchema(Schema):
    id = fields.Integer()
    build = fields.Integer(metadata={"description": "the build's id"})
    command = fields.String()
    output = fields.String()
    exit_code = fields.Integer()
    created = Timestamp()  # when the command started
    finished = Timestamp()
    duration = fields.Integer()
    links = fields.Nested(BuildCommandLinksSchema, data_key="_links")

    @pre_dump
    def shape(self, command: dict, **kwargs) -> dict:
        project, build = command["project_slug"], command["build_id"]
        return {
            **command,
            "build": build,
            "duration": seconds_between(command["created"], command["finished"]),
            "links": {
                "_self": absolute(f"{build_commands_path(project, build)}{command['id']}/"),
                "build": absolute(build_path(project, build)),
                "version": absolute(version_path(project, command["version_slug"])),
                "project": absolute(project_path(project)),
            },
        }


BuildCommandPageSchema = page_schema(BuildCommandSchema)
