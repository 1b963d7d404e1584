"""Commands on a project's maintainers: add an existing user, remove one (never the last)."""

from commands.handling.concurrency import retry_on_conflict
from commands.handling.loading import get_or_none, load_project
from commands.handling.preconditions import require_version
from commands.handling.result import Written
from domain.errors import UserMissing
from domain.ids import user_id


class MaintainerCommands:
    def __init__(self, app):
        self.app = app

    @retry_on_conflict
    def add_maintainer(self, actor: str, project_slug: str, username: str) -> Written:
        project = load_project(self.app, project_slug)
        project.ensure_maintainer(actor)  # first: only maintainers may learn which users exist
        if get_or_none(self.app, user_id(username)) is None:
            raise UserMissing("Maintainer", "username", f"there is no user '{username}'")
        project.add_maintainer(username, actor)
        return Written(username, self.app.save(project))

    @retry_on_conflict
    def remove_maintainer(self, actor: str, project_slug: str, username: str, expected_version: int | None = None) -> Written:
        project = load_project(self.app, project_slug)
        project.ensure_maintainer(actor)
        require_version(project, expected_version)
        project.remove_maintainer(username, actor)
        return Written(username, self.app.save(project))
