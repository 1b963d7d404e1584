"""The Project aggregate: settings and maintainers of one documentation project."""

from __future__ import annotations

from eventsourcing.domain import Aggregate, event

from domain.errors import NotFound, PermissionDenied, ValidationFailed
from domain.languages import LANGUAGES, PROGRAMMING_LANGUAGES
from domain.rules import PRIVACY_LEVELS, require_choice, slugify

REPOSITORY_TYPES = ("git",)
LATEST = "latest"

# Fields a PATCH may change; everything else is fixed at import or changed by its own command.
UPDATABLE = (
    "name", "repository", "language", "programming_language", "homepage", "default_version",
    "default_branch", "analytics_code", "single_version", "privacy_level", "tags",
)


def validate_settings(settings: dict) -> None:
    """Rules every project setting obeys, at import and on update."""
    if "name" in settings and not slugify(settings["name"] or ""):
        raise ValidationFailed("Project", "name", "invalid", "the name must contain letters or digits")
    if "repository" in settings:
        url = settings["repository"].get("url")
        if not isinstance(url, str) or not url.strip():
            raise ValidationFailed("Project", "repository.url", "missing_field", "the repository URL is required")
        require_choice("Project", "repository.type", settings["repository"].get("type"), REPOSITORY_TYPES)
    if "language" in settings:
        require_choice("Project", "language", settings["language"], LANGUAGES)
    if "programming_language" in settings:
        require_choice("Project", "programming_language", settings["programming_language"], PROGRAMMING_LANGUAGES)
    if "privacy_level" in settings:
        require_choice("Project", "privacy_level", settings["privacy_level"], PRIVACY_LEVELS)


class Project(Aggregate):
    @event("ProjectImported")
    def __init__(
        self, *, number: int, slug: str, name: str, repository: dict, language: str,
        programming_language: str, homepage: str | None, default_branch: str | None,
        privacy_level: str, tags: list, single_version: bool, maintainers: list, actor: str,
    ):
        self.number = number
        self.slug = slug
        self.name = name
        self.repository = repository
        self.language = language
        self.programming_language = programming_language
        self.homepage = homepage
        self.default_branch = default_branch
        self.default_version = LATEST
        self.analytics_code = None
        self.privacy_level = privacy_level
        self.tags = tags
        self.single_version = single_version
        self.maintainers = maintainers
        self.deleted = False

    @classmethod
    def import_(cls, *, number: int, actor: str, **settings) -> Project:
        validate_settings(settings)
        return cls(number=number, slug=slugify(settings["name"]), maintainers=[actor], actor=actor, **settings)

    def ensure_maintainer(self, actor: str) -> None:
        """Only maintainers write; a private project does not exist for anybody else."""
        if actor in self.maintainers:
            return
        if self.privacy_level == "private":
            raise NotFound(f"project '{self.slug}'")
        raise PermissionDenied(f"'{actor}' is not a maintainer of '{self.slug}'")

    def update(self, actor: str, changes: dict) -> dict:
        """Apply what differs; returns the effective changes (empty: nothing happened)."""
        unknown = set(changes) - set(UPDATABLE)
        if unknown:
            raise ValidationFailed("Project", sorted(unknown)[0], "invalid", "this field cannot be changed")
        validate_settings(changes)
        effective = {k: v for k, v in changes.items() if getattr(self, k) != v}
        if effective:
            self._update(changes=effective, actor=actor)
        return effective

    @event("ProjectUpdated")
    def _update(self, changes: dict, actor: str) -> None:
        for field, value in changes.items():
            setattr(self, field, value)

    def delete(self, actor: str) -> None:
        """Every projection drops the project's rows on ProjectDeleted; the slug index is released
        by the command in the same save."""
        self.ensure_maintainer(actor)
        self._delete(actor=actor)

    @event("ProjectDeleted")
    def _delete(self, actor: str) -> None:
        self.deleted = True

    def request_version_sync(self, actor: str) -> None:
        """Ask the build workers to re-read branches and tags from the repository."""
        self.ensure_maintainer(actor)
        self._request_version_sync(actor=actor)

    @event("VersionSyncRequested")
    def _request_version_sync(self, actor: str) -> None:
        pass
