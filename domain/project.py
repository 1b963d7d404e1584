"""The Project aggregate: settings and maintainers of one documentation project, and its links to
other projects (subprojects, translations).

A link is recorded on both projects: each side's own state is what its next decision checks
(a child has one parent, an original knows its translations' languages). The decision is a method
of one side that records the events of both, and the command saves the two in one atomic save, so
the event store's optimistic concurrency rejects a racing decision on either of them."""

from __future__ import annotations

from collections.abc import Iterable

from eventsourcing.domain import Aggregate, event

from domain.errors import (
    AlreadyLinked, AlreadyMaintainer, IllegalLink, InvalidSetting, LanguageInUse, LastMaintainer, LinkedProjectMissing,
    LinkNotAllowed, NameTaken, NotAllowed, UnchangeableField, UnknownResource,
)
from domain.rules.project_settings import (
    MULTIPLE_WITH_TRANSLATIONS,
    UPDATABLE,
    align_versioning,
    import_settings,
    renamed_scheme,
    require_alias,
    validate_settings,
)
from domain.rules.values import slugify
from domain.events import project_upcasting as upcasts
from domain.events.upcasting import versioned

LATEST = "latest"


class Project(Aggregate):
    @event("ProjectImported")
    def __init__(
        self, *, number: int, slug: str, name: str, repository: dict, language: str,
        programming_language: str, homepage: str | None, default_branch: str | None,
        privacy_level: str, tags: list, single_version: bool, versioning_scheme: str, maintainers: list, actor: str,
        readthedocs_yaml_path: str | None, external_builds_privacy_level: str,
    ):
        self.number = number
        self.slug = slug
        self.name = name
        self.repository = repository
        self.language = language
        self.programming_language = programming_language
        self.homepage = homepage
        self.default_branch = default_branch
        self.default_branch_detected = False  # True: the repository's HEAD branch, found by a version sync
        self.default_version = LATEST
        self.analytics_code = None
        self.privacy_level = privacy_level
        self.tags = tags
        self.single_version = single_version
        self.versioning_scheme = versioning_scheme
        self.readthedocs_yaml_path = readthedocs_yaml_path
        self.external_builds_privacy_level = external_builds_privacy_level
        self.maintainers = maintainers
        self.deleted = False
        self.superproject: dict | None = None  # {"id", "slug", "alias"} of the parent
        self.subprojects: dict[str, dict] = {}  # alias -> {"id", "slug"} of the child
        self.translation_of: dict | None = None  # {"id", "slug"} of the original
        self.translations: dict[str, dict] = {}  # slug -> {"id", "language"} of each translation

    @classmethod
    def import_(cls, *, number: int, actor: str, **settings) -> Project:
        settings = import_settings(settings)
        return cls(number=number, slug=slugify(settings["name"]), maintainers=[actor], actor=actor, **settings)

    def ensure_maintainer(self, actor: str) -> None:
        """Only maintainers write; a private project does not exist for anybody else."""
        if actor in self.maintainers:
            return
        if self.privacy_level == "private":
            raise UnknownResource(f"project '{self.slug}'")
        raise NotAllowed(f"'{actor}' is not a maintainer of '{self.slug}'")

    def ensure_linkable_by(self, actor: str, resource: str, field: str) -> None:
        """Linking two projects takes a maintainer of both. The other project is named in a body
        field, so refusing it is a 422 on that field; another's private project is `missing`."""
        if actor in self.maintainers:
            return
        if self.privacy_level == "private":
            raise LinkedProjectMissing(resource, field, f"there is no project '{self.slug}'")
        raise LinkNotAllowed(resource, field, f"'{actor}' is not a maintainer of '{self.slug}'")

    # -- settings ------------------------------------------------------------------------------
    def update(self, actor: str, changes: dict) -> dict:
        """Apply what differs; returns the effective changes (empty: nothing happened)."""
        unknown = set(changes) - set(UPDATABLE)
        if unknown:
            raise UnchangeableField("Project", sorted(unknown)[0], "this field cannot be changed")
        changes = renamed_scheme(changes)
        validate_settings(changes)
        aligned = align_versioning(changes, self.versioning_scheme)
        effective = {k: v for k, v in aligned.items() if getattr(self, k) != v}
        if "language" in effective:
            self._require_language_free(self.slug, effective["language"], "language")
        if "versioning_scheme" in effective and effective["versioning_scheme"] != MULTIPLE_WITH_TRANSLATIONS:
            if self.translation_of or self.translations:
                field = "versioning_scheme" if "versioning_scheme" in changes else "single_version"
                raise InvalidSetting(
                    "Project", field,
                    "a project with translations, or one that is a translation, keeps a versioning scheme with translations",
                )
        if effective:
            self._update(changes=effective, actor=actor)
        return effective

    @event("ProjectUpdated")
    def _update(self, changes: dict, actor: str) -> None:
        for field, value in changes.items():
            setattr(self, field, value)
        if "default_branch" in changes:
            self.default_branch_detected = False  # the maintainers' choice, from now on

    @property
    def chosen_default_branch(self) -> str | None:
        """The default branch the maintainers set; None when `latest` follows the repository's HEAD."""
        return None if self.default_branch_detected else self.default_branch

    def detect_default_branch(self, head: str | None, actor: str) -> None:
        """A version sync found the repository's HEAD branch: it answers `default_branch` while the
        maintainers have not set one."""
        if head and self.chosen_default_branch is None and head != self.default_branch:
            self._detect_default_branch(branch=head, actor=actor)

    @event("DefaultBranchDetected")
    def _detect_default_branch(self, branch: str, actor: str) -> None:
        self.default_branch = branch
        self.default_branch_detected = True

    # -- maintainers ---------------------------------------------------------------------------
    def add_maintainer(self, username: str, actor: str) -> None:
        self.ensure_maintainer(actor)
        if username in self.maintainers:
            raise AlreadyMaintainer("Maintainer", "username", f"'{username}' already maintains '{self.slug}'")
        self._add_maintainer(username=username, actor=actor)

    @event("MaintainerAdded")
    def _add_maintainer(self, username: str, actor: str) -> None:
        self.maintainers = [*self.maintainers, username]

    def remove_maintainer(self, username: str, actor: str) -> None:
        self.ensure_maintainer(actor)
        if username not in self.maintainers:
            raise UnknownResource(f"maintainer '{username}' of '{self.slug}'")
        if self.maintainers == [username]:
            raise LastMaintainer(
                "Maintainer", "username",
                f"'{username}' is the only maintainer; a project always keeps one (add another first)",
            )
        self._remove_maintainer(username=username, actor=actor)

    @event("MaintainerRemoved")
    def _remove_maintainer(self, username: str, actor: str) -> None:
        self.maintainers = [m for m in self.maintainers if m != username]

    # -- subprojects (decided on the parent) ---------------------------------------------------
    def add_subproject(self, child: Project, alias: str | None, actor: str) -> str:
        """Make `child` a subproject of this project under `alias` (default: its slug)."""
        alias = child.slug if alias is None else alias
        require_alias(alias)
        if child.id == self.id:
            raise IllegalLink("Subproject", "child", "a project cannot be its own subproject")
        if self.superproject:
            raise IllegalLink(
                "Subproject", "child",
                f"'{self.slug}' is a subproject of '{self.superproject['slug']}', and subprojects cannot have subprojects",
            )
        if child.subprojects:
            raise IllegalLink("Subproject", "child", f"'{child.slug}' has subprojects, so it cannot become one")
        if child.superproject:
            raise AlreadyLinked(
                "Subproject", "child", f"'{child.slug}' is already a subproject of '{child.superproject['slug']}'"
            )
        if alias in self.subprojects:
            raise NameTaken("Subproject", "alias", f"'{self.slug}' already has a subproject '{alias}'")
        self._add_subproject(alias=alias, child_id=child.id, child_slug=child.slug, actor=actor)
        child._link_as_subproject(parent_id=self.id, parent_slug=self.slug, alias=alias, actor=actor)
        return alias

    def subproject(self, alias: str) -> dict:
        """The child ({"id", "slug"}) linked under `alias`."""
        if alias not in self.subprojects:
            raise UnknownResource(f"subproject '{alias}' of '{self.slug}'")
        return self.subprojects[alias]

    def remove_subproject(self, child: Project, actor: str) -> None:
        self._remove_subproject(alias=child.superproject["alias"], actor=actor)
        child._unlink_as_subproject(actor=actor)

    @event("SubprojectAdded")
    def _add_subproject(self, alias: str, child_id, child_slug: str, actor: str) -> None:
        self.subprojects = {**self.subprojects, alias: {"id": child_id, "slug": child_slug}}

    @event("SubprojectRemoved")
    def _remove_subproject(self, alias: str, actor: str) -> None:
        self.subprojects = {a: c for a, c in self.subprojects.items() if a != alias}

    @event("LinkedAsSubproject")
    def _link_as_subproject(self, parent_id, parent_slug: str, alias: str, actor: str) -> None:
        self.superproject = {"id": parent_id, "slug": parent_slug, "alias": alias}

    @event("UnlinkedAsSubproject")
    def _unlink_as_subproject(self, actor: str) -> None:
        self.superproject = None

    # -- translations (decided on the original) ------------------------------------------------
    def add_translation(self, translation: Project, actor: str) -> None:
        """Make `translation` a translation of this project, the original."""
        def refuse(message: str, error: type = IllegalLink):
            raise error("Project", "translation_of", message)

        if translation.id == self.id:
            refuse("a project cannot be a translation of itself")
        if translation.translation_of:
            refuse(f"'{translation.slug}' is already a translation of '{translation.translation_of['slug']}'", AlreadyLinked)
        if self.translation_of:
            refuse(f"'{self.slug}' is itself a translation of '{self.translation_of['slug']}'; translate the original")
        if translation.translations:
            refuse(f"'{translation.slug}' has translations, so it cannot become one")
        for project in (self, translation):
            if project.versioning_scheme != MULTIPLE_WITH_TRANSLATIONS:
                refuse(f"the versioning scheme of '{project.slug}' ({project.versioning_scheme}) has no translations")
        self._require_language_free(translation.slug, translation.language, "translation_of")
        self._add_translation(slug=translation.slug, translation_id=translation.id, language=translation.language, actor=actor)
        translation._link_as_translation(original_id=self.id, original_slug=self.slug, actor=actor)

    def follow_translation_language(self, translation: Project, actor: str) -> None:
        """A translation changed its language: it must still differ from this one and its siblings'."""
        self._require_language_free(translation.slug, translation.language, "language")
        self._change_translation_language(slug=translation.slug, language=translation.language, actor=actor)

    def remove_translation(self, translation: Project, actor: str) -> None:
        self._remove_translation(slug=translation.slug, actor=actor)
        translation._unlink_as_translation(actor=actor)

    def _require_language_free(self, slug: str, language: str, field: str) -> None:
        """`language` is free for the project `slug` in this family: it is the original's language
        for none but the original, and one translation's at most."""
        if slug != self.slug and language == self.language:
            raise LanguageInUse("Project", field, f"the original '{self.slug}' is already in '{language}'")
        for other, translation in self.translations.items():
            if other != slug and translation["language"] == language:
                raise LanguageInUse("Project", field, f"'{other}' is already the '{language}' translation of '{self.slug}'")

    @event("TranslationAdded")
    def _add_translation(self, slug: str, translation_id, language: str, actor: str) -> None:
        self.translations = {**self.translations, slug: {"id": translation_id, "language": language}}

    @event("TranslationLanguageChanged")
    def _change_translation_language(self, slug: str, language: str, actor: str) -> None:
        self.translations = {**self.translations, slug: {**self.translations[slug], "language": language}}

    @event("TranslationRemoved")
    def _remove_translation(self, slug: str, actor: str) -> None:
        self.translations = {s: t for s, t in self.translations.items() if s != slug}

    @event("LinkedAsTranslation")
    def _link_as_translation(self, original_id, original_slug: str, actor: str) -> None:
        self.translation_of = {"id": original_id, "slug": original_slug}

    @event("UnlinkedAsTranslation")
    def _unlink_as_translation(self, actor: str) -> None:
        self.translation_of = None

    # -- deletion ------------------------------------------------------------------------------
    def linked_ids(self) -> list:
        """The ids of every project linked to this one: what deleting it must also change."""
        links = [self.superproject, *self.subprojects.values(), self.translation_of, *self.translations.values()]
        return [link["id"] for link in links if link]

    def delete(self, actor: str, linked: Iterable[Project] = ()) -> None:
        """Delete the project and unlink it from the `linked` projects (those of `linked_ids`).
        Every projection drops the project's rows on ProjectDeleted; the slug index is released
        by the command in the same save."""
        self.ensure_maintainer(actor)
        by_id = {project.id: project for project in linked}
        if self.superproject:
            by_id[self.superproject["id"]].remove_subproject(self, actor)
        for child in list(self.subprojects.values()):
            self.remove_subproject(by_id[child["id"]], actor)
        if self.translation_of:
            by_id[self.translation_of["id"]].remove_translation(self, actor)
        for translation in list(self.translations.values()):
            self.remove_translation(by_id[translation["id"]], actor)
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


# What earlier releases recorded: read through these steps.
versioned(Project.ProjectImported, upcasts.imported_v1_v2, upcasts.imported_v2_v3)
versioned(Project.ProjectUpdated, upcasts.updated_v1_v2)
versioned(Project, upcasts.project_v1_v2, upcasts.project_v2_v3)
