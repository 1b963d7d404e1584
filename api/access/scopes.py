"""Token scopes, enforced here for every route (views cannot forget it): a token's `access` and
`projects` only ever narrow what its user may do, never widen it.

- A read token may use only the safe methods (GET, HEAD, OPTIONS): anything else is 403.
- A token limited to some projects gets 403 on any route whose `project_slug` is not one of them
  (403 rather than 404, with the reason: the answer is the same whether or not the project
  exists, so it reveals nothing), and on every write outside a project (importing a project,
  managing tokens) and every route of UNSCOPED_ENDPOINTS. Its GET /projects/ lists only its projects.
  A write naming another project in its body (BODY_PROJECTS) needs that project in scope too.
- Where a token is optional (the flyout menu), a token whose scope excludes the route grants
  nothing: the caller is served as anonymous, never worse.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, request

from api.errors import ApiError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Routes outside any project that even a GET may not reach with a project-limited token: a
# user's tokens name all of the user's projects.
UNSCOPED_ENDPOINTS = {"tokens.TokenList", "tokens.TokenDetail"}
# Body fields naming a project that a write changes besides the route's own: a new subproject's
# `child`, the original a project becomes a `translation_of`.
BODY_PROJECTS = {"subprojects.SubprojectList": "child", "projects.ProjectDetail": "translation_of"}


@dataclass(frozen=True)
class Scope:
    projects: list[str] | None  # None: every project of the user
    access: str  # "read" | "write"

    def refusal(self, project_slug: str) -> str | None:
        if self.projects is None or project_slug in self.projects:
            return None
        return f"This token is not valid for project '{project_slug}'; it is limited to: {', '.join(self.projects)}."


def _refusal(scope: Scope) -> str | None:
    """Why the token's scope excludes this request, or None."""
    if request.method not in SAFE_METHODS and scope.access != "write":
        return "This token is read-only."
    if scope.projects is None:
        return None
    slug = (request.view_args or {}).get("project_slug")
    if slug is not None:
        return scope.refusal(slug)
    if request.method not in SAFE_METHODS or request.endpoint in UNSCOPED_ENDPOINTS:
        return "This token is limited to some projects; this needs a token for all your projects."
    return None


def authorize(scope: Scope, optional: bool = False) -> bool:
    """Right after authentication: True when the request may use the token. Otherwise 403, or
    False where a token is `optional` (the caller then acts as anonymous)."""
    reason = _refusal(scope)
    if reason is None:
        g.scope = scope
        return True
    if optional:
        return False
    raise ApiError(403, reason)


def authorize_body() -> None:
    """before_request, once the body is parsed: a write whose body names another project than the
    route's (BODY_PROJECTS) needs a token valid for that project too."""
    scope, field = g.get("scope"), BODY_PROJECTS.get(request.endpoint)
    body = g.get("json_body")
    if scope is None or field is None or request.method in SAFE_METHODS or not isinstance(body, dict):
        return
    reason = scope.refusal(body[field]) if isinstance(body.get(field), str) else None
    if reason is not None:
        raise ApiError(403, reason)


def token_projects() -> list[str] | None:
    """The projects the caller's token is limited to (None: no limit, or an anonymous caller)."""
    scope = g.get("scope")
    return None if scope is None else scope.projects
