"""Absolute URLs of resources, built from the request's own host."""

from urllib.parse import urlsplit

from flask import request

from api.context import services
from artifacts.store import DOWNLOAD_FORMATS


def absolute(path: str) -> str:
    # Not `request.host_url`: werkzeug builds it through an IRI round trip on every request.
    return f"{request.scheme}://{request.host}{path}"


def project_path(slug: str) -> str:
    return f"/api/v3/projects/{slug}/"


def version_path(project_slug: str, version_slug: str) -> str:
    return f"/api/v3/projects/{project_slug}/versions/{version_slug}/"


def docs_url(project_slug: str, language: str, version_slug: str, single_version: bool = False) -> str:
    """Where a version's documentation is served (template DOCSPLANE_DOCS_URL); a single-version
    project's at its host's root, as the docs host serves it (`docshost.locate`)."""
    url = services().settings.docs_url.format(project=project_slug, language=language, version=version_slug, port=_port())
    if single_version:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}/"
    return url


def docs_origin(project_slug: str) -> str:
    """The scheme and host of a project's docs host (its downloads live at `/_/downloads/…` there)."""
    parts = urlsplit(docs_url(project_slug, "en", "latest"))
    return f"{parts.scheme}://{parts.netloc}"


def _port() -> str:
    """The API request's port as `{port}` writes it (":8000"; "" for none), so the docs host is reached
    where the API is (the embedded default serves both)."""
    host = request.host
    return "" if host.endswith("]") or ":" not in host else ":" + host.rsplit(":", 1)[1]


def build_path(project_slug: str, number: int) -> str:
    return f"/api/v3/projects/{project_slug}/builds/{number}/"


def subproject_path(parent_slug: str, alias: str) -> str:
    return f"/api/v3/projects/{parent_slug}/subprojects/{alias}/"


def maintainer_path(project_slug: str, username: str) -> str:
    return f"/api/v3/projects/{project_slug}/maintainers/{username}/"


def redirect_path(project_slug: str, number: int) -> str:
    return f"/api/v3/projects/{project_slug}/redirects/{number}/"


def environment_variable_path(project_slug: str, number: int) -> str:
    return f"/api/v3/projects/{project_slug}/environmentvariables/{number}/"


def notification_path(project_slug: str, type_: str, number: int | None = None) -> str:
    """A webhook's (type "webhook") or an email hook's (type "email") URL; their collection without a number."""
    path = f"/api/v3/projects/{project_slug}/notifications/{'webhooks' if type_ == 'webhook' else 'emails'}/"
    return path if number is None else f"{path}{number}/"


def build_commands_path(project_slug: str, number: int) -> str:
    return f"{build_path(project_slug, number)}commands/"


def downloads(project_slug: str, language: str, version_slug: str, formats: list[str]) -> dict[str, str]:
    """The offline formats a version has published (none: `{}`), at Read the Docs' URLs on the docs
    host: `{docs host}/_/downloads/{language}/{version}/{format}/`."""
    parts = urlsplit(docs_url(project_slug, language, version_slug))
    root = f"{parts.scheme}://{parts.netloc}/_/downloads/{language}/{version_slug}"
    return {kind: f"{root}/{kind}/" for kind in DOWNLOAD_FORMATS if kind in formats}
