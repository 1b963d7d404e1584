"""Build resource: output shape (seed 002) and the trigger input."""

from datetime import datetime

from marshmallow import EXCLUDE, Schema, fields, pre_dump

from api.links import absolute, build_path, project_path, version_path
from api.pagination import PageArgs, page_schema
from api.schemas.common import CodeNameSchema, Timestamp

STATE_NAMES = {"triggered": "Triggered", "cloning": "Cloning", "installing": "Installing",
               "building": "Building", "finished": "Finished", "cancelled": "Cancelled"}


class BuildLinksSchema(Schema):
    _self = fields.String(data_key="_self")
    project = fields.String()
    version = fields.String()


class BuildSchema(Schema):
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
    links = fields.Nested(BuildLinksSchema, data_key="_links")

    @pre_dump
    def shape(self, build: dict, **kwargs) -> dict:
        project, version = build["project_slug"], build["version_slug"]
        duration = None
        if build["finished"]:
            duration = round((datetime.fromisoformat(build["finished"]) - datetime.fromisoformat(build["created"])).total_seconds())
        return {
            **build,
            "project": project,
            "version": version,
            "duration": duration,
            "state": {"code": build["state"], "name": STATE_NAMES.get(build["state"], build["state"].title())},
            "commit": build["commit_hash"],
            "links": {
                "_self": absolute(build_path(project, build["id"])),
                "project": absolute(project_path(project)),
                "version": absolute(version_path(project, version)),
            },
        }


BuildPageSchema = page_schema(BuildSchema)


class BuildListArgs(PageArgs):
    commit = fields.String()
    running = fields.Boolean()


class BuildTriggerSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    version = fields.String(metadata={"description": "slug of the version to build; the default version if absent"})
