"""Project resource: output shape (seed 002), import and update inputs, list filters."""

from marshmallow import Schema, fields, pre_dump, validate

from api.context import current_user
from api.representation.expand import Expand, ExpandArgs, expanded
from api.representation.links import absolute, docs_url, project_path
from api.representation.pagination import PageArgs, page_schema
from api.schemas.bodies import BodySchema
from api.schemas.common import CodeNameSchema, Timestamp, UtcDateTime
from api.schemas.versions import ActiveVersionSchema
from domain.rules.languages import LANGUAGES, PROGRAMMING_LANGUAGES

URL_MAX = 1024  # repository and homepage URLs
NO_SPACES = validate.Regexp(r"^\S+$", error="must not contain spaces or control characters")


class RepositorySchema(Schema):
    url = fields.String(required=True, validate=[validate.Length(min=1, max=URL_MAX), NO_SPACES])
    type = fields.String(load_default="git", validate=validate.OneOf(["git"], error="only git repositories are supported"))


class ProjectUrlsSchema(Schema):
    documentation = fields.String()
    home = fields.String(allow_none=True)
    builds = fields.String()
    versions = fields.String()
    downloads = fields.String()


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
    environmentvariables = fields.String()
    notifications = fields.String()
    sync_versions = fields.String()
    maintainers = fields.String()


class PermissionsSchema(Schema):
    admin = fields.Boolean(metadata={"description": "the caller maintains the project"})


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
    versioning_scheme = fields.String()
    readthedocs_yaml_path = fields.String(allow_none=True, metadata={"description": "the configuration file's path in the repository; null: the root's"})
    external_builds_privacy_level = fields.String(metadata={"description": "privacy of pull-request builds"})
    subproject_of = fields.String(allow_none=True, metadata={"description": "the parent project's slug"})
    translation_of = fields.String(allow_none=True, metadata={"description": "the original project's slug"})
    urls = fields.Nested(ProjectUrlsSchema)
    tags = fields.List(fields.String())
    users = fields.List(fields.Nested(UserSchema))
    active_versions = fields.Dict(keys=fields.String(), values=fields.Nested(ActiveVersionSchema))
    permissions = fields.Nested(PermissionsSchema, metadata={"description": "only with expand=permissions"})
    organization = fields.Raw(allow_none=True, metadata={"description": "only with expand=organization: always null (docsplane has no organizations)"})
    links = fields.Nested(ProjectLinksSchema, data_key="_links")

    @pre_dump
    def shape(self, project: dict, **kwargs) -> dict:
        slug = project["slug"]
        root = absolute("")  # the request's host, looked up once for the dozen links below
        url = f"{root}{project_path(slug)}"
        return {
            **project,
            "language": {"code": project["language"], "name": LANGUAGES.get(project["language"])},
            "programming_language": {
                "code": project["programming_language"],
                "name": PROGRAMMING_LANGUAGES.get(project["programming_language"]),
            },
            "repository": {"url": project["repository_url"], "type": project["repository_type"]},
            "urls": {
                "documentation": docs_url(slug, project["language"], project["default_version"], project["single_version"]),
                "home": project["homepage"],
                # The dashboard's pages, on the host that serves the API (as readthedocs.org does).
                **{page: f"{root}/projects/{slug}/{page}/" for page in ("builds", "versions", "downloads")},
            },
            "users": [{"username": username} for username in project["users"]],
            "active_versions": {version["slug"]: version for version in project.get("active_versions", [])},
            **({"permissions": {"admin": current_user() in project["users"]}} if expanded("permissions") else {}),
            **({"organization": None} if expanded("organization") else {}),
            "links": {
                "_self": url,
                **{name: f"{url}{name}/" for name in
                   ("versions", "builds", "subprojects", "superproject", "redirects", "translations",
                    "environmentvariables", "notifications", "maintainers")},
                "sync_versions": f"{url}sync-versions/",
            },
        }


ProjectPageSchema = page_schema(ProjectSchema)


class ProjectExpandArgs(ExpandArgs):
    # `active_versions` is shown without asking (seed 002's example); expand reaches deeper.
    # `organization` and `teams` as readthedocs.org's community site answers them: no organization, no teams field.
    expand = Expand("active_versions", "active_versions.last_build", "active_versions.last_build.config", "permissions",
                    "organization", "teams")


class ProjectDetailArgs(ProjectExpandArgs):
    as_of = UtcDateTime(metadata={"description": "the project as it was at this moment (ISO-8601), rebuilt from its events"})


class ProjectListArgs(PageArgs, ProjectExpandArgs):
    language = fields.String()
    programming_language = fields.String()
    privacy_level = fields.String()
    name = fields.String(metadata={"description": "the name contains this (case-insensitive)"})
    slug = fields.String(metadata={"description": "the slug contains this (case-insensitive)"})
    created__gte = UtcDateTime(metadata={"description": "created at or after (ISO-8601)"})
    created__lte = UtcDateTime(metadata={"description": "created at or before (ISO-8601)"})


class ProjectSettingsSchema(BodySchema):
    """A project's settings, every one optional: what an update may change."""

    name = fields.String(validate=validate.Length(min=1, max=63))
    repository = fields.Nested(RepositorySchema)
    homepage = fields.URL(allow_none=True, validate=validate.Length(max=URL_MAX))
    language = fields.String()
    programming_language = fields.String()
    privacy_level = fields.String()
    default_version = fields.String(validate=validate.Length(min=1, max=255))
    default_branch = fields.String(allow_none=True, validate=validate.Length(max=255))
    analytics_code = fields.String(allow_none=True, validate=validate.Length(max=50))
    # Either spelling of single-version; the other follows (on import, default: multiple versions, with translations).
    single_version = fields.Boolean()
    versioning_scheme = fields.String()
    tags = fields.List(fields.String(validate=validate.Length(min=1, max=100)))
    readthedocs_yaml_path = fields.String(allow_none=True, validate=validate.Length(max=1024))
    external_builds_privacy_level = fields.String()
    translation_of = fields.String(allow_none=True, metadata={"description": "the original project's slug; null: none"})


class ProjectCreateSchema(ProjectSettingsSchema):
    """Import: `name` and `repository` required, the others defaulted as Read the Docs defaults them;
    the default version, analytics code and translation are set by an update."""

    class Meta(ProjectSettingsSchema.Meta):
        fields = ("name", "repository", "homepage", "language", "programming_language", "privacy_level", "default_branch",
                  "tags", "single_version", "versioning_scheme", "readthedocs_yaml_path", "external_builds_privacy_level")

    REQUIRED = ("name", "repository")
    DEFAULTS = {"homepage": None, "language": "en", "programming_language": "words", "privacy_level": "public",
                "default_branch": None, "tags": list}


class ProjectUpdateSchema(ProjectSettingsSchema):
    """PATCH: any of the settings."""


class ProjectPutSchema(ProjectUpdateSchema):
    """PUT, as Read the Docs' (Django REST framework's non-partial update): `name` and `repository` are
    required, the fields left out keep their values."""

    REQUIRED = ("name", "repository")
