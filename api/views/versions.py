"""Versions: list, detail, update. The seeds spell the path both `versions/` and `version/`."""

from flask import abort
from flask.views import MethodView

from api.blueprint import Blueprint
from api.context import current_user, services
from api.links import absolute, version_path
from api.pagination import envelope, limit_of
from api.schemas.versions import VersionListArgs, VersionPageSchema, VersionSchema, VersionUpdateSchema
from api.views.projects import visible_project
from api.writes import accepted, visible

blp = Blueprint("versions", __name__, url_prefix="/api/v3/projects/<project_slug>", description="Versions")


def visible_version(project: dict, version_slug: str) -> dict:
    version = services().read_model.version(project, current_user(), version_slug)
    if version is None:
        abort(404)
    return version


@blp.route("/versions/")
class VersionList(MethodView):
    @blp.arguments(VersionListArgs, location="query")
    @blp.response(200, VersionPageSchema)
    def get(self, args, project_slug):
        """All versions of a project."""
        project = visible_project(project_slug)
        return envelope(services().read_model.versions(project, current_user(), args, limit_of(args), args["offset"]), args)


@blp.route("/versions/<version_slug>/")
@blp.route("/version/<version_slug>/", endpoint="VersionDetailSingular")
class VersionDetail(MethodView):
    @blp.response(200, VersionSchema)
    def get(self, project_slug, version_slug):
        """A version's details."""
        return visible_version(visible_project(project_slug), version_slug)

    @blp.arguments(VersionUpdateSchema)
    @blp.response(204)
    def patch(self, body, project_slug, version_slug):
        """Activate, deactivate, hide or change the privacy of a version (maintainers only)."""
        written = services().versions.update_version(current_user(), project_slug, version_slug, body)
        if not visible(written):
            return accepted(absolute(version_path(project_slug, version_slug)))
        return None
