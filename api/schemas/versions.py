"""Version resource: output shape (seed 002), list filters, the PATCH input."""

from marshmallow import Schema, fields, pre_dump, validate

from api.representation.expand import Expand, ExpandArgs, expanded
from api.representation.links import absolute, docs_url, downloads, project_path, version_path
from api.representation.pagination import PageArgs, page_schema
from api.schemas.bodies import BodySchema
from api.schemas.builds import BuildSchema
from api.schemas.common import UtcDateTime
from domain.version import VERSION_TYPES

STABLE = "stable"


class VersionDashboardSchema(Schema):
    edit = fields.String(metadata={"description": "the version's settings page on the dashboard"})


class VersionUrlsSchema(Schema):
    documentation = fields.String()
    vcs = fields.String()
    dashboard = fields.Nested(VersionDashboardSchema)


class VersionLinksSchema(Schema):
    _self = fields.String(data_key="_self")
    builds = fields.String()
    project = fields.String()


def vcs_url(repository_url: str, identifier: str) -> str:
    if repository_url.startswith("https://github.com/"):
        return f"{repository_url.rstrip('/').removesuffix('.git')}/tree/{identifier}"
    return repository_url


class VersionLastBuildSchema(BuildSchema):
    expand_prefix = "last_build."


class VersionSchema(Schema):
    expand_prefix = ""  # where this object sits in `?expand=` paths
    last_build_by_default = True  # seed 002's version details show it without expand

    id = fields.Integer()
    slug = fields.String()
    verbose_name = fields.String()
    identifier = fields.String()
    ref = fields.String(allow_none=True)
    built = fields.Boolean()
    active = fields.Boolean()
    hidden = fields.Boolean()
    privacy_level = fields.String()
    type = fields.String()
    aliases = fields.List(
        fields.Nested(lambda: AliasVersionSchema()),
        metadata={"description": "the active version this one stands for (stable: the newest release); else empty"},
    )
    last_build = fields.Nested(VersionLastBuildSchema, allow_none=True)
    downloads = fields.Dict(keys=fields.String(), values=fields.String())
    urls = fields.Nested(VersionUrlsSchema)
    links = fields.Nested(VersionLinksSchema, data_key="_links")

    @pre_dump
    def shape(self, version: dict, **kwargs) -> dict:
        project = version["project_slug"]
        root = absolute("")  # the request's host, looked up once
        url = f"{root}{version_path(project, version['slug'])}"
        shaped = {
            **version,
            "ref": version["alias_of"] if version["slug"] == STABLE else None,  # seed 002: stable's only
            "downloads": downloads(project, version.get("language", "en"), version["slug"], version.get("published_formats", [])),
            "urls": {
                "documentation": docs_url(project, version.get("language", "en"), version["slug"], bool(version.get("single_version"))),
                "vcs": vcs_url(version.get("repository_url") or "", version["identifier"]),  # NULL while the projects read model lags
                "dashboard": {"edit": f"{root}/dashboard/{project}/version/{version['slug']}/edit/"},  # Read the Docs' path
            },
            "links": {
                "_self": url,
                "builds": f"{url}builds/",
                "project": f"{root}{project_path(project)}",
            },
        }
        if not (self.last_build_by_default or expanded(self.expand_prefix + "last_build")):
            shaped.pop("last_build", None)
        return shaped


class AliasVersionSchema(VersionSchema):
    """The version an alias stands for, without its own aliases and last build."""

    class Meta:
        exclude = ("aliases", "last_build")


class ActiveVersionLastBuildSchema(BuildSchema):
    expand_prefix = "active_versions.last_build."


class ActiveVersionSchema(VersionSchema):
    """A project's active versions: their last build only with expand=active_versions.last_build."""

    expand_prefix = "active_versions."
    last_build_by_default = False
    last_build = fields.Nested(ActiveVersionLastBuildSchema, allow_none=True)


VersionPageSchema = page_schema(VersionSchema)


class VersionExpandArgs(ExpandArgs):
    expand = Expand("last_build", "last_build.config")


class VersionDetailArgs(VersionExpandArgs):
    as_of = UtcDateTime(metadata={"description": "the version as it was at this moment (ISO-8601), rebuilt from its events"})


class VersionListArgs(PageArgs, VersionExpandArgs):
    active = fields.Boolean()
    built = fields.Boolean()
    type = fields.String(validate=validate.OneOf(VERSION_TYPES))
    slug = fields.String(validate=validate.Length(max=255), metadata={"description": "versions whose slug contains this"})


class VersionUpdateSchema(BodySchema):
    # Unknown fields are ignored: the 001 seed's example also sends `tags`, which versions don't have.
    active = fields.Boolean()
    hidden = fields.Boolean()
    privacy_level = fields.String(validate=validate.OneOf(["public", "private"]))
