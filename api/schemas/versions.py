"""Version resource: output shape (seed 002) and the PATCH input."""

from marshmallow import EXCLUDE, Schema, fields, pre_dump, validate

from api.links import absolute, docs_url, project_path, version_path
from api.pagination import PageArgs, page_schema
from api.schemas.builds import BuildSchema


class VersionUrlsSchema(Schema):
    documentation = fields.String()
    vcs = fields.String()


class VersionLinksSchema(Schema):
    _self = fields.String(data_key="_self")
    builds = fields.String()
    project = fields.String()


def vcs_url(repository_url: str, identifier: str) -> str:
    if repository_url.startswith("https://github.com/"):
        return f"{repository_url.rstrip('/').removesuffix('.git')}/tree/{identifier}"
    return repository_url


class VersionSchema(Schema):
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
    last_build = fields.Nested(BuildSchema, allow_none=True)
    downloads = fields.Dict(keys=fields.String(), values=fields.String())
    urls = fields.Nested(VersionUrlsSchema)
    links = fields.Nested(VersionLinksSchema, data_key="_links")

    @pre_dump
    def shape(self, version: dict, **kwargs) -> dict:
        project = version["project_slug"]
        path = version_path(project, version["slug"])
        return {
            **version,
            "ref": None,  # only `stable` points at another version, and docsplane has no `stable` yet
            "downloads": {},  # only HTML is built; PDF/ePub/zip downloads are not produced
            "urls": {
                "documentation": docs_url(project, version.get("language", "en"), version["slug"]),
                "vcs": vcs_url(version.get("repository_url") or "", version["identifier"]),  # NULL while the projects read model lags
            },
            "links": {
                "_self": absolute(path),
                "builds": absolute(path + "builds/"),
                "project": absolute(project_path(project)),
            },
        }


VersionPageSchema = page_schema(VersionSchema)


class VersionListArgs(PageArgs):
    active = fields.Boolean()
    built = fields.Boolean()


class VersionUpdateSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # the 001 seed's example also sends `tags`, which versions don't have

    active = fields.Boolean()
    hidden = fields.Boolean()
    privacy_level = fields.String(validate=validate.OneOf(["public", "private"]))
