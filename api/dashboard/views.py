"""The dashboard's pages: project, versions, version, builds, build (its state, commands and output),
downloads; a download's dashboard URL leads to the docs host, which serves the file. A page shows what
the caller may see through the API (a token header, or the browsable API's cookie): else 404."""

from __future__ import annotations

import secrets

from urllib.parse import urlencode, urlsplit

from flask import Blueprint, abort, current_app, g, redirect, request

from api.context import current_user, services
from api.dashboard import templates
from api.representation.links import absolute, docs_origin, docs_url, project_path
from api.access.scopes import token_projects

blp = Blueprint("dashboard", __name__)
PROJECT = "/projects/<project_slug>"
MAX_LISTED = 1000


def _project(slug: str) -> dict:
    return services().read_model.project(slug, g.get("user"), token_projects()) or abort(404)


def _page(template: str, title: str, project: dict, **context) -> tuple[str, int, dict]:
    env = current_app.jinja_env
    nonce = secrets.token_urlsafe(16)

    def docs_of(version: dict) -> str:
        """A version's docs; a private one's through a grant for the maintainer's browser (docs_access)."""
        url = docs_url(project["slug"], project["language"], version["slug"], project["single_version"])
        if "private" not in (project["privacy_level"], version["privacy_level"]) or g.get("user") not in project["users"]:
            return url
        return f"/projects/{project['slug']}/docs-access/?{urlencode({'next': urlsplit(url).path})}"

    body = env.from_string(template).render(
        layout=env.from_string(templates.LAYOUT), title=title, project=project, nonce=nonce, docs_of=docs_of,
        docs=docs_url(project["slug"], project["language"], project["default_version"], project["single_version"]),
        api=absolute(project_path(project["slug"])), **context)
    headers = {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "private, no-cache", "X-Content-Type-Options": "nosniff",
               "Content-Security-Policy": f"default-src 'none'; style-src 'nonce-{nonce}'; base-uri 'none'; frame-ancestors 'none'"}
    return body, 200, headers


def _versions(project: dict, **filters) -> list[dict]:
    return services().read_model.versions(project, g.get("user"), filters, MAX_LISTED, 0).results


def _builds(project: dict, version_slug: str | None = None) -> list[dict]:
    outsider = g.get("user") not in project["users"]
    return services().read_model.builds(project["slug"], {}, MAX_LISTED, 0, version_slug, public_versions_only=outsider).results


@blp.get(f"{PROJECT}/")
def project(project_slug):
    found = _project(project_slug)
    return _page(templates.PROJECT, found["name"], found, versions=_versions(found, active=True),
                 maintainer=g.get("user") in found["users"])


@blp.get(f"{PROJECT}/versions/")
def versions(project_slug):
    found = _project(project_slug)
    return _page(templates.VERSIONS, f"Versions of {found['name']}", found, versions=_versions(found))


@blp.get(f"{PROJECT}/versions/<version_slug>/")
@blp.get("/dashboard/<project_slug>/version/<version_slug>/edit/", endpoint="version_edit")  # Read the Docs' `urls.dashboard.edit`
def version(project_slug, version_slug):
    found = _project(project_slug)
    shown = services().read_model.version(found, g.get("user"), version_slug) or abort(404)
    return _page(templates.VERSION, f"{found['name']} {shown['verbose_name']}", found, version=shown,
                 builds=_builds(found, version_slug), maintainer=g.get("user") in found["users"])


@blp.get(f"{PROJECT}/builds/")
def builds(project_slug):
    found = _project(project_slug)
    return _page(templates.BUILDS, f"Builds of {found['name']}", found, builds=_builds(found))


@blp.get(f"{PROJECT}/builds/<int(max=9223372036854775807):build_id>/")
def build(project_slug, build_id):
    found = _project(project_slug)
    shown = services().read_model.build(project_slug, build_id, public_versions_only=g.get("user") not in found["users"]) or abort(404)
    commands = services().build_command_queries.list(build_id, MAX_LISTED, 0).results
    return _page(templates.BUILD, f"Build #{build_id} of {found['name']}", found, build=shown, commands=commands)


@blp.get(f"{PROJECT}/downloads/")
def downloads(project_slug):
    found = _project(project_slug)
    listed = services().docs_queries.downloadable(found["slug"], public_only=g.get("user") not in found["users"])
    return _page(templates.DOWNLOADS, f"Downloads of {found['name']}", found, versions=listed)


@blp.get(f"{PROJECT}/downloads/<kind>/<version_slug>/")
def download(project_slug, kind, version_slug):
    """Served by the docs host, never from the API's origin."""
    found = _project(project_slug)
    return redirect(f"{docs_origin(found['slug'])}/_/downloads/{found['language']}/{version_slug}/{kind}/", 302)


@blp.get(f"{PROJECT}/docs-access/")
def docs_access(project_slug):
    """A maintainer's browser, signed in here, gets a short-lived grant to read this project's private
    docs on its docs host; `next`: the page to open there."""
    found = _project(project_slug)
    if g.get("user") not in found["users"]:
        abort(404)
    query = urlencode({"grant": services().docs_grants.issue(g.user, found["slug"]), "next": request.args.get("next", "/")})
    return redirect(f"{docs_origin(found['slug'])}/_/grant/?{query}", 302), {"Cache-Control": "no-store"}
