"""Rules every project setting obeys, at import and on update."""

from __future__ import annotations

import re

from domain.errors import ValidationFailed
from domain.languages import LANGUAGES, PROGRAMMING_LANGUAGES
from domain.rules import PRIVACY_LEVELS, require_choice, slugify

REPOSITORY_TYPES = ("git",)
# Read the Docs' versioning schemes: how a project's URLs name its versions and languages.
MULTIPLE_WITH_TRANSLATIONS = "multiple_versioning_with_translations"
MULTIPLE_WITHOUT_TRANSLATIONS = "multiple_versioning_without_translations"
SINGLE_VERSION = "single_version_without_translations"
VERSIONING_SCHEMES = (MULTIPLE_WITH_TRANSLATIONS, MULTIPLE_WITHOUT_TRANSLATIONS, SINGLE_VERSION)

# Fields a PATCH may change; everything else is fixed at import or changed by its own command.
UPDATABLE = (
    "name", "repository", "language", "programming_language", "homepage", "default_version",
    "default_branch", "analytics_code", "single_version", "versioning_scheme", "privacy_level", "tags",
)

_ALIAS = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


def validate_settings(settings: dict) -> None:
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
    if "versioning_scheme" in settings:
        require_choice("Project", "versioning_scheme", settings["versioning_scheme"], VERSIONING_SCHEMES)


def import_settings(settings: dict) -> dict:
    """A new project's settings, validated, with the versioning fields aligned and defaulted."""
    validate_settings(settings)
    settings = align_versioning(settings, MULTIPLE_WITH_TRANSLATIONS)
    settings.setdefault("single_version", False)
    settings.setdefault("versioning_scheme", MULTIPLE_WITH_TRANSLATIONS)
    return settings


def align_versioning(settings: dict, scheme: str) -> dict:
    """`single_version` is Read the Docs' older spelling of the single-version scheme: whichever of
    the two a client sets, the other follows (from `scheme`, the current one); both must agree."""
    settings = dict(settings)
    if "versioning_scheme" in settings:
        single = settings["versioning_scheme"] == SINGLE_VERSION
        if settings.get("single_version", single) != single:
            raise ValidationFailed("Project", "single_version", "invalid", "contradicts versioning_scheme")
        settings["single_version"] = single
    elif settings.get("single_version"):
        settings["versioning_scheme"] = SINGLE_VERSION
    elif "single_version" in settings and scheme == SINGLE_VERSION:
        settings["versioning_scheme"] = MULTIPLE_WITH_TRANSLATIONS
    return settings


def require_alias(alias: str) -> None:
    """A subproject's alias names it in URLs (/projects/<alias>/), like a slug."""
    if not isinstance(alias, str) or not _ALIAS.match(alias):
        raise ValidationFailed(
            "Subproject", "alias", "invalid", "an alias is 1-63 lower-case letters, digits, '-' or '_', starting with a letter or digit"
        )
