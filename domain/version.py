"""The Version aggregate: one branch or tag of a project, and whether it is built and shown."""

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidSetting, VersionInUse
from domain.ids import version_id
from domain.rules.values import PRIVACY_LEVELS, VERSION_SLUG, require_choice, require_version_slug
from domain.events.upcasting import versioned

VERSION_TYPES = ("branch", "tag", "external", "unknown")


class Version(Aggregate):
    @staticmethod
    def create_id(project_id: UUID, slug: str) -> UUID:
        return version_id(project_id, slug)

    @event("VersionCreated")
    def __init__(
        self, *, project_id: UUID, project_slug: str, number: int, slug: str, verbose_name: str,
        identifier: str, type: str, active: bool, actor: str, alias_of: str | None = None, machine: bool = False,
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
        # Made by docsplane (`latest`, `stable` following a branch or release), not a branch or tag of that name.
        self.machine = machine
        self.deleted = False
        # What the last successful build stored in the artifact store (None: never published).
        self.published_release = None

    @classmethod
    def create(cls, *, alias_of: str | None = None, machine: bool = False, **kwargs):
        require_version_slug(kwargs["slug"])
        require_choice("Version", "type", kwargs["type"], VERSION_TYPES)
        _require_alias(kwargs["slug"], alias_of)
        return cls(alias_of=alias_of, machine=machine, **kwargs)  # the library requires every keyword of __init__

    def delete(self, actor: str) -> None:
        """Its branch or tag is gone from the repository; an active version is kept (RTD does)."""
        if self.active:
            raise VersionInUse("Version", "active", "an active version is not deleted")
        if not self.deleted:
            self._delete(actor=actor)

    @event("VersionDeleted")
    def _delete(self, actor: str) -> None:
        self.deleted = True

    def recreate(self, *, number: int, verbose_name: str, identifier: str, type: str, active: bool,
                 machine: bool = False, alias_of: str | None = None, actor: str) -> None:
        """The branch or tag of a deleted version is back: the version starts again, as new."""
        require_choice("Version", "type", type, VERSION_TYPES)
        _require_alias(self.slug, alias_of)
        self._recreate(project_id=self.project_id, project_slug=self.project_slug, slug=self.slug, number=number,
                       verbose_name=verbose_name, identifier=identifier, type=type, active=active, machine=machine,
                       alias_of=alias_of, actor=actor)

    @event("VersionRecreated")  # repeats what VersionCreated says, so a read model makes the row from it alone
    def _recreate(self, project_id: UUID, project_slug: str, slug: str, number: int, verbose_name: str,
                  identifier: str, type: str, active: bool, machine: bool, alias_of: str | None, actor: str) -> None:
        self.number, self.verbose_name, self.identifier, self.type = number, verbose_name, identifier, type
        self.active, self.machine, self.alias_of = active, machine, alias_of
        self.hidden, self.privacy_level, self.deleted = False, "public", False
        self.published_release = None  # a recreated version has published nothing yet

    def activate(self, actor: str) -> None:
        if not self.active:
            self._activate(actor=actor)

    def deactivate(self, actor: str, default_version: str) -> None:
        if self.slug == default_version:
            raise VersionInUse("Version", "active", "the project's default version cannot be deactivated")
        if self.active:
            self._deactivate(actor=actor)

    def update(self, actor: str, changes: dict) -> dict:
        """Change `hidden`, `privacy_level`, or what the version sync decides (`identifier`, `type`,
        `verbose_name`, `machine`, `alias_of`); returns the effective changes."""
        if "type" in changes:
            require_choice("Version", "type", changes["type"], VERSION_TYPES)
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
        raise InvalidSetting("Version", "alias_of", "an alias names another version by its slug")
    if alias_of == slug:
        raise InvalidSetting("Version", "alias_of", "a version cannot be an alias of itself")


# -- what earlier releases recorded ------------------------------------------------------------
def _created_v1_v2(state: dict) -> None:
    state["alias_of"] = None  # release 1 had no aliases


def _machine_v2_v3(state: dict) -> None:
    """Release 2 had no version sync: `latest` (made at import) and a `stable` alias were machine-made."""
    state.setdefault("machine", state["slug"] == "latest" or (state["slug"] == "stable" and state.get("alias_of") is not None))


def _version_v2_v3(state: dict) -> None:
    _machine_v2_v3(state)
    state.setdefault("deleted", False)
    state.setdefault("published_release", None)


versioned(Version.VersionCreated, _created_v1_v2, _machine_v2_v3)
versioned(Version, lambda state: state.setdefault("alias_of", None), _version_v2_v3)
