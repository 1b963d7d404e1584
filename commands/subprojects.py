"""Commands on subproject relationships: link a child to a parent under an alias, unlink it."""

from commands.handling.concurrency import retry_on_conflict
from commands.handling.loading import load_project
from commands.handling.preconditions import require_version
from commands.handling.result import Written
from domain.errors import LinkedProjectMissing, UnknownResource


class SubprojectCommands:
    def __init__(self, app):
        self.app = app

    @retry_on_conflict
    def add_subproject(self, actor: str, parent_slug: str, child_slug: str, alias: str | None = None) -> Written:
        """Parent and child are saved together: of two parents racing for one child (or a child
        racing to get subprojects of its own), the event store accepts one save, and the retry of
        the other finds the link and answers 422."""
        parent = load_project(self.app, parent_slug)
        parent.ensure_maintainer(actor)
        try:
            child = load_project(self.app, child_slug)
        except UnknownResource:
            raise LinkedProjectMissing("Subproject", "child", f"there is no project '{child_slug}'") from None
        child.ensure_linkable_by(actor, "Subproject", "child")
        alias = parent.add_subproject(child, alias, actor)
        return Written(alias, self.app.save(parent, child))

    @retry_on_conflict
    def remove_subproject(self, actor: str, parent_slug: str, alias: str, expected_version: int | None = None) -> Written:
        parent = load_project(self.app, parent_slug)
        parent.ensure_maintainer(actor)
        require_version(parent, expected_version)
        child = self.app.repository.get(parent.subproject(alias)["id"])
        parent.remove_subproject(child, actor)
        return Written(alias, self.app.save(parent, child))
