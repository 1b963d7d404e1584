"""User-defined redirects as Read the Docs applies them (readthedocs.redirects: its querysets and models):
the first enabled rule in `position` order whose `from_url` matches decides; a rule applies when the page
does not exist, or always when it is forced. `page` rules match the file within a version, `exact` rules the
whole path; both take a trailing `*` wildcard whose rest replaces `:splat` (the older `$rest` too)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

CLEAN_URL_TO_HTML = ("clean_url_to_html", "sphinx_html")  # the second: the name older records use
HTML_TO_CLEAN_URL = ("html_to_clean_url", "sphinx_htmldir")
EXTERNAL = re.compile(r"^https?://", re.IGNORECASE)
STATUSES = (301, 302)


@dataclass(frozen=True)
class Rule:
    type: str
    from_url: str
    to_url: str
    http_status: int = 302
    force: bool = False
    position: int = 0
    number: int = 0

    @classmethod
    def from_row(cls, row: dict) -> Rule | None:
        """A read-model row as a rule; None when disabled. Fields a row lacks take RTD's defaults."""
        if row.get("enabled") is False or row.get("enabled") == 0:
            return None
        from_url, to_url = row.get("from_url") or "", row.get("to_url") or ""
        if "$rest" in from_url:  # the older wildcard: what follows the prefix is appended to to_url
            from_url, to_url = from_url.split("$rest", 1)[0] + "*", to_url + ":splat"
        status = row.get("http_status") or 302
        return cls(row["type"], _normalized_from(from_url), _normalized_to(to_url),
                   status if status in STATUSES else 302, bool(row.get("force")), row.get("position") or 0, row.get("id") or 0)

    @property
    def prefix(self) -> str | None:
        """What a wildcard rule's paths start with; None without a wildcard."""
        return self.from_url[:-1] if self.from_url.endswith("*") else None


def _normalized_from(path: str) -> str:
    """One leading slash, no trailing one: `/docs` matches `/docs/` and `/docs` alike."""
    if not path or path.endswith("*"):
        return path and "/" + path.lstrip("/")
    return "/" + path.strip("/")


def _normalized_to(url: str) -> str:
    return url if not url or EXTERNAL.match(url) else "/" + url.lstrip("/")


def ordered(rows: list[dict]) -> list[Rule]:
    rules = [rule for rule in map(Rule.from_row, rows) if rule is not None]
    return sorted(rules, key=lambda rule: (rule.position, rule.number))


@dataclass(frozen=True)
class Request:
    """Where a request landed. `filename`: the path within the version ("/" at its root; "" when the path
    names no version); `path`: the whole path, no query; `resolve(filename)`: the full path of a file of
    the same project, language and version; `default_root`: the default version's root (prefix rules)."""

    filename: str
    path: str
    resolve: Callable[[str], str]
    default_root: str


def _strip_slash(path: str) -> str:
    return path.rstrip("/") or "/"


def matches(rule: Rule, at: Request) -> bool:
    filename, path = at.filename, at.path
    if rule.type == "exact" or rule.type == "prefix":
        prefix = rule.prefix if rule.type == "exact" else rule.from_url.rstrip("/") + "/"
        return path.startswith(prefix) if prefix is not None else _strip_slash(path) == rule.from_url
    if not filename:
        return False
    if rule.type == "page":
        return filename.startswith(rule.prefix) if rule.prefix is not None else _strip_slash(filename) == rule.from_url
    if filename in ("/", "/index.html"):  # the root has no other name to go to
        return False
    if rule.type in CLEAN_URL_TO_HTML:
        return filename.endswith(("/", "/index.html"))
    if rule.type in HTML_TO_CLEAN_URL:
        return filename.endswith(".html") and not filename.endswith("/index.html")
    return False


def _splat(rule: Rule, current: str) -> str | None:
    """to_url with the wildcard's rest; None when following it would redirect for ever (/a/* -> /a/b/:splat)."""
    if rule.prefix is None:
        return rule.to_url
    if ":splat" in rule.to_url:
        head = rule.to_url.split(":splat", 1)[0]
        if head.startswith(rule.prefix) and current.startswith(head):
            return None
    return rule.to_url.replace(":splat", current[len(rule.prefix):])


def target(rule: Rule, at: Request) -> str | None:
    """Where a matching rule sends the request (a path, or an http(s) URL)."""
    if rule.type == "exact":
        return _splat(rule, at.path)
    if rule.type == "prefix":  # Read the Docs' retired type: the rest, in the default version
        return at.default_root + at.path[len(rule.from_url.rstrip("/") + "/"):]
    if rule.type == "page":
        to = _splat(rule, at.filename)
        return to if to is None or EXTERNAL.match(to) else at.resolve(to)
    if rule.type in CLEAN_URL_TO_HTML:
        stem = at.filename.removesuffix("index.html").rstrip("/")
        return at.resolve(stem + ".html")
    return at.resolve(at.filename.removesuffix(".html") + "/")


def find(rules: list[Rule], at: Request, forced_only: bool = False) -> tuple[Rule, str] | None:
    """The first matching rule and its target, as Read the Docs picks it; None when none applies or the
    target is the request's own path (a loop)."""
    rule = next((r for r in rules if (r.force or not forced_only) and matches(r, at)), None)
    if rule is None:
        return None
    to = target(rule, at)
    if to is None or to == at.path:
        return None
    return rule, to
