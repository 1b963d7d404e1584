"""A project's audit history: every event of the project, newest first. Maintainers only, like
redirects and environment variables (403 for others on a public project, 404 on a private one)."""

from flask.views import MethodView

from api.blueprint import Blueprint
from api.context import current_user, services
from api.representation.pagination import envelope, limit_of
from api.access.project_access import maintained_project
from api.access.scopes import token_projects
from api.schemas.audit import AuditEventArgs, AuditEventPageSchema
from projections.audit.queries import AuditFilter

blp = Blueprint("events", __name__, url_prefix="/api/v3/projects/<project_slug>/events",
                description="Audit history: who did what to a project, when, in which request")


@blp.route("/")
class ProjectEventList(MethodView):
    @blp.arguments(AuditEventArgs, location="query")
    @blp.response(200, AuditEventPageSchema)
    def get(self, args, project_slug):
        """Every event of the project, newest first; secrets are never shown, nor other projects the
        caller may not see (their id and slug read "[hidden]")."""
        project = maintained_project(project_slug)
        selected = AuditFilter(
            project_id=project["aggregate_id"], actor=args.get("actor"), types=tuple(args.get("type") or ()),
            since=args.get("created__gte"), until=args.get("created__lte"), correlation_id=args.get("correlation_id"),
        )
        page = services().audit_queries.list(selected, limit_of(args), args["offset"], viewer=current_user(),
                                             scope=token_projects(), all_projects=False)
        return envelope(page, args)
