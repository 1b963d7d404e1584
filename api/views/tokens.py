"""The caller's own API tokens: list, issue (the plain token is answered once), detail, revoke.

Only a token for all of the user's projects reaches these routes, and only a write token issues or
revokes (the token scopes), so an issued token is never wider than the one that issued it."""

from dataclasses import asdict

from flask import abort
from flask.views import MethodView

from api.blueprint import Blueprint
from api.context import current_user, services
from api.http.etag import if_match, tagged
from api.representation.links import absolute
from api.representation.pagination import PageArgs, envelope, limit_of
from api.schemas.tokens import IssuedTokenSchema, TokenCreateSchema, TokenPageSchema, TokenSchema, token_path
from api.writes import answer_write, visible

blp = Blueprint("tokens", __name__, url_prefix="/api/v3/tokens", description="API tokens")

TOKEN_ID = "<int(max=9223372036854775807):token_id>"  # BIGINT


@blp.route("/")
class TokenList(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, TokenPageSchema)
    def get(self, args):
        """The caller's tokens (never the tokens themselves), oldest first."""
        page = services().token_queries.of_user(current_user(), limit_of(args), args["offset"])
        return envelope(page, args)

    @blp.arguments(TokenCreateSchema)
    @blp.response(201, IssuedTokenSchema)
    def post(self, body):
        """Issue a token limited to `projects` (null: all) and `access` ("read" or "write").

        The answer is the only time the token is shown. 202 (same body) when the read models are
        behind: the token authenticates once its Location answers 200."""
        written = services().users.issue_token(current_user(), actor=current_user(), **body)
        issued = written.value
        location = absolute(token_path(issued.id))
        return asdict(issued), 201 if visible(written) else 202, {"Location": location}


def own_token(token_id: int) -> dict:
    """One of the caller's tokens; another user's token is 404."""
    return services().token_queries.one(current_user(), token_id) or abort(404)


@blp.route(f"/{TOKEN_ID}/")
class TokenDetail(MethodView):
    @blp.response(200, TokenSchema)
    def get(self, token_id):
        """One of the caller's tokens."""
        return tagged(own_token(token_id))

    @blp.response(204)
    def delete(self, token_id):
        """Revoke one of the caller's tokens: once this answers 204 it no longer authenticates."""
        # A token never changes, so a stale If-Match can only be a wrong one (412); the version it
        # names is the user's at issuance, not one for the revoke command to require.
        if_match(lambda: own_token(token_id))
        written = services().users.revoke_token(current_user(), token_id, actor=current_user())
        return answer_write(written, absolute(token_path(token_id)))
