"""Commands on a project's notification targets: webhooks and email hooks (maintainers only), and
the read path of the notification worker, the one place where webhook secrets are decrypted.

Each create, URL change and delete saves the hook together with the claim on its URL or address,
in one atomic save, so a project never holds the same target twice, even under concurrency."""

from __future__ import annotations

import secrets
from typing import NamedTuple

from commands.handling.concurrency import retry_on_conflict
from commands.handling.loading import get_or_none, load_live, load_project
from commands.handling.preconditions import require_version
from commands.handling.result import Written
from commands.handling.secret_box import SecretBox
from domain.ids import email_hook_id, notification_target_claim_id, webhook_id
from domain.notification import (
    EmailHook,
    NotificationTargetClaim,
    Webhook,
    email_key,
    require_email,
    require_events,
    require_secret,
    require_url,
    url_key,
)
from domain.project import Project


class CreatedWebhook(NamedTuple):
    id: int
    secret: str  # answered once, in the create response; nothing readable holds it in clear


def load_webhook(app, project: Project, number: int) -> Webhook:
    return load_live(app, webhook_id(project.id, number), f"webhook {number} of project '{project.slug}'")


def load_email_hook(app, project: Project, number: int) -> EmailHook:
    return load_live(app, email_hook_id(project.id, number), f"email hook {number} of project '{project.slug}'")


class NotificationCommands:
    def __init__(self, app, ids, box: SecretBox):
        self.app = app
        self.ids = ids
        self.box = box

    # -- webhooks --------------------------------------------------------------------------------
    @retry_on_conflict
    def create_webhook(self, actor: str, project_slug: str, url: str, events: list,
                       secret: str | None = None) -> Written:
        """Create a webhook; without a `secret` a random one is made. The value is (id, secret)."""
        project = self._maintained(actor, project_slug)
        secret = secrets.token_hex(20) if secret is None else secret
        require_url(url)  # all checked before an id is reserved: a rejected create writes no event
        require_events(events)
        require_secret(secret)
        claim = self._free_claim(project, "webhook", url_key(url))
        webhook = Webhook.create(
            number=self.ids["webhook"].next(), project_id=project.id, project_slug=project.slug,
            url=url, events=events, secret_ciphertext=self.box.encrypt(secret), actor=actor,
        )
        claim = self._claim(claim, project, "webhook", url_key(url), webhook.number, actor)
        return Written(CreatedWebhook(webhook.number, secret), self.app.save(claim, webhook))

    @retry_on_conflict
    def update_webhook(self, actor: str, project_slug: str, number: int, changes: dict,
                       expected_version: int | None = None) -> Written:
        """Change `url`, `events` or `secret` (a PATCH; a PUT names url and events)."""
        project = self._maintained(actor, project_slug)
        webhook = load_webhook(self.app, project, number)
        require_version(webhook, expected_version)
        changes = dict(changes)
        if "secret" in changes:
            require_secret(changes["secret"])
            changes["secret_ciphertext"] = self.box.encrypt(changes.pop("secret"))
        old_key = url_key(webhook.url)
        webhook.update(actor, changes)
        touched = [webhook]
        new_key = url_key(webhook.url)
        if new_key != old_key:
            touched.append(self._claim(self._free_claim(project, "webhook", new_key), project, "webhook", new_key, number, actor))
            touched.append(self._released(project, "webhook", old_key, actor))
        return Written(number, self.app.save(*touched))

    @retry_on_conflict
    def delete_webhook(self, actor: str, project_slug: str, number: int, expected_version: int | None = None) -> Written:
        """Delete the webhook and free its URL, atomically."""
        project = self._maintained(actor, project_slug)
        webhook = load_webhook(self.app, project, number)
        require_version(webhook, expected_version)
        webhook.delete(actor)
        return Written(number, self.app.save(webhook, self._released(project, "webhook", url_key(webhook.url), actor)))

    def secret_for_webhook(self, project_slug: str, number: int) -> str:
        """The plain secret a worker signs this webhook's payloads with."""
        project = load_project(self.app, project_slug)
        return self.box.decrypt(load_webhook(self.app, project, number).secret_ciphertext)

    # -- email hooks -----------------------------------------------------------------------------
    @retry_on_conflict
    def create_email_hook(self, actor: str, project_slug: str, email: str) -> Written:
        project = self._maintained(actor, project_slug)
        require_email(email)
        claim = self._free_claim(project, "emailhook", email_key(email))
        hook = EmailHook.create(
            number=self.ids["emailhook"].next(), project_id=project.id, project_slug=project.slug, email=email, actor=actor,
        )
        claim = self._claim(claim, project, "emailhook", email_key(email), hook.number, actor)
        return Written(hook.number, self.app.save(claim, hook))

    @retry_on_conflict
    def delete_email_hook(self, actor: str, project_slug: str, number: int, expected_version: int | None = None) -> Written:
        """Delete the email hook and free its address, atomically."""
        project = self._maintained(actor, project_slug)
        hook = load_email_hook(self.app, project, number)
        require_version(hook, expected_version)
        hook.delete(actor)
        return Written(number, self.app.save(hook, self._released(project, "emailhook", email_key(hook.email), actor)))

    # -- helpers ---------------------------------------------------------------------------------
    def _maintained(self, actor: str, project_slug: str) -> Project:
        project = load_project(self.app, project_slug)
        project.ensure_maintainer(actor)
        return project

    def _free_claim(self, project: Project, kind: str, key: str) -> NotificationTargetClaim | None:
        """The claim on this target (None if it was never claimed); already_exists if a hook holds it."""
        claim = get_or_none(self.app, notification_target_claim_id(project.id, kind, key))
        if claim is not None:
            claim.require_free()
        return claim

    @staticmethod
    def _claim(claim, project: Project, kind: str, key: str, owner: int, actor: str) -> NotificationTargetClaim:
        if claim is None:
            return NotificationTargetClaim(project_id=project.id, kind=kind, key=key, owner=owner, actor=actor)
        claim.claim(owner, actor)
        return claim

    def _released(self, project: Project, kind: str, key: str, actor: str) -> NotificationTargetClaim:
        claim = self.app.repository.get(notification_target_claim_id(project.id, kind, key))
        claim.release(actor)
        return claim
