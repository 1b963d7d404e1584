"""The Version aggregate: one branch or tag of a project, and whether it is built and shown."""

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import ValidationFailed
from domain.ids import version_id
from domain.rules import PRIVACY_LEVELS, VERSION_SLUG, require_choice, require_version_slug
from domain.upcasting import versioned

VERSION_TYPES = ("branch", "tag", "external", "unknown")


class Version(Aggregate):
    @staticmethod
    def create_id(project_id: UUID, slug: str) -> UUID:
        return version_id(project_id, slug)

    @event("VersionCreated")
    def __init__(
        self, *, project_id: UUID, project_slug: str, number: int, slug: str, verbose_name: str,
        identifier: str, type: str, active: bool, actor: str, alias_of: str | None = None,
    ):
        self.project_id = project_id
        self.project_slug = project_slug
        self.number = number
        self.slug = slug
        self.verbose_name = verbose_name
        self.identifier = identifier
        self.type = type
        self.active = active
        self.hidden = False
        self.privacy_level = "public"
        # The slug of the version this one stands for: `stable` points at the newest release,
        # `latest` at the default branch's version (set by the version sync; None for the rest).
        self.alias_of = alias_of
        # What the last successful build stored in the artifact store (None: never published).
        self.published_release = None

    @classmethod
    def create(cls, *, alias_of: str | None = None, **kwargs):
        require_version_slug(kwargs["slug"])
        require_choice("Version", "type", kwargs["type"], VERSION_TYPES)
        _require_alias(kwargs["slug"], alias_of)
        return cls(alias_of=alias_of, **kwargs)  # the library requires every keyword of __init__

    def activate(self, actor: str) -> None:
        if not self.active:
            self._activate(actor=actor)

    def deactivate(self, actor: str, default_version: str) -> None:
        if self.slug == default_version:
            raise ValidationFailed("Version", "active", "invalid", "the project's default version cannot be deactivated")
        if self.active:
            self._deactivate(actor=actor)

    def update(self, actor: str, changes: dict) -> dict:
        """Change `hidden`, `privacy_level`, `identifier` or `alias_of`; returns the effective changes."""
        if "privacy_level" in changes:
            require_choice("Version", "privacy_level", changes["privacy_level"], PRIVACY_LEVELS)
        if "alias_of" in changes:
            _require_alias(self.slug, changes["alias_of"])
        effective = {k: v for k, v in changes.items() if getattr(self, k) != v}
        if effective:
            self._update(changes=effective, actor=actor)
        return effective

    def publish(self, actor: str, build: int, release_id: str, formats: list[str], files: int, bytes: int,
                content_hash: str) -> None:
        """A build stored its output as this release (the files live in the artifact store, not here)."""
        self._publish(actor=actor, build=build, release_id=release_id, formats=list(formats), files=files,
                      bytes=bytes, content_hash=content_hash)

    @event("VersionPublished")
    def _publish(self, actor: str, build: int, release_id: str, formats: list, files: int, bytes: int,
                 content_hash: str) -> None:
        self.published_release = release_id

    @event("VersionActivated")
    def _activate(self, actor: str) -> None:
        self.active = True

    @event("VersionDeactivated")
    def _deactivate(self, actor: str) -> None:
        self.active = False

    @event("VersionUpdated")
    def _update(self, changes: dict, actor: str) -> None:
        for field, value in changes.items():
            setattr(self, field, value)


def _require_alias(slug: str, alias_of: str | None) -> None:
    if alias_of is None:
        return
    if not isinstance(alias_of, str) or not VERSION_SLUG.match(alias_of):
        raise ValidationFailed("Version", "alias_of", "invalid", "an alias names another version by its slug")
    if alias_of == slug:
        raise ValidationFailed("Version", "alias_of", "invalid", "a version cannot be an alias of itself")


# -- what earlier releases recorded ------------------------------------------------------------
def _created_v1_v2(state: dict) -> None:
    state["alias_of"] = None  # release 1 had no aliases


versioned(Version.VersionCreated, _created_v1_v2)
versioned(Version, lambda state: state.setdefault("alias_of", None), lambda state: state.setdefault("published_release", None))
