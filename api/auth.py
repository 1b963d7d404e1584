"""Token authentication: `Authorization: Token <token>`, looked up by hash in the read model."""

from flask import g, request

from api.context import services
from api.errors import ApiError
from commands.users import hash_token

# Endpoints anyone may call: the API root and its OpenAPI description.
PUBLIC_ENDPOINTS = {"root.Root"}
# Endpoints where a token is optional: without one the caller is anonymous (g.user = None) and
# sees public projects only (the flyout menu is fetched by documentation pages).
OPTIONAL_AUTH_ENDPOINTS: set[str] = set()
CHALLENGE = {"WWW-Authenticate": 'Token realm="api"'}


def authenticate() -> None:
    """before_request: sets g.user, or answers 401."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in PUBLIC_ENDPOINTS or endpoint.startswith("api-docs."):
        return  # unknown URLs answer 404, not 401
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    if not token and endpoint in OPTIONAL_AUTH_ENDPOINTS:
        g.user = None
        return
    if not token:
        raise ApiError(401, "Authentication credentials were not provided. Send 'Authorization: Token <token>'.", CHALLENGE)
    if scheme.lower() != "token":
        raise ApiError(401, "Unsupported authorization scheme; use 'Authorization: Token <token>'.", CHALLENGE)
    username = services().read_model.username_for_token(hash_token(token.strip()))
    if username is None:
        raise ApiError(401, "Invalid token.", CHALLENGE)
    g.user = username
