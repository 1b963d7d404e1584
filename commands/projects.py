"""Commands on projects: import, update (including which project it translates), delete."""

from commands.handling.concurrency import retry_on_conflict
from commands.handling.loading import get_or_none, load_project, load_version
from commands.handling.preconditions import require_version
from commands.handling.result import Written
from commands.translations import KEEP, join_original, leave_original
from domain.errors import InvalidSetting, SlugTaken, UnknownResource, VersionMissing
from domain.ids import slug_index_id
from domain.project import LATEST, Project
from domain.rules.project_settings import LOCAL, import_settings, repository_kind
from domain.rules.values import slugify
from domain.slug_index import SlugIndex
from domain.version import Version


def latest_identifier(default_branch: str | None) -> str:
    """`latest` follows the default branch; without one it is the repository's HEAD."""
    return default_branch or "HEAD"


class ProjectCommands:
    def __init__(self, app, ids, allow_local_repositories: bool = True):
        self.app = app
        self.ids = ids
        self.allow_local_repositories = allow_local_repositories  # DOCSPLANE_ALLOW_LOCAL_REPOSITORIES

    def _require_repository_allowed(self, settings: dict) -> None:
        """A local path or file:// URL would let any user make the build workers read the server's files."""
        url = (settings.get("repository") or {}).get("url")
        if isinstance(url, str) and repository_kind(url) == LOCAL and not self.allow_local_repositories:
            raise InvalidSetting("Project", "repository.url",
                                 "local repositories are not allowed here (DOCSPLANE_ALLOW_LOCAL_REPOSITORIES)")

    @retry_on_conflict
    def import_project(self, actor: str, settings: dict) -> Written:
        """Create the project, claim its slug and create `latest`, in one atomic save."""
        slug = slugify(settings.get("name") or "")
        index = get_or_none(self.app, slug_index_id(slug)) if slug else None
        if index is not None and index.claimed:
            raise SlugTaken("Project", "name", f"a project with slug '{slug}' already exists", value=slug)
        settings = import_settings(settings)  # before an id is reserved: a rejected import writes no event
        self._require_repository_allowed(settings)
        project = Project.import_(number=self.ids["project"].next(), actor=actor, **settings)
        latest = Version.create(
            project_id=project.id, project_slug=project.slug, number=self.ids["version"].next(),
            slug=LATEST, verbose_name=LATEST, identifier=latest_identifier(project.default_branch),
            type="branch", active=True, alias_of=None, machine=True, actor=actor,
        )
        # The slug of a deleted project is released, not forgotten: its index takes the new claim.
        if index is None:
            index = SlugIndex(slug=project.slug, project_id=project.id)
        else:
            index.reclaim(project.id, actor)
        # If another import claimed the slug meanwhile, this save fails as a whole and the retry
        # finds the claim above and answers already_exists.
        recordings = self.app.save(index, project, latest)
        return Written(project.slug, recordings)

    @retry_on_conflict
    def update_project(self, actor: str, slug: str, changes: dict, expected_version: int | None = None) -> Written:
        """Change settings; `translation_of` (a slug, or None) links the project to another as its
        translation, saved with the originals it leaves and joins."""
        project = load_project(self.app, slug)
        project.ensure_maintainer(actor)
        require_version(project, expected_version)
        changes = dict(changes)
        self._require_repository_allowed(changes)
        target = changes.pop("translation_of", KEEP)
        if changes.get("default_version", project.default_version) != project.default_version:
            self._require_version(project, changes["default_version"])
        touched = [project, *leave_original(self.app, actor, project, target)]
        effective = project.update(actor, changes)
        touched += join_original(self.app, actor, project, target, language_changed="language" in effective)
        if "default_branch" in effective:
            latest = load_version(self.app, project, LATEST)
            if latest.machine:  # a branch or tag named `latest` is not moved by the default branch
                latest.update(actor, {"identifier": latest_identifier(project.default_branch)})
                touched.append(latest)
        return Written(slug, self.app.save(*touched))

    @retry_on_conflict
    def delete_project(self, actor: str, slug: str, expected_version: int | None = None) -> Written:
        """Delete the project, release its slug and unlink the projects linked to it, in one save."""
        project = load_project(self.app, slug)
        project.ensure_maintainer(actor)
        require_version(project, expected_version)
        linked = [self.app.repository.get(project_id) for project_id in project.linked_ids()]
        index = self.app.repository.get(slug_index_id(slug))
        project.delete(actor, linked)
        index.release(actor)
        return Written(slug, self.app.save(project, index, *linked))

    def _require_version(self, project: Project, slug: str) -> None:
        try:
            load_version(self.app, project, slug)
        except UnknownResource:
            raise VersionMissing("Project", "default_version", f"the project has no version '{slug}'") from None
