"""The Redirect aggregate: one user-defined redirect of a project's documentation URLs."""

from __future__ import annotations

import re
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


def validate_redirect(type: str, from_url: str, to_url: str) -> None:
    """The rules a redirect obeys, at creation and on every replacement."""
    require_choice("Redirect", "type", type, TYPES)
    urls = {"from_url": from_url, "to_url": to_url}
    for field, url in urls.items():
        if len(url) > URL_MAX:
            raise ValidationFailed("Redirect", field, "invalid", f"at most {URL_MAX} characters")
        if not _URL.fullmatch(url):
            raise ValidationFailed("Redirect", field, "invalid", "must not contain spaces or control characters")
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
