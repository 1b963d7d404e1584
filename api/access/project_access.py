"""Who may see a project's maintainer-only resources (redirects, environment variables): as on
Read the Docs, only its maintainers. Others get 404 for a private project (it does not exist for
them) and 403 for a public one (it visibly exists, but this part is not theirs)."""

from api.context import current_user
from api.views.projects import visible_project_row
from domain.errors import NotAllowed


def maintained_project(slug: str) -> dict:
    """The project's read-model row, when the caller maintains it."""
    project = visible_project_row(slug)
    if current_user() not in project["users"]:
        raise NotAllowed(f"only maintainers of '{slug}' may see this")
    return project
