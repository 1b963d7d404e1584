"""The Redirect aggregate: one user-defined redirect of a project's documentation URLs."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import ValidationFailed
from domain.ids import redirect_id
from domain.rules import require_choice

# Which URLs each type needs (seed 002, "Redirect create"); the Sphinx types rewrite every page.
REQUIRED_URLS = {
    "prefix": ("from_url",),
    "page": ("from_url", "to_url"),
    "exact": ("from_url", "to_url"),
    "sphinx_html": (),
    "sphinx_htmldir": (),
}
TYPES = tuple(REQUIRED_URLS)
URL_MAX = 255  # Read the Docs' column size
# Paths and URLs never hold whitespace or control characters (NUL would also break PostgreSQL TEXT).
_URL = re.compile(r"[^\s\x00-\x1f\x7f]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# What a redirect's URLs may be. `from_url` is a path of the project's documentation; `to_url` also,
# or an http(s) URL of another site (Read the Docs redirects to other domains). A browser resolves a
# path such as `//evil.com/`, `/\\evil.com` or `/%2e%2e/` against the documentation's host into another
# host or out of the project's space, and `javascript:` runs code: each is refused, not stored.
PATH_RULE = "a path within the project's documentation: starts with a single '/', no '..' segments or backslashes"
EXTERNAL_SCHEMES = ("http", "https")


def _decoded(url: str) -> str:
    """Percent-decoded until stable, so `%252e%252e` is judged as the `..` it ends as."""
    for _ in range(5):
        decoded = unquote(url)
        if decoded == url:
            break
        url = decoded
    return url


def is_docs_path(url: str) -> bool:
    decoded = _decoded(url)
    if not decoded.startswith("/") or decoded.startswith("//") or "\\" in decoded or _CONTROL.search(decoded):
        return False
    return ".." not in decoded.split("?", 1)[0].split("#", 1)[0].split("/")


def is_external_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return False
    return parts.scheme.lower() in EXTERNAL_SCHEMES and bool(parts.hostname) and "\\" not in url


def validate_redirect(type: str, from_url: str, to_url: str) -> None:
    """The rules a redirect obeys, at creation and on every replacement."""
    require_choice("Redirect", "type", type, TYPES)
    urls = {"from_url": from_url, "to_url": to_url}
    for field, url in urls.items():
        if len(url) > URL_MAX:
            raise ValidationFailed("Redirect", field, "invalid", f"at most {URL_MAX} characters")
        if not _URL.fullmatch(url):
            raise ValidationFailed("Redirect", field, "invalid", "must not contain spaces or control characters")
    if from_url and not is_docs_path(from_url):
        raise ValidationFailed("Redirect", "from_url", "invalid", f"must be {PATH_RULE}")
    if to_url and not (is_docs_path(to_url) or is_external_url(to_url)):
        raise ValidationFailed("Redirect", "to_url", "invalid", f"must be {PATH_RULE}, or an http(s) URL")
    for field in REQUIRED_URLS[type]:
        if not urls[field]:
            raise ValidationFailed("Redirect", field, "missing_field", f"a '{type}' redirect needs {field}")


class Redirect(Aggregate):
    @staticmethod
    def create_id(project_id: UUID, number: int) -> UUID:
        return redirect_id(project_id, number)

    @event("RedirectCreated")
    def __init__(
        self, *, project_id: UUID, project_slug: str, number: int, type: str, from_url: str, to_url: str, actor: str,
    ):
        self.project_id = project_id
        self.project_slug = project_slug
        self.number = number
        self.type = type
        self.from_url = from_url
        self.to_url = to_url
        self.deleted = False

    @classmethod
    def create(cls, **kwargs) -> Redirect:
        validate_redirect(kwargs["type"], kwargs["from_url"], kwargs["to_url"])
        return cls(**kwargs)

    def replace(self, actor: str, type: str, from_url: str, to_url: str) -> bool:
        """PUT: the redirect becomes exactly this; False when it already was (no event)."""
        validate_redirect(type, from_url, to_url)
        if (self.type, self.from_url, self.to_url) == (type, from_url, to_url):
            return False
        self._replace(type=type, from_url=from_url, to_url=to_url, actor=actor)
        return True

    def delete(self, actor: str) -> None:
        self._delete(actor=actor)

    @event("RedirectUpdated")
    def _replace(self, type: str, from_url: str, to_url: str, actor: str) -> None:
        self.type = type
        self.from_url = from_url
        self.to_url = to_url

    @event("RedirectDeleted")
    def _delete(self, actor: str) -> None:
        self.deleted = True
