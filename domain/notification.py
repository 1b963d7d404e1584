"""Notification targets of a project: webhooks (signed POSTs on build events) and email hooks
(a mail on every failed build, as Read the Docs sends them), and the claims that keep each URL
and each address unique within a project."""

from __future__ import annotations

import re
from urllib.parse import urlsplit
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidSetting, NameTaken, UnchangeableField
from domain.ids import email_hook_id, notification_target_claim_id, webhook_id

# Read the Docs' webhook events, in the order they are documented and stored.
WEBHOOK_EVENTS = ("build:triggered", "build:passed", "build:failed")
URL_MAX = 600  # Read the Docs' own limit for a webhook URL
EMAIL_MAX = 254  # RFC 5321 path limit
SECRET_MAX = 255
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")  # used with fullmatch: `$` would let "\n" through
_HOST = re.compile(r"[\w-]+(\.[\w-]+)*\.?")  # DNS names (IDN letters too) and IPv4; IPv6 keeps its ':'s


# -- value rules --------------------------------------------------------------------------------

def require_url(url) -> None:
    """An absolute http(s) URL with a host: where a build worker can POST."""
    if not isinstance(url, str) or not url or len(url) > URL_MAX or any(c.isspace() or not c.isprintable() for c in url):
        raise InvalidSetting("Webhook", "url", f"an http or https URL of at most {URL_MAX} characters, without spaces")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError:
        raise InvalidSetting("Webhook", "url", "not a valid URL", value=url) from None
    host = parts.hostname or ""
    if parts.scheme.lower() not in ("http", "https") or not host or (":" not in host and not _HOST.fullmatch(host)):
        raise InvalidSetting("Webhook", "url", "an absolute http or https URL with a host")


def require_events(events) -> list[str]:
    """A non-empty list of documented events; returned de-duplicated in the documented order."""
    if not isinstance(events, list) or not events:
        raise InvalidSetting("Webhook", "events", f"at least one of {', '.join(WEBHOOK_EVENTS)}")
    for name in events:
        if name not in WEBHOOK_EVENTS:
            raise InvalidSetting("Webhook", "events", f"'{name}' is not one of {', '.join(WEBHOOK_EVENTS)}")
    return [name for name in WEBHOOK_EVENTS if name in events]


def require_secret(secret) -> None:
    """Checked on the plain secret, before it is encrypted. Messages never quote it."""
    if not isinstance(secret, str) or not secret or len(secret) > SECRET_MAX:
        raise InvalidSetting("Webhook", "secret", f"a non-empty string of at most {SECRET_MAX} characters")


def require_email(email) -> None:
    if not isinstance(email, str) or len(email) > EMAIL_MAX or not _EMAIL.fullmatch(email):
        raise InvalidSetting("EmailHook", "email", "not a valid email address", value=email)


def url_key(url: str) -> str:
    """What makes two webhook URLs the same: scheme and host are case-insensitive, the rest is not."""
    parts = urlsplit(url)
    userinfo, at, host = parts.netloc.rpartition("@")
    return parts._replace(scheme=parts.scheme.lower(), netloc=userinfo + at + host.lower()).geturl()


def email_key(email: str) -> str:
    return email.lower()


# -- aggregates ---------------------------------------------------------------------------------

class Webhook(Aggregate):
    """The secret that signs payloads is a write-side secret: aggregates and events hold only its
    ciphertext (the write side validates and encrypts the plain value before deciding), and no read
    model holds it at all. The API answers it once, in the create response."""

    @staticmethod
    def create_id(project_id: UUID, number: int) -> UUID:
        return webhook_id(project_id, number)

    @event("WebhookCreated")
    def __init__(self, *, number: int, project_id: UUID, project_slug: str, url: str, events: list,
                 secret_ciphertext: str, actor: str):
        self.number = number
        self.project_id = project_id
        self.project_slug = project_slug
        self.url = url
        self.events = events
        self.secret_ciphertext = secret_ciphertext
        self.deleted = False

    @classmethod
    def create(cls, *, url: str, events: list, **kwargs) -> Webhook:
        require_url(url)
        return cls(url=url, events=require_events(events), **kwargs)

    def update(self, actor: str, changes: dict) -> dict:
        """Change `url`, `events` or `secret_ciphertext`; returns the effective changes (empty:
        nothing happened). A new secret always counts: equal secrets never encrypt alike."""
        unknown = set(changes) - {"url", "events", "secret_ciphertext"}
        if unknown:
            raise UnchangeableField("Webhook", sorted(unknown)[0], "this field cannot be changed")
        changes = dict(changes)
        if "url" in changes:
            require_url(changes["url"])
        if "events" in changes:
            changes["events"] = require_events(changes["events"])
        effective = {k: v for k, v in changes.items() if getattr(self, k) != v}
        if effective:
            self._update(changes=effective, actor=actor)
        return effective

    @event("WebhookUpdated")
    def _update(self, changes: dict, actor: str) -> None:
        for field, value in changes.items():
            setattr(self, field, value)

    def delete(self, actor: str) -> None:
        self._delete(actor=actor)

    @event("WebhookDeleted")
    def _delete(self, actor: str) -> None:
        self.deleted = True


class EmailHook(Aggregate):
    @staticmethod
    def create_id(project_id: UUID, number: int) -> UUID:
        return email_hook_id(project_id, number)

    @event("EmailHookCreated")
    def __init__(self, *, number: int, project_id: UUID, project_slug: str, email: str, actor: str):
        self.number = number
        self.project_id = project_id
        self.project_slug = project_slug
        self.email = email
        self.deleted = False

    @classmethod
    def create(cls, *, email: str, **kwargs) -> EmailHook:
        require_email(email)
        return cls(email=email, **kwargs)

    def delete(self, actor: str) -> None:
        self._delete(actor=actor)

    @event("EmailHookDeleted")
    def _delete(self, actor: str) -> None:
        self.deleted = True


# Which field a claim of each kind guards, for the already_exists error.
CLAIMED_FIELDS = {"webhook": ("Webhook", "url"), "emailhook": ("EmailHook", "email")}


class NotificationTargetClaim(Aggregate):
    """Which hook of a project holds a URL (kind "webhook") or an address (kind "emailhook").

    Its id derives from project, kind and key, so two concurrent creates of the same target both
    try to record version 1 of the same claim, and the event store accepts exactly one of them."""

    @staticmethod
    def create_id(project_id: UUID, kind: str, key: str) -> UUID:
        return notification_target_claim_id(project_id, kind, key)

    @event("NotificationTargetClaimed")
    def __init__(self, *, project_id: UUID, kind: str, key: str, owner: int, actor: str):
        self.project_id = project_id
        self.kind = kind
        self.key = key
        self.owner: int | None = owner

    def require_free(self) -> None:
        if self.owner is not None:
            resource, field = CLAIMED_FIELDS[self.kind]
            raise NameTaken(resource, field, f"another {resource} of this project has this {field}")

    def claim(self, owner: int, actor: str) -> None:
        self.require_free()
        self._claim(owner=owner, actor=actor)

    @event("NotificationTargetReclaimed")
    def _claim(self, owner: int, actor: str) -> None:
        self.owner = owner

    def release(self, actor: str) -> None:
        if self.owner is not None:
            self._release(actor=actor)

    @event("NotificationTargetReleased")
    def _release(self, actor: str) -> None:
        self.owner = None
