"""Subprojects: a parent's subproject relationships (list, create, detail, delete), and the
superproject a project is a subproject of."""

from flask import abort
from flask.views import MethodView

from api.blueprint import Blueprint
from api.context import current_user, services
from api.http.etag import if_match, tagged
from api.representation.links import absolute, subproject_path
from api.representation.pagination import PageArgs, envelope, limit_of
from api.access.scopes import token_projects
from api.schemas.projects import ProjectSchema
from api.schemas.subprojects import SubprojectCreateSchema, SubprojectPageSchema, SubprojectSchema
from api.views.projects import visible_project, visible_project_row
from api.writes import answer_write

blp = Blueprint("subprojects", __name__, url_prefix="/api/v3/projects/<project_slug>", description="Subprojects")


def visible_subproject(parent: dict, alias: str) -> dict:
    """A relationship whose child is private to the caller does not exist for them."""
    return services().project_relations.subproject(parent, current_user(), alias, token_projects()) or abort(404)


@blp.route("/subprojects/")
class SubprojectList(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, SubprojectPageSchema)
    def get(self, args, project_slug):
        """The project's subprojects."""
        parent = visible_project_row(project_slug)
        page = services().project_relations.subprojects(parent, current_user(), limit_of(args), args["offset"], token_projects())
        return envelope(page, args)

    @blp.arguments(SubprojectCreateSchema)
    @blp.response(201, SubprojectSchema)
    def post(self, body, project_slug):
        """Make `child` a subproject of this project (a maintainer of both)."""
        written = services().subprojects.add_subproject(current_user(), project_slug, body["child"], body["alias"])
        location = absolute(subproject_path(project_slug, written.value))
        return answer_write(written, location, lambda: visible_subproject(visible_project_row(project_slug), written.value), 201)


@blp.route("/subprojects/<alias_slug>/")
class SubprojectDetail(MethodView):
    @blp.response(200, SubprojectSchema)
    def get(self, project_slug, alias_slug):
        """A subproject relationship."""
        return tagged(visible_subproject(visible_project_row(project_slug), alias_slug))

    @blp.response(204)
    def delete(self, project_slug, alias_slug):
        """Remove the relationship (maintainers of the parent); both projects remain."""
        expected = if_match(lambda: visible_subproject(visible_project_row(project_slug), alias_slug))
        written = services().subprojects.remove_subproject(current_user(), project_slug, alias_slug, expected_version=expected)
        return answer_write(written, absolute(subproject_path(project_slug, alias_slug)))


@blp.route("/superproject/")
class Superproject(MethodView):
    @blp.response(200, ProjectSchema)
    def get(self, project_slug):
        """The project this one is a subproject of; 404 when it is none's (or the parent is private to the caller)."""
        parent_slug = visible_project_row(project_slug)["subproject_of"]
        if parent_slug is None:
            abort(404)
        return tagged(visible_project(parent_slug))
