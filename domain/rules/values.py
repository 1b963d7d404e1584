"""Small value rules shared by aggregates."""

import re
import unicodedata

from domain.errors import InvalidSetting

PRIVACY_LEVELS = ("public", "private")
SLUG_MAX = 63
VERSION_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,254}$")


def slugify(text: str) -> str:
    """ASCII, lower-case, hyphen-separated: what RTD makes of a project name."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:SLUG_MAX].strip("-")


def require_choice(resource: str, field: str, value, choices) -> None:
    if value not in choices:
        raise InvalidSetting(resource, field, f"'{value}' is not one of the allowed values", value=value)


def require_version_slug(slug: str) -> None:
    if not VERSION_SLUG.match(slug):
        raise InvalidSetting("Version", "slug", "a version slug is lower-case a-z, 0-9, '.', '_', '-'")
