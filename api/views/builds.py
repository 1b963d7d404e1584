"""Builds: trigger (for the default or a named version), list, detail, latest, cancel."""

from flask import Response, abort
from flask.views import MethodView
from marshmallow import Schema, fields

from api.blueprint import Blueprint
from api.context import current_user, services
from api.representation.links import absolute, build_path
from api.representation.pagination import envelope, limit_of
from api.access.scopes import token_projects
from api.schemas.builds import BuildExpandArgs, BuildListArgs, BuildPageSchema, BuildSchema, BuildTriggerSchema
from api.schemas.errors import AcceptedSchema, ErrorSchema
from api.schemas.projects import ProjectSchema
from api.schemas.versions import VersionSchema
from api.views.projects import visible_project
from api.views.versions import visible_version
from api.writes import accepted, answer_write

blp = Blueprint("builds", __name__, url_prefix="/api/v3/projects/<project_slug>", description="Builds")


class BuildTriggeredSchema(Schema):
    build = fields.Nested(BuildSchema)
    triggered = fields.Boolean(metadata={"description": "always true: a build was made (as Read the Docs answers)"})
    project = fields.Nested(ProjectSchema)
    version = fields.Nested(VersionSchema)


def outsider(project: dict) -> bool:
    """Non-maintainers see only builds of public versions."""
    return current_user() not in project["users"]


def visible_build(project_slug: str, build_id: int) -> dict:
    project = visible_project(project_slug)
    return services().read_model.build(project_slug, build_id, public_versions_only=outsider(project)) or abort(404)


def trigger(project_slug: str, version_slug: str | None, version_in_body: bool = False):
    written = services().builds.trigger_build(current_user(), project_slug, version_slug, version_in_body)
    location = absolute(build_path(project_slug, written.value))
    return answer_write(written, location, lambda: triggered(project_slug, written.value), 201)


def triggered(project_slug: str, build_id: int) -> dict:
    """The build with its project and version, as Read the Docs answers a trigger."""
    answer = services().read_model.triggered_build(project_slug, build_id, current_user(), token_projects()) or abort(404)
    return {**answer, "triggered": True}


@blp.route("/builds/")
class ProjectBuilds(MethodView):
    @blp.arguments(BuildListArgs, location="query")
    @blp.response(200, BuildPageSchema)
    def get(self, args, project_slug):
        """All builds of a project, newest first."""
        project = visible_project(project_slug)
        page = services().read_model.builds(
            project_slug, args, limit_of(args), args["offset"], public_versions_only=outsider(project)
        )
        return envelope(page, args)

    @blp.arguments(BuildTriggerSchema)
    @blp.response(201, BuildTriggeredSchema)
    def post(self, body, project_slug):
        """Trigger a build of `version`, or of the project's default version."""
        return trigger(project_slug, body.get("version"), version_in_body=True)


@blp.route("/builds/latest/")
class LatestBuild(MethodView):
    @blp.arguments(BuildExpandArgs, location="query")  # read by the schemas (`expanded`)
    @blp.response(200, BuildSchema)
    def get(self, args, project_slug):
        """The project's most recent build."""
        project = visible_project(project_slug)
        return services().read_model.latest_build(project_slug, public_versions_only=outsider(project)) or abort(404)


@blp.route("/builds/<int(max=9223372036854775807):build_id>/")  # BIGINT
class BuildDetail(MethodView):
    @blp.arguments(BuildExpandArgs, location="query")  # read by the schemas (`expanded`)
    @blp.response(200, BuildSchema)
    def get(self, args, project_slug, build_id):
        """A build's details."""
        return visible_build(project_slug, build_id)


@blp.route("/builds/<int(max=9223372036854775807):build_id>/cancel/")
class BuildCancel(MethodView):
    @blp.response(202, AcceptedSchema, description="The build is running: its worker stops it shortly.")
    @blp.alt_response(204, description="The build had not started: it has finished, cancelled.")
    @blp.alt_response(409, schema=ErrorSchema, description="The build had already finished; nothing changed.")
    def post(self, project_slug, build_id):
        """Cancel a build (maintainers only). It finishes unsuccessfully with the error
        `Cancelled by <username>`; GET the build to see it end."""
        visible_build(project_slug, build_id)
        written = services().builds.cancel_build(current_user(), project_slug, build_id)
        location = absolute(build_path(project_slug, build_id))
        if written.value:
            return accepted(location, message="Cancelling: the build's worker stops it shortly; GET the Location to see it end.")
        return answer_write(written, location, lambda: Response(status=204))


@blp.route("/versions/<version_slug>/builds/")
@blp.route("/version/<version_slug>/builds/", endpoint="VersionBuildsSingular")
class VersionBuilds(MethodView):
    @blp.arguments(BuildListArgs, location="query")
    @blp.response(200, BuildPageSchema)
    def get(self, args, project_slug, version_slug):
        """All builds of one version, newest first."""
        visible_version(visible_project(project_slug), version_slug)
        return envelope(
            services().read_model.builds(project_slug, args, limit_of(args), args["offset"], version_slug=version_slug), args
        )

    @blp.response(201, BuildTriggeredSchema)
    def post(self, project_slug, version_slug):
        """Trigger a build of this version."""
        return trigger(project_slug, version_slug)
