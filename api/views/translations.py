"""Translations: the projects that are translations of a project (set with `translation_of` on
the translation's PATCH)."""

from flask.views import MethodView

from api.blueprint import Blueprint
from api.context import current_user, services
from api.representation.pagination import PageArgs, envelope, limit_of
from api.access.scopes import token_projects
from api.schemas.projects import ProjectPageSchema
from api.views.projects import visible_project_row

blp = Blueprint("translations", __name__, url_prefix="/api/v3/projects/<project_slug>", description="Translations")


@blp.route("/translations/")
class TranslationList(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, ProjectPageSchema)
    def get(self, args, project_slug):
        """The project's translations."""
        original = visible_project_row(project_slug)
        page = services().project_relations.translations(original, current_user(), limit_of(args), args["offset"], token_projects())
        return envelope(page, args)
