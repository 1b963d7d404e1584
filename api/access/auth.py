"""Token authentication: `Authorization: Token <token>`, looked up by hash in the read model;
then the token's scope is checked (`scopes.authorize`)."""

from flask import g, request

from api.browsable.html_answers import TOKEN_COOKIE
from api.context import services
from api.errors import ApiError
from api.access.scopes import Scope, authorize
from commands.users import hash_token

# Endpoints anyone may call: the API root and its OpenAPI description; the health report (load balancers).
PUBLIC_ENDPOINTS = {"root.Root", "health.Health"}
# Endpoints where a token is optional: without one the caller is anonymous (g.user = None) and
# sees public projects only (the flyout menu is fetched by documentation pages).
OPTIONAL_AUTH_ENDPOINTS: set[str] = {"flyout.Flyout"}
# Read the Docs' ReadOnlyPermission: a GET of a public project's detail, versions, builds, subprojects
# and translations needs no token (the caller is anonymous and sees public projects only); listing
# /projects/ and the maintainers-only resources (redirects, environment variables...) still need one.
ANONYMOUS_READS = {
    "projects.ProjectDetail", "versions.VersionList", "versions.VersionDetail", "versions.VersionDetailSingular",
    "builds.ProjectBuilds", "builds.LatestBuild", "builds.BuildDetail", "builds.VersionBuilds",
    "builds.VersionBuildsSingular", "build_commands.BuildCommandList", "build_commands.BuildCommandDetail",
    "subprojects.SubprojectList", "subprojects.SubprojectDetail", "subprojects.Superproject",
    "translations.TranslationList",
}
OPTIONAL_AUTH_BLUEPRINTS = ("dashboard.",)  # the dashboard's pages: public projects for anyone
CHALLENGE = {"WWW-Authenticate": 'Token realm="api"'}


def authenticate() -> None:
    """before_request: sets g.user, or answers 401 (403 when the token's scope excludes the route)."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in PUBLIC_ENDPOINTS or endpoint.startswith(("api-docs.", "api-docs-assets.")):
        return  # unknown URLs answer 404, not 401
    header = request.headers.get("Authorization", "").strip()
    scheme, _, token = header.partition(" ")
    if not token and request.method in ("GET", "HEAD"):
        # The browsable API's cookie, for safe methods only: a browser sends cookies with requests
        # other sites make it send, so a write authenticated by one could be forged (CSRF).
        scheme, token = "Token", request.cookies.get(TOKEN_COOKIE, "")
    optional = endpoint in OPTIONAL_AUTH_ENDPOINTS or endpoint.startswith(OPTIONAL_AUTH_BLUEPRINTS)
    if not token and not header and (optional or anonymous_read(request.method, endpoint)):
        g.user = None
        return
    if not token and header:  # as Django REST framework answers "Authorization: Token" without one
        raise ApiError(401, "Invalid token header. No credentials provided.", CHALLENGE)
    if not token:
        raise ApiError(401, "Authentication credentials were not provided. Send 'Authorization: Token <token>'.", CHALLENGE)
    if scheme.lower() != "token":
        raise ApiError(401, "Unsupported authorization scheme; use 'Authorization: Token <token>'.", CHALLENGE)
    found = services().token_queries.by_hash(hash_token(token.strip()), cached=request.method in ("GET", "HEAD"))
    if found is None:  # unknown, or revoked
        raise ApiError(401, "Invalid token.", CHALLENGE)
    within_scope = authorize(Scope(found["projects"], found["access"]), optional=optional)
    g.user = found["username"] if within_scope else None  # out of scope where no token is needed: anonymous


def anonymous_read(method: str, endpoint: str | None) -> bool:
    return method.upper() in ("GET", "HEAD") and endpoint in ANONYMOUS_READS
