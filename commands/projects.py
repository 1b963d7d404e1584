"""Commands on projects: import and update."""

from commands.concurrency import retry_on_conflict
from commands.loading import get_or_none, load_project, load_version
from commands.result import Written
from domain.errors import NotFound, ValidationFailed
from domain.ids import slug_index_id
from domain.project import LATEST, Project, validate_settings
from domain.rules import slugify
from domain.slug_index import SlugIndex
from domain.version import Version


def latest_identifier(default_branch: str | None) -> str:
    """`latest` follows the default branch; without one it is the repository's HEAD."""
    return default_branch or "HEAD"


class ProjectCommands:
    def __init__(self, app, ids):
        self.app = app
        self.ids = ids

    @retry_on_conflict
    def import_project(self, actor: str, settings: dict) -> Written:
        """Create the project, claim its slug and create `latest`, in one atomic save."""
        slug = slugify(settings.get("name") or "")
        if slug and get_or_none(self.app, slug_index_id(slug)) is not None:
            raise ValidationFailed("Project", "name", "already_exists", f"a project with slug '{slug}' already exists")
        validate_settings(settings)  # before an id is reserved: a rejected import writes no event
        project = Project.import_(number=self.ids["project"].next(), actor=actor, **settings)
        latest = Version.create(
            project_id=project.id, project_slug=project.slug, number=self.ids["version"].next(),
            slug=LATEST, verbose_name=LATEST, identifier=latest_identifier(project.default_branch),
            type="branch", active=True, actor=actor,
        )
        # If another import claimed the slug meanwhile, this save fails as a whole and the retry
        # finds the claim above and answers already_exists.
        recordings = self.app.save(SlugIndex(slug=project.slug, project_id=project.id), project, latest)
        return Written(project.slug, recordings)

    @retry_on_conflict
    def update_project(self, actor: str, slug: str, changes: dict) -> Written:
        project = load_project(self.app, slug)
        project.ensure_maintainer(actor)
        if changes.get("default_version", project.default_version) != project.default_version:
            self._require_version(project, changes["default_version"])
        effective = project.update(actor, changes)
        touched = [project]
        if "default_branch" in effective:
            latest = load_version(self.app, project, LATEST)
            latest.update(actor, {"identifier": latest_identifier(project.default_branch)})
            touched.append(latest)
        return Written(slug, self.app.save(*touched))

    def _require_version(self, project: Project, slug: str) -> None:
        try:
            load_version(self.app, project, slug)
        except NotFound:
            raise ValidationFailed("Project", "default_version", "missing", f"the project has no version '{slug}'") from None
