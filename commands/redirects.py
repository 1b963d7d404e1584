"""Commands on redirects: create, change (PATCH and PUT), delete. Maintainers only."""

from commands.concurrency import retry_on_conflict
from commands.loading import load_live, load_project
from commands.preconditions import require_version
from commands.result import Written
from domain.ids import redirect_id
from domain.project import Project
from domain.redirect import DEFAULTS, Redirect, redirect_settings


def load_redirect(app, project: Project, number: int) -> Redirect:
    return load_live(app, redirect_id(project.id, number), f"redirect {number} of project '{project.slug}'")


class RedirectCommands:
    def __init__(self, app, ids):
        self.app = app
        self.ids = ids

    @retry_on_conflict
    def create_redirect(self, actor: str, project_slug: str, type: str, from_url: str = "", to_url: str = "",
                        **fields) -> Written:
        """`fields`: any of Read the Docs' other redirect fields (those left out take its defaults)."""
        fields = {"type": type, "from_url": from_url, "to_url": to_url, **fields}
        project = load_project(self.app, project_slug)
        project.ensure_maintainer(actor)
        redirect_settings(DEFAULTS, fields)  # before an id is reserved
        redirect = Redirect.create(
            project_id=project.id, project_slug=project.slug, number=self.ids["redirect"].next(), actor=actor, **fields,
        )
        return Written(redirect.number, self.app.save(redirect))

    @retry_on_conflict
    def change_redirect(self, actor: str, project_slug: str, number: int, changes: dict,
                        expected_version: int | None = None) -> Written:
        """The given fields become these; the others stay (Read the Docs' PATCH, and its PUT alike)."""
        project = load_project(self.app, project_slug)
        project.ensure_maintainer(actor)
        redirect = load_redirect(self.app, project, number)
        require_version(redirect, expected_version)
        redirect.change(actor, changes)
        return Written(number, self.app.save(redirect))

    @retry_on_conflict
    def delete_redirect(self, actor: str, project_slug: str, number: int, expected_version: int | None = None) -> Written:
        project = load_project(self.app, project_slug)
        project.ensure_maintainer(actor)
        redirect = load_redirect(self.app, project, number)
        require_version(redirect, expected_version)
        redirect.delete(actor)
        return Written(number, self.app.save(redirect))
