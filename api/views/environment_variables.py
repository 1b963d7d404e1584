"""Environment variables of a project: list, create, detail, delete. Maintainers only.
The value is write-only: accepted on create, never answered."""

from flask import abort
from flask.views import MethodView

from api.blueprint import Blueprint
from api.context import current_user, services
from api.http.etag import if_match, tagged
from api.representation.links import absolute, environment_variable_path
from api.representation.pagination import PageArgs, envelope, limit_of
from api.access.project_access import maintained_project
from api.schemas.environment_variables import (
    EnvironmentVariableCreateSchema,
    EnvironmentVariablePageSchema,
    EnvironmentVariableSchema,
)
from api.writes import answer_write

blp = Blueprint(
    "environment_variables", __name__, url_prefix="/api/v3/projects/<project_slug>/environmentvariables",
    description="Environment variables",
)


def variable_of(project_slug: str, number: int) -> dict:
    project = maintained_project(project_slug)
    return services().environment_variable_queries.get(project["aggregate_id"], number) or abort(404)


@blp.route("/")
class EnvironmentVariableList(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, EnvironmentVariablePageSchema)
    def get(self, args, project_slug):
        """The project's environment variables (names only), in the order they were created."""
        project = maintained_project(project_slug)
        page = services().environment_variable_queries.list(project["aggregate_id"], limit_of(args), args["offset"])
        return envelope(page, args)

    @blp.arguments(EnvironmentVariableCreateSchema)
    @blp.response(201, EnvironmentVariableSchema)
    def post(self, body, project_slug):
        """Create a variable for the project's builds; its value is stored encrypted."""
        written = services().environment_variables.create_environment_variable(current_user(), project_slug, **body)
        location = absolute(environment_variable_path(project_slug, written.value))
        return answer_write(written, location, lambda: variable_of(project_slug, written.value), 201)


@blp.route("/<int(max=9223372036854775807):environmentvariable_id>/")  # BIGINT
class EnvironmentVariableDetail(MethodView):
    @blp.response(200, EnvironmentVariableSchema)
    def get(self, project_slug, environmentvariable_id):
        """A variable's details (never its value)."""
        return tagged(variable_of(project_slug, environmentvariable_id))

    @blp.response(204)
    def delete(self, project_slug, environmentvariable_id):
        """Delete a variable; later builds no longer get it. With If-Match, only if it still has that ETag."""
        expected = if_match(lambda: variable_of(project_slug, environmentvariable_id))
        written = services().environment_variables.delete_environment_variable(
            current_user(), project_slug, environmentvariable_id, expected_version=expected
        )
        return answer_write(written, absolute(environment_variable_path(project_slug, environmentvariable_id)))
