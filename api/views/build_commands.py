"""A build's commands (seed 001), as visible as the build itself. Recorded by the build worker."""

from flask import abort
from flask.views import MethodView

from api.blueprint import Blueprint
from api.context import services
from api.representation.pagination import PageArgs, envelope, limit_of
from api.schemas.builds import BuildCommandPageSchema, BuildCommandSchema
from api.views.builds import visible_build

blp = Blueprint(
    "build_commands", __name__, url_prefix="/api/v3/projects/<project_slug>/builds/<int(max=9223372036854775807):build_id>",
    description="Build commands",
)


@blp.route("/commands/")
class BuildCommandList(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, BuildCommandPageSchema)
    def get(self, args, project_slug, build_id):
        """The commands a build ran, in the order they ran."""
        visible_build(project_slug, build_id)
        return envelope(services().build_command_queries.list(build_id, limit_of(args), args["offset"]), args)


@blp.route("/commands/<int(max=9223372036854775807):command_id>/")  # BIGINT
class BuildCommandDetail(MethodView):
    @blp.response(200, BuildCommandSchema)
    def get(self, project_slug, build_id, command_id):
        """One command of a build: what ran, its output and exit code."""
        visible_build(project_slug, build_id)
        return services().build_command_queries.get(build_id, command_id) or abort(404)
