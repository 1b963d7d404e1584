"""Maintainers: the users who may change a project (list, add, detail, remove; never the last)."""

from flask import abort
from flask.views import MethodView

from api.blueprint import Blueprint
from api.context import current_user, services
from api.http.etag import if_match, tagged
from api.representation.links import absolute, maintainer_path
from api.representation.pagination import PageArgs, envelope, limit_of
from api.schemas.maintainers import MaintainerCreateSchema, MaintainerPageSchema, MaintainerSchema
from api.views.projects import visible_project_row
from api.writes import answer_write

blp = Blueprint("maintainers", __name__, url_prefix="/api/v3/projects/<project_slug>", description="Maintainers")


def visible_maintainer(project_slug: str, username: str) -> dict:
    return services().project_relations.maintainer(visible_project_row(project_slug), username) or abort(404)


@blp.route("/maintainers/")
class MaintainerList(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, MaintainerPageSchema)
    def get(self, args, project_slug):
        """The project's maintainers, by username."""
        project = visible_project_row(project_slug)
        return envelope(services().project_relations.maintainers(project, limit_of(args), args["offset"]), args)

    @blp.arguments(MaintainerCreateSchema)
    @blp.response(201, MaintainerSchema)
    def post(self, body, project_slug):
        """Add an existing user as a maintainer (maintainers only)."""
        written = services().maintainers.add_maintainer(current_user(), project_slug, body["username"])
        location = absolute(maintainer_path(project_slug, written.value))
        return answer_write(written, location, lambda: visible_maintainer(project_slug, written.value), 201)


@blp.route("/maintainers/<username>/")
class MaintainerDetail(MethodView):
    @blp.response(200, MaintainerSchema)
    def get(self, project_slug, username):
        """One maintainer."""
        return tagged(visible_maintainer(project_slug, username))

    @blp.response(204)
    def delete(self, project_slug, username):
        """Remove a maintainer (maintainers only); the last one stays (422)."""
        expected = if_match(lambda: visible_maintainer(project_slug, username))
        written = services().maintainers.remove_maintainer(current_user(), project_slug, username, expected_version=expected)
        return answer_write(written, absolute(maintainer_path(project_slug, username)))
