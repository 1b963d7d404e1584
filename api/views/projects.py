"""Projects: list the caller's, import, detail, update, delete."""

from flask import abort
from flask.views import MethodView

from api.blueprint import Blueprint
from api.context import current_user, services
from api.http.etag import if_match, tagged
from api.representation.links import absolute, project_path
from api.representation.pagination import envelope, limit_of
from api.representation.rendered import rendered
from api.schemas.projects import ProjectCreateSchema, ProjectDetailArgs, ProjectListArgs, ProjectPageSchema, ProjectPutSchema, ProjectSchema, ProjectUpdateSchema
from api.access.scopes import token_projects
from api.writes import answer_write

blp = Blueprint("projects", __name__, url_prefix="/api/v3/projects", description="Projects")
PROJECT = ProjectSchema()


def visible_project(slug: str) -> dict:
    return services().read_model.project_detail(slug, current_user(), token_projects()) or abort(404)


def project_as_of(slug: str, moment) -> dict:
    """The project as it was: visible when it is visible now (if the slug exists now: a project
    made private later keeps its past private too) and was visible then."""
    require_visible_now(slug)
    return services().point_in_time.project_detail(slug, moment, current_user(), token_projects()) or abort(404)


def require_visible_now(slug: str) -> None:
    read_model = services().read_model
    if read_model.project(slug, viewer=None) is None and read_model.project_exists(slug):
        visible_project_row(slug)


def visible_project_row(slug: str) -> dict:
    """The project without its versions: what the routes nested under it need."""
    return services().read_model.project(slug, current_user(), token_projects()) or abort(404)


def updated(project_slug: str, changes: dict):
    expected = if_match(lambda: visible_project(project_slug))
    written = services().projects.update_project(current_user(), project_slug, changes, expected_version=expected)
    return answer_write(written, absolute(project_path(project_slug)))


@blp.route("/")
class ProjectList(MethodView):
    @blp.arguments(ProjectListArgs, location="query")
    @blp.response(200, ProjectPageSchema)
    def get(self, args):
        """The projects the caller maintains."""
        page = services().read_model.projects_of(current_user(), args, limit_of(args), args["offset"], token_projects())
        return envelope(page, args)

    @blp.arguments(ProjectCreateSchema)
    @blp.response(201, ProjectSchema)
    def post(self, body):
        """Import a project; the caller becomes its maintainer."""
        written = services().projects.import_project(current_user(), body)
        return answer_write(written, absolute(project_path(written.value)), lambda: visible_project(written.value), 201)


@blp.route("/<project_slug>/")
class ProjectDetail(MethodView):
    @blp.arguments(ProjectDetailArgs, location="query")  # expand: read by the schemas (`expanded`)
    @blp.response(200, ProjectSchema)
    def get(self, args, project_slug):
        """A project's details; with `as_of`, as they were at that moment."""
        if args.get("as_of"):
            return rendered(PROJECT, tagged(project_as_of(project_slug, args["as_of"])))
        return rendered(PROJECT, tagged(visible_project(project_slug)))

    @blp.arguments(ProjectUpdateSchema)
    @blp.response(204)
    def patch(self, body, project_slug):
        """Update a project's settings (maintainers only); with If-Match, only if it still has that ETag."""
        return updated(project_slug, body)

    @blp.arguments(ProjectPutSchema)
    @blp.response(204)
    def put(self, body, project_slug):
        """Update a project's settings as PATCH does, `name` and `repository` required (as Read the Docs)."""
        return updated(project_slug, body)

    @blp.response(204)
    def delete(self, project_slug):
        """Delete a project (maintainers only), unlinking its subprojects and translations; its
        slug may be imported again."""
        expected = if_match(lambda: visible_project(project_slug))
        written = services().projects.delete_project(current_user(), project_slug, expected_version=expected)
        return answer_write(written, absolute(project_path(project_slug)))
