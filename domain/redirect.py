"""The Redirect aggregate: one user-defined redirect of a project's documentation URLs, with Read the
Docs' fields (readthedocs/redirects/models.py): type, from_url, to_url, http_status, description,
enabled, force and position.

`position` orders a project's redirects, and moving one shifts the others: that is a relation between
redirects, so the aggregate records the position asked for and the `redirects` read model, following
the events in log order, places each redirect as Read the Docs' ProjectItemPositionManager does."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidSetting, RequiredValueMissing
from domain.ids import redirect_id
from domain.rules.values import require_choice
from domain.events.upcasting import versioned

CLEAN_URL_TO_HTML = "clean_url_to_html"
HTML_TO_CLEAN_URL = "html_to_clean_url"
# Which URLs each type needs. `prefix` is seed 002's; the two clean-URL types rewrite every page and keep no URLs.
REQUIRED_URLS = {
    "page": ("from_url", "to_url"),
    "exact": ("from_url", "to_url"),
    CLEAN_URL_TO_HTML: (),
    HTML_TO_CLEAN_URL: (),
    "prefix": ("from_url",),
}
TYPES = tuple(REQUIRED_URLS)
# Seed 002's names of the clean-URL types, which Read the Docs renamed (its migration 0007): accepted, stored renamed.
RENAMED_TYPES = {"sphinx_html": CLEAN_URL_TO_HTML, "sphinx_htmldir": HTML_TO_CLEAN_URL}
ACCEPTED_TYPES = TYPES + tuple(RENAMED_TYPES)
HTTP_STATUSES = (302, 301)
DEFAULTS = {"from_url": "", "to_url": "", "http_status": 302, "description": "", "enabled": True, "force": False,
            "position": 0}
FIELDS = ("type", *DEFAULTS)
URL_MAX = 255  # Read the Docs' column size
DESCRIPTION_MAX = 255
SPLAT = ":splat"
# Paths and URLs never hold whitespace or control characters (NUL would also break PostgreSQL TEXT).
_URL = re.compile(r"[^\s\x00-\x1f\x7f]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_EXTERNAL = re.compile(r"^https?://", re.IGNORECASE)
# What a redirect's URLs may be once normalised. A browser resolves a path with `..` segments or a
# backslash against the documentation's host out of the project's space: refused, not stored.
PATH_RULE = "a path within the project's documentation: no '..' segments or backslashes"
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


def normalized_from_url(path: str) -> str:
    """Read the Docs' `normalize_from_url`: one leading slash, no trailing one (both forms match)."""
    return "/" + path.rstrip("/").lstrip("/")


def normalized_to_url(path: str) -> str:
    """Read the Docs' `normalize_to_url`: an http(s) URL as it is, anything else a path from the root."""
    return path if _EXTERNAL.match(path) else "/" + path.lstrip("/")


def _refuse(field: str, message: str, error: type = InvalidSetting):
    raise error("Redirect", field, message)


def _check_url_text(field: str, url) -> None:
    if not isinstance(url, str):
        _refuse(field, "must be a string")
    if len(url) > URL_MAX:
        _refuse(field, f"at most {URL_MAX} characters")
    if not _URL.fullmatch(url):
        _refuse(field, "must not contain spaces or control characters")


def _check_wildcards(from_url: str, to_url: str) -> None:
    """Read the Docs' rules for `*` (readthedocs/redirects/validators.py)."""
    if from_url.endswith("$rest"):
        _refuse("from_url", "the $rest wildcard has been removed in favor of *")
    if "*" in from_url and not from_url.endswith("*"):
        _refuse("from_url", "the * wildcard must be at the end of the path")
    if SPLAT in to_url and not from_url.endswith("*"):
        _refuse("to_url", f"the * wildcard must be at the end of from_url to use the {SPLAT} placeholder in to_url")


def _check_settings(settings: dict) -> None:
    require_choice("Redirect", "http_status", settings["http_status"], HTTP_STATUSES)
    for flag in ("enabled", "force"):
        if not isinstance(settings[flag], bool):
            _refuse(flag, "must be true or false")
    description = settings["description"]
    if not isinstance(description, str) or len(description) > DESCRIPTION_MAX:
        _refuse("description", f"a text of at most {DESCRIPTION_MAX} characters")
    position = settings["position"]
    if isinstance(position, bool) or not isinstance(position, int) or position < 0:
        _refuse("position", "a whole number, 0 or more")


def redirect_settings(current: dict, changes: dict) -> dict:
    """`current` (every field, or DEFAULTS for a new redirect) with `changes` applied, as Read the
    Docs stores it: the type under its current name, the URLs normalised; refused when a rule is broken."""
    settings = {**current, **changes}
    settings["type"] = RENAMED_TYPES.get(settings.get("type"), settings.get("type"))
    require_choice("Redirect", "type", settings["type"], TYPES)
    _check_settings(settings)
    if settings["type"] in (CLEAN_URL_TO_HTML, HTML_TO_CLEAN_URL):
        return {**settings, "from_url": "", "to_url": ""}  # Read the Docs clears them for these types
    for field in ("from_url", "to_url"):
        _check_url_text(field, settings[field])
    for field in REQUIRED_URLS[settings["type"]]:
        if not settings[field]:
            _refuse(field, f"a '{settings['type']}' redirect needs {field}", RequiredValueMissing)
    from_url = normalized_from_url(settings["from_url"]) if settings["from_url"] else ""
    to_url = normalized_to_url(settings["to_url"]) if settings["to_url"] else ""
    if from_url and not is_docs_path(from_url):
        _refuse("from_url", f"must be {PATH_RULE}")
    if to_url and not (is_docs_path(to_url) or is_external_url(to_url)):
        _refuse("to_url", f"must be {PATH_RULE}, or an http(s) URL")
    _check_wildcards(from_url, to_url)
    return {**settings, "from_url": from_url, "to_url": to_url}


class Redirect(Aggregate):
    @staticmethod
    def create_id(project_id: UUID, number: int) -> UUID:
        return redirect_id(project_id, number)

    @event("RedirectCreated")
    def __init__(
        self, *, project_id: UUID, project_slug: str, number: int, type: str, from_url: str, to_url: str,
        http_status: int, description: str, enabled: bool, force: bool, position: int, actor: str,
    ):
        self.project_id = project_id
        self.project_slug = project_slug
        self.number = number
        self.type = type
        self.from_url = from_url
        self.to_url = to_url
        self.http_status = http_status
        self.description = description
        self.enabled = enabled
        self.force = force
        self.position = position
        self.deleted = False

    @classmethod
    def create(cls, *, project_id: UUID, project_slug: str, number: int, actor: str, **fields) -> Redirect:
        settings = redirect_settings(DEFAULTS, fields)
        return cls(project_id=project_id, project_slug=project_slug, number=number, actor=actor, **settings)

    def settings(self) -> dict:
        return {field: getattr(self, field) for field in FIELDS}

    def change(self, actor: str, changes: dict) -> dict:
        """PATCH and PUT: the given fields become these; returns what changed (empty: no event).
        A given position is always recorded: where it lands depends on the other redirects."""
        settings = redirect_settings(self.settings(), changes)
        effective = {k: v for k, v in settings.items() if v != getattr(self, k) or (k == "position" and k in changes)}
        if effective:
            self._update(changes=effective, actor=actor)
        return effective

    def delete(self, actor: str) -> None:
        self._delete(actor=actor)

    @event("RedirectUpdated")
    def _update(self, changes: dict, actor: str) -> None:
        for field, value in changes.items():
            setattr(self, field, value)

    @event("RedirectDeleted")
    def _delete(self, actor: str) -> None:
        self.deleted = True


# -- what earlier releases recorded ------------------------------------------------------------
def _renamed(type: str) -> str:
    return RENAMED_TYPES.get(type, type)


def _created_v1_v2(state: dict) -> None:
    """Release 1: no status, description, flags or position; the Sphinx type names. Read the Docs'
    migration 0007 put each project's redirects newest first: inserting each at 0 does the same."""
    state["type"] = _renamed(state["type"])
    for field in ("http_status", "description", "enabled", "force", "position"):
        state.setdefault(field, DEFAULTS[field])


def _updated_v1_v2(state: dict) -> None:
    """Release 1 replaced the whole redirect: type, from_url and to_url."""
    state["changes"] = {"type": _renamed(state.pop("type")), "from_url": state.pop("from_url"),
                        "to_url": state.pop("to_url")}


def _redirect_v1_v2(state: dict) -> None:
    _created_v1_v2(state)


versioned(Redirect.RedirectCreated, _created_v1_v2)
versioned(Redirect.RedirectUpdated, _updated_v1_v2)
versioned(Redirect, _redirect_v1_v2)
