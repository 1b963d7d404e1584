"""Redirects of a project: list, create, detail, change (PATCH, PUT), delete. Maintainers only (as on Read the Docs)."""

from flask import abort
from flask.views import MethodView

from api.blueprint import Blueprint
from api.context import current_user, services
from api.http.etag import if_match, tagged
from api.representation.links import absolute, redirect_path
from api.representation.pagination import PageArgs, envelope, limit_of
from api.access.project_access import maintained_project
from api.schemas.redirects import RedirectBodySchema, RedirectPageSchema, RedirectPatchSchema, RedirectSchema
from api.writes import answer_write

blp = Blueprint("redirects", __name__, url_prefix="/api/v3/projects/<project_slug>/redirects", description="Redirects")


def redirect_of(project_slug: str, number: int) -> dict:
    project = maintained_project(project_slug)
    return services().redirect_queries.get(project["aggregate_id"], number) or abort(404)


def changed(project_slug: str, number: int, changes: dict):
    expected = if_match(lambda: redirect_of(project_slug, number))
    written = services().redirects.change_redirect(current_user(), project_slug, number, changes, expected_version=expected)
    return answer_write(written, absolute(redirect_path(project_slug, number)), lambda: redirect_of(project_slug, number))


@blp.route("/")
class RedirectList(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, RedirectPageSchema)
    def get(self, args, project_slug):
        """The project's redirects, ordered by `position` (the order they are tried in)."""
        project = maintained_project(project_slug)
        return envelope(services().redirect_queries.list(project["aggregate_id"], limit_of(args), args["offset"]), args)

    @blp.arguments(RedirectBodySchema)
    @blp.response(201, RedirectSchema)
    def post(self, body, project_slug):
        """Create a redirect (at `position`, default 0: the others move down). `prefix` needs `from_url`; `page` and `exact` need both URLs."""
        written = services().redirects.create_redirect(current_user(), project_slug, **body)
        location = absolute(redirect_path(project_slug, written.value))
        return answer_write(written, location, lambda: redirect_of(project_slug, written.value), 201)


@blp.route("/<int(max=9223372036854775807):redirect_id>/")  # BIGINT
class RedirectDetail(MethodView):
    @blp.response(200, RedirectSchema)
    def get(self, project_slug, redirect_id):
        """A redirect's details."""
        return tagged(redirect_of(project_slug, redirect_id))

    @blp.arguments(RedirectBodySchema)
    @blp.response(200, RedirectSchema)
    def put(self, body, project_slug, redirect_id):
        """Change the redirect: `type` required, the fields left out keep their values (as Read the Docs);
        with If-Match, only if it still has that ETag."""
        return changed(project_slug, redirect_id, body)

    @blp.arguments(RedirectPatchSchema)
    @blp.response(200, RedirectSchema)
    def patch(self, body, project_slug, redirect_id):
        """Change the given fields of the redirect; with If-Match, only if it still has that ETag."""
        return changed(project_slug, redirect_id, body)

    @blp.response(204)
    def delete(self, project_slug, redirect_id):
        """Delete a redirect; with If-Match, only if it still has that ETag."""
        expected = if_match(lambda: redirect_of(project_slug, redirect_id))
        written = services().redirects.delete_redirect(current_user(), project_slug, redirect_id, expected_version=expected)
        return answer_write(written, absolute(redirect_path(project_slug, redirect_id)))
