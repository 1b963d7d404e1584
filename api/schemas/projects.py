"""Project resource: output shape (seed 002), import and update inputs, list filters."""

from marshmallow import EXCLUDE, Schema, fields, pre_dump, validate

from api.links import absolute, docs_url, project_path
from api.pagination import PageArgs, page_schema
from api.schemas.common import CodeNameSchema, Timestamp
from api.schemas.versions import VersionSchema
from domain.languages import LANGUAGES, PROGRAMMING_LANGUAGES

NO_SPACES = validate.Regexp(r"^\S+$", error="must not contain spaces or control characters")


class RepositorySchema(Schema):
    url = fields.String(required=True, validate=[validate.Length(min=1, max=1024), NO_SPACES])
    type = fields.String(load_default="git", validate=validate.OneOf(["git"], error="only git repositories are supported"))


class ProjectUrlsSchema(Schema):
    documentation = fields.String()
    home = fields.String(allow_none=True)


class UserSchema(Schema):
    username = fields.String()


class ProjectLinksSchema(Schema):
    _self = fields.String(data_key="_self")
    versions = fields.String()
    builds = fields.String()
    subprojects = fields.String()
    superproject = fields.String()
    redirects = fields.String()
    translations = fields.String()


class ProjectSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    slug = fields.String()
    created = Timestamp()
    modified = Timestamp()
    language = fields.Nested(CodeNameSchema)
    programming_language = fields.Nested(CodeNameSchema)
    repository = fields.Nested(RepositorySchema)
    homepage = fields.String(allow_none=True)
    default_version = fields.String()
    default_branch = fields.String(allow_none=True)
    privacy_level = fields.String()
    single_version = fields.Boolean()
    subproject_of = fields.String(allow_none=True)
    translation_of = fields.String(allow_none=True)
    urls = fields.Nested(ProjectUrlsSchema)
    tags = fields.List(fields.String())
    users = fields.List(fields.Nested(UserSchema))
    active_versions = fields.Dict(keys=fields.String(), values=fields.Nested(VersionSchema))
    links = fields.Nested(ProjectLinksSchema, data_key="_links")

    @pre_dump
    def shape(self, project: dict, **kwargs) -> dict:
        slug = project["slug"]
        path = project_path(slug)
        return {
            **project,
            "language": {"code": project["language"], "name": LANGUAGES.get(project["language"])},
            "programming_language": {
                "code": project["programming_language"],
                "name": PROGRAMMING_LANGUAGES.get(project["programming_language"]),
            },
            "repository": {"url": project["repository_url"], "type": project["repository_type"]},
            "urls": {
                "documentation": docs_url(slug, project["language"], project["default_version"]),
                "home": project["homepage"],
            },
            "users": [{"username": username} for username in project["users"]],
            "active_versions": {version["slug"]: version for version in project.get("active_versions", [])},
            "links": {
                "_self": absolute(path),
                **{name: absolute(f"{path}{name}/") for name in
                   ("versions", "builds", "subprojects", "superproject", "redirects", "translations")},
            },
        }


ProjectPageSchema = page_schema(ProjectSchema)


class ProjectListArgs(PageArgs):
    language = fields.String()
    programming_language = fields.String()
    privacy_level = fields.String()


class ProjectCreateSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    name = fields.String(required=True, validate=validate.Length(min=1, max=63))
    repository = fields.Nested(RepositorySchema, required=True)
    homepage = fields.URL(allow_none=True, load_default=None)
    language = fields.String(load_default="en")
    programming_language = fields.String(load_default="words")
    privacy_level = fields.String(load_default="public")
    default_branch = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=255))
    tags = fields.List(fields.String(validate=validate.Length(min=1, max=100)), load_default=list)
    single_version = fields.Boolean(load_default=False)


class ProjectUpdateSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    name = fields.String(validate=validate.Length(min=1, max=63))
    repository = fields.Nested(RepositorySchema)
    homepage = fields.URL(allow_none=True)
    language = fields.String()
    programming_language = fields.String()
    privacy_level = fields.String()
    default_version = fields.String(validate=validate.Length(min=1, max=255))
    default_branch = fields.String(allow_none=True, validate=validate.Length(max=255))
    analytics_code = fields.String(allow_none=True, validate=validate.Length(max=50))
    single_version = fields.Boolean()
    tags = fields.List(fields.String(validate=validate.Length(min=1, max=100)))
