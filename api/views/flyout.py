"""The flyout menu as JSON (seed 000, Version 4), fetched by documentation pages: public projects
answer without a token (authentication's OPTIONAL_AUTH_ENDPOINTS); private ones only to maintainers."""

from flask import abort
from flask.views import MethodView

from api.blueprint import Blueprint
from api.context import current_user, services
from api.schemas.flyout import FlyoutSchema
from api.access.scopes import token_projects
from api.views.versions import visible_version

blp = Blueprint("flyout", __name__, url_prefix="/api/v3/projects/<project_slug>", description="Flyout menu")


@blp.route("/versions/<version_slug>/flyout/")
class Flyout(MethodView):
    @blp.response(200, FlyoutSchema)
    def get(self, project_slug, version_slug):
        """The version menu of a documentation page showing this version (an active one)."""
        project = services().read_model.project(project_slug, current_user(), token_projects()) or abort(404)
        version = visible_version(project, version_slug)
        if not version["active"]:
            abort(404)  # an inactive version's pages are not served, so nothing shows its menu
        menu = services().flyout_queries.menu(project, current_user(), version_slug, token_projects())
        return {"project": project, "version": version, **menu}
