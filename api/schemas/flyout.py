"""The flyout menu as JSON (seed 000, Version 4): what a documentation page's version menu shows."""

from marshmallow import Schema, fields, pre_dump

from api.representation.links import absolute, docs_url, downloads, project_path, version_path
from api.schemas.common import CodeNameSchema
from domain.rules.languages import LANGUAGES


class DocumentationUrlSchema(Schema):
    documentation = fields.String()


class FlyoutProjectSchema(Schema):
    slug = fields.String()
    name = fields.String()
    language = fields.Nested(CodeNameSchema)
    urls = fields.Nested(DocumentationUrlSchema, metadata={"description": "the default version's documentation"})


class FlyoutVersionSchema(Schema):
    slug = fields.String()
    verbose_name = fields.String()
    urls = fields.Nested(DocumentationUrlSchema)


class FlyoutTranslationSchema(Schema):
    slug = fields.String()
    language = fields.Nested(CodeNameSchema)
    urls = fields.Nested(DocumentationUrlSchema, metadata={"description": "the same version when it has it, else its default"})


class FlyoutSubprojectSchema(Schema):
    alias = fields.String()
    slug = fields.String()
    urls = fields.Nested(DocumentationUrlSchema)


class FlyoutLinksSchema(Schema):
    _self = fields.String(data_key="_self")
    project = fields.String()
    version = fields.String()


def language(code: str) -> dict:
    return {"code": code, "name": LANGUAGES.get(code)}


class FlyoutSchema(Schema):
    project = fields.Nested(FlyoutProjectSchema)
    version = fields.Nested(FlyoutVersionSchema, metadata={"description": "the version the page shows"})
    versions = fields.List(fields.Nested(FlyoutVersionSchema), metadata={"description": "active, not hidden"})
    downloads = fields.Dict(keys=fields.String(), values=fields.String())
    translations = fields.List(fields.Nested(FlyoutTranslationSchema))
    subprojects = fields.List(fields.Nested(FlyoutSubprojectSchema))
    links = fields.Nested(FlyoutLinksSchema, data_key="_links")

    @pre_dump
    def shape(self, menu: dict, **kwargs) -> dict:
        project, version = menu["project"], menu["version"]
        slug, lang = project["slug"], project["language"]

        def listed(v: dict) -> dict:
            return {**v, "urls": {"documentation": docs_url(slug, lang, v["slug"], bool(project.get("single_version")))}}

        return {
            "project": {**project, "language": language(lang),
                        "urls": {"documentation": docs_url(slug, lang, project["default_version"], bool(project.get("single_version")))}},
            "version": listed(version),
            "versions": [listed(v) for v in menu["versions"]],
            "downloads": downloads(slug, lang, version["slug"], version.get("published_formats", [])),
            "translations": [
                {**t, "language": language(t["language"]), "urls": {"documentation": docs_url(t["slug"], t["language"], t["version"])}}
                for t in menu["translations"]
            ],
            "subprojects": [
                {**s, "urls": {"documentation": docs_url(s["slug"], s["language"], s["version"])}} for s in menu["subprojects"]
            ],
            "links": {
                "_self": absolute(version_path(slug, version["slug"]) + "flyout/"),
                "project": absolute(project_path(slug)),
                "version": absolute(version_path(slug, version["slug"])),
            },
        }
