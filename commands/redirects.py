"""Commands on redirects: create, replace (PUT), delete. Maintainers only."""

from commands.concurrency import retry_on_conflict
from commands.loading import load_live, load_project
from commands.preconditions import require_version
from commands.result import Written
from domain.ids import redirect_id
from domain.project import Project
from domain.redirect import Redirect, validate_redirect


def load_redirect(app, project: Project, number: int) -> Redirect:
    return load_live(app, redirect_id(project.id, number), f"redirect {number} of project '{project.slug}'")


class RedirectCommands:
    def __init__(self, app, ids):
        self.app = app
        self.ids = ids

    @retry_on_conflict
    def create_redirect(self, actor: str, project_slug: str, type: str, from_url: str = "", to_url: str = "") -> Written:
        project = load_project(self.app, project_slug)
        project.ensure_maintainer(actor)
        validate_redirect(type, from_url, to_url)  # before an id is reserved
        redirect = Redirect.create(
            project_id=project.id, project_slug=project.slug, number=self.ids["redirect"].next(),
            type=type, from_url=from_url, to_url=to_url, actor=actor,
        )
        return Written(redirect.number, self.app.save(redirect))

    @retry_on_conflict
    def replace_redirect(self, actor: str, project_slug: str, number: int, type: str, from_url: str = "",
                         to_url: str = "", expected_version: int | None = None) -> Written:
        """The whole redirect becomes what is given: a URL left out is cleared."""
        project = load_project(self.app, project_slug)
        project.ensure_maintainer(actor)
        redirect = load_redirect(self.app, project, number)
        require_version(redirect, expected_version)
        redirect.replace(actor, type, from_url, to_url)
        return Written(number, self.app.save(redirect))

    @retry_on_conflict
    def delete_redirect(self, actor: str, project_slug: str, number: int, expected_version: int | None = None) -> Written:
        project = load_project(self.app, project_slug)
        project.ensure_maintainer(actor)
        redirect = load_redirect(self.app, project, number)
        require_version(redirect, expected_version)
        redirect.delete(actor)
        return Written(number, self.app.save(redirect))
