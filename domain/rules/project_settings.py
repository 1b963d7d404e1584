"""Rules every project setting obeys, at import and on update."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from domain.errors import InvalidSetting, RequiredValueMissing
from domain.rules.languages import LANGUAGES, PROGRAMMING_LANGUAGES
from domain.rules.values import PRIVACY_LEVELS, require_choice, slugify

REPOSITORY_TYPES = ("git",)
# Read the Docs' versioning schemes: how a project's URLs name its versions and languages.
MULTIPLE_WITH_TRANSLATIONS = "multiple_versions_with_translations"
MULTIPLE_WITHOUT_TRANSLATIONS = "multiple_versions_without_translations"
SINGLE_VERSION = "single_version_without_translations"
VERSIONING_SCHEMES = (MULTIPLE_WITH_TRANSLATIONS, MULTIPLE_WITHOUT_TRANSLATIONS, SINGLE_VERSION)
# Earlier releases' misspellings: accepted from clients written for them, stored (and upcast) as Read the Docs spells them.
RENAMED_SCHEMES = {"multiple_versioning_with_translations": MULTIPLE_WITH_TRANSLATIONS,
                   "multiple_versioning_without_translations": MULTIPLE_WITHOUT_TRANSLATIONS}
# Repository URLs as Read the Docs' RepositoryURLValidator takes them (with private repositories on):
# these schemes with a host, or scp-like `user@host:path`; a local path or file:// only where allowed.
REMOTE_SCHEMES = ("https", "http", "git", "ssh", "ssh+git")
_SCP_LIKE = re.compile(r"^\w+@[\w.-]+:[^\s]+$")
REMOTE, LOCAL = "remote", "local"
CONFIG_FILE = ".readthedocs.yaml"
_CONFIG_PATH_FORBIDDEN = set("[]{}()`'\"\\%&<>|,")

# Fields a PATCH may change; everything else is fixed at import or changed by its own command.
UPDATABLE = (
    "name", "repository", "language", "programming_language", "homepage", "default_version",
    "default_branch", "analytics_code", "single_version", "versioning_scheme", "privacy_level", "tags",
    "readthedocs_yaml_path", "external_builds_privacy_level",
)
# Settings a client may leave out at import, as Read the Docs defaults them.
IMPORT_DEFAULTS = {"readthedocs_yaml_path": None, "external_builds_privacy_level": "public"}

_ALIAS = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


def validate_settings(settings: dict) -> None:
    if "name" in settings and not slugify(settings["name"] or ""):
        raise InvalidSetting("Project", "name", "the name must contain letters or digits")
    if "repository" in settings:
        url = settings["repository"].get("url")
        if not isinstance(url, str) or not url.strip():
            raise RequiredValueMissing("Project", "repository.url", "the repository URL is required")
        if repository_kind(url) is None:
            raise InvalidSetting(
                "Project", "repository.url",
                f"a repository URL is {', '.join(s + '://' for s in REMOTE_SCHEMES)} with a host, or user@host:path",
            )
        require_choice("Project", "repository.type", settings["repository"].get("type"), REPOSITORY_TYPES)
    if "language" in settings:
        require_choice("Project", "language", settings["language"], LANGUAGES)
    if "programming_language" in settings:
        require_choice("Project", "programming_language", settings["programming_language"], PROGRAMMING_LANGUAGES)
    if "privacy_level" in settings:
        require_choice("Project", "privacy_level", settings["privacy_level"], PRIVACY_LEVELS)
    if "versioning_scheme" in settings:
        require_choice("Project", "versioning_scheme", settings["versioning_scheme"], VERSIONING_SCHEMES)
    if "external_builds_privacy_level" in settings:
        require_choice("Project", "external_builds_privacy_level", settings["external_builds_privacy_level"], PRIVACY_LEVELS)
    if settings.get("readthedocs_yaml_path") is not None:
        require_config_path(settings["readthedocs_yaml_path"])


def repository_kind(url: str) -> str | None:
    """REMOTE, LOCAL (an absolute path or file:// URL: whether it is allowed is the deployment's choice), or None."""
    if "&&" in url or "|" in url:  # Read the Docs refuses these first
        return None
    if url.startswith("/"):
        return LOCAL
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme == "file":
        return LOCAL if parts.path.startswith("/") else None
    if scheme in REMOTE_SCHEMES:
        return REMOTE if parts.hostname else None
    return REMOTE if _SCP_LIKE.match(url) else None


def require_config_path(path) -> None:
    """Read the Docs' `validate_build_config_file`: a relative path in the repository to a `.readthedocs.yaml`."""
    def refuse(message: str):
        raise InvalidSetting("Project", "readthedocs_yaml_path", message, value=path)

    if not isinstance(path, str) or path.startswith("/") or path.endswith("/"):
        refuse("a relative path to a file, not beginning or ending with '/'")
    if ".." in path or _CONFIG_PATH_FORBIDDEN & set(path):
        refuse("no '..' and none of the characters []{}()`'\"\\%&<>|,")
    if path != CONFIG_FILE and not path.endswith("/" + CONFIG_FILE):
        refuse(f"the only allowed filename is {CONFIG_FILE}")


def renamed_scheme(settings: dict) -> dict:
    """The versioning scheme as Read the Docs spells it, whichever spelling the client used."""
    scheme = settings.get("versioning_scheme")
    return {**settings, "versioning_scheme": RENAMED_SCHEMES[scheme]} if scheme in RENAMED_SCHEMES else settings


def import_settings(settings: dict) -> dict:
    """A new project's settings, validated, with the versioning fields aligned and defaulted."""
    settings = {**IMPORT_DEFAULTS, **renamed_scheme(settings)}
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
            raise InvalidSetting("Project", "single_version", "contradicts versioning_scheme")
        settings["single_version"] = single
    elif settings.get("single_version"):
        settings["versioning_scheme"] = SINGLE_VERSION
    elif "single_version" in settings and scheme == SINGLE_VERSION:
        settings["versioning_scheme"] = MULTIPLE_WITH_TRANSLATIONS
    return settings


def require_alias(alias: str) -> None:
    """A subproject's alias names it in URLs (/projects/<alias>/), like a slug."""
    if not isinstance(alias, str) or not _ALIAS.match(alias):
        raise InvalidSetting(
            "Subproject", "alias", "an alias is 1-63 lower-case letters, digits, '-' or '_', starting with a letter or digit"
        )
