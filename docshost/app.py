"""The docs host: a WSGI app of its own that serves projects' published documentation on
`{project}.{docs domain}`, reading read models only. `docsplane serve` dispatches docs hosts to it;
`docsplane docs-server` and `docsplane.wsgi:docs_app` run it alone."""

from __future__ import annotations

import re

from werkzeug.wrappers import Request, Response

from docshost.access import reader
from docshost.decide import Decider, NotBuilt, NotFound, Redirect
from docshost.grants import COOKIE
from docshost.hosts import docs_domain, project_slug
from docshost.pages import not_built, not_found
from docshost.respond import COMMON, file_answer, page_answer, redirect_answer
from docsplane.unavailable import UNAVAILABLE_ERRORS, unavailable_store

MAX_PATH = 4096  # longer paths are no page of any build
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
GRANT_PATH = "/_/grant/"


def safe_next(path: str) -> str:
    """A path on this host to go on to after signing in; never another host."""
    return path if path.startswith("/") and not path.startswith(("//", "/\\")) else "/"


class DocsHost:
    def __init__(self, docsplane):
        settings = docsplane.settings
        self.domain = docs_domain(settings.docs_url)
        self.accel_prefix = settings.docs_accel_redirect
        self.tokens, self.grants = docsplane.token_queries, docsplane.docs_grants
        self.decider = Decider(docsplane.docs_queries, docsplane.artifacts)

    def __call__(self, environ, start_response):
        try:
            response = self.answer(Request(environ))
        except UNAVAILABLE_ERRORS as error:  # the read models' database is away: say so, briefly
            if unavailable_store(error) is None:
                raise
            response = Response("Service Unavailable: the documentation index cannot be read; retry shortly.", 503,
                                {**COMMON, "Retry-After": "5", "Cache-Control": "no-store"}, mimetype="text/plain")
        return response(environ, start_response)

    def answer(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return Response("Method Not Allowed", 405, {**COMMON, "Allow": "GET, HEAD"}, mimetype="text/plain")
        path, project = request.path, project_slug(request.host, self.domain)
        if path == GRANT_PATH:
            return self.sign_in(request, project)
        who = reader(request.headers.get("Authorization", ""), request.cookies.get(COOKIE, ""), self.tokens, self.grants, project)
        if len(path) > MAX_PATH or CONTROL.search(path):  # no file has such a name; and never into a Location
            return self.missing(NotFound(None, who), path, request)
        decision = self.decider.decide(project, path, who)
        if isinstance(decision, Redirect):
            return redirect_answer(decision, request.query_string.decode("latin-1"))
        if isinstance(decision, NotFound):
            return self.missing(decision, path, request)
        if isinstance(decision, NotBuilt):
            return page_answer(not_built(decision.project, decision.version, decision.home), 200)
        return file_answer(decision, request.environ, self.accel_prefix)

    def sign_in(self, request: Request, project: str | None) -> Response:
        """A grant from the API (its dashboard's docs-access link) becomes this host's cookie; then on to `next`."""
        grant = request.args.get("grant", "")
        if not project or self.grants.holder(grant, project) is None:
            return page_answer(not_found(request.path, None), 404)
        response = redirect_answer(Redirect(safe_next(request.args.get("next", "/"))), "")
        response.set_cookie(COOKIE, grant, max_age=self.grants.ttl, path="/", httponly=True, samesite="Lax",
                            secure=request.scheme == "https")
        return response

    def missing(self, missing: NotFound, path: str, request: Request) -> Response:
        own = self.decider.not_found_page(missing)
        if own is not None:
            return file_answer(own, request.environ, self.accel_prefix)
        home = "/" if missing.project is not None else None
        return page_answer(not_found(path, home), 404)
