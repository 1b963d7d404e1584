"""Absolute URLs of resources, built from the request's own host."""

from flask import request

from api.context import services


def absolute(path: str) -> str:
    return request.host_url.rstrip("/") + path


def project_path(slug: str) -> str:
    return f"/api/v3/projects/{slug}/"


def version_path(project_slug: str, version_slug: str) -> str:
    return f"/api/v3/projects/{project_slug}/versions/{version_slug}/"


def docs_url(project_slug: str, language: str, version_slug: str) -> str:
    """Where a version's documentation is served (template DOCSPLANE_DOCS_URL)."""
    return services().settings.docs_url.format(project=project_slug, language=language, version=version_slug)


def build_path(project_slug: str, number: int) -> str:
    return f"/api/v3/projects/{project_slug}/builds/{number}/"
