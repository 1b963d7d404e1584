"""Versions: list, detail, update, and asking for a sync with the repository. The seeds spell the
path both `versions/` and `version/`."""

from flask import abort
from flask.views import MethodView
from marshmallow import Schema, fields

from api.blueprint import Blueprint
from api.context import current_user, services
from api.http.etag import if_match, tagged
from api.representation.links import absolute, project_path, version_path
from api.representation.pagination import envelope, limit_of
from api.schemas.versions import (
    VersionDetailArgs, VersionListArgs, VersionPageSchema, VersionSchema, VersionUpdateSchema,
)
from api.views.projects import require_visible_now, visible_project
from api.writes import answer_write

blp = Blueprint("versions", __name__, url_prefix="/api/v3/projects/<project_slug>", description="Versions")


def visible_version(project: dict, version_slug: str) -> dict:
    return services().read_model.version(project, current_user(), version_slug) or abort(404)


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
    @blp.arguments(VersionDetailArgs, location="query")  # expand: read by the schemas (`expanded`)
    @blp.response(200, VersionSchema)
    def get(self, args, project_slug, version_slug):
        """A version's details; with `as_of`, as they were at that moment."""
        if args.get("as_of"):
            require_visible_now(project_slug)
            moment = args["as_of"]
            return tagged(services().point_in_time.version(project_slug, version_slug, moment, current_user()) or abort(404))
        return tagged(visible_version(visible_project(project_slug), version_slug))

    @blp.arguments(VersionUpdateSchema)
    @blp.response(204)
    def patch(self, body, project_slug, version_slug):
        """Activate, deactivate, hide or change the privacy of a version (maintainers only); with
        If-Match, only if it still has that ETag."""
        expected = if_match(lambda: visible_version(visible_project(project_slug), version_slug))
        written = services().versions.update_version(
            current_user(), project_slug, version_slug, body, expected_version=expected
        )
        return answer_write(written, absolute(version_path(project_slug, version_slug)))


class SyncTriggeredSchema(Schema):
    triggered = fields.Boolean()


@blp.route("/sync-versions/")
class SyncVersions(MethodView):
    @blp.response(202, SyncTriggeredSchema)
    def post(self, project_slug):
        """Ask for the project's branches and tags to be read again (maintainers only); a build
        worker creates, updates and removes versions, so the answer is 202 `{"triggered": true}`
        (as Read the Docs), its Location the list to poll."""
        services().versions.request_version_sync(current_user(), project_slug)
        return {"triggered": True}, 202, {"Location": absolute(project_path(project_slug) + "versions/")}
