"""Read model of notification targets: one row per live webhook and per email hook.

A webhook's secret is never projected: only the write side (the aggregate's events) holds it."""

from domain.notification import EmailHook, Webhook
from domain.project import Project
from projections.read_model import ReadModelProjection, as_json, handles, update_row
from projections.times import event_time


class NotificationsProjection(ReadModelProjection):
    name = "notifications"
    tables = ("webhooks", "email_hooks")
    ddl = (
        """CREATE TABLE IF NOT EXISTS webhooks (
            id BIGINT PRIMARY KEY,
            aggregate_id TEXT NOT NULL UNIQUE,
            project_id TEXT NOT NULL,
            project_slug TEXT NOT NULL,
            url TEXT NOT NULL,
            events TEXT NOT NULL,
            created TEXT NOT NULL,
            modified TEXT NOT NULL,
            aggregate_version BIGINT NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS webhooks_project ON webhooks (project_id, created)",
        """CREATE TABLE IF NOT EXISTS email_hooks (
            id BIGINT PRIMARY KEY,
            aggregate_id TEXT NOT NULL UNIQUE,
            project_id TEXT NOT NULL,
            project_slug TEXT NOT NULL,
            email TEXT NOT NULL,
            created TEXT NOT NULL,
            aggregate_version BIGINT NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS email_hooks_project ON email_hooks (project_id, created)",
    )

    @handles(Webhook.WebhookCreated)
    def webhook_created(self, tx, e):
        tx.execute(
            "INSERT INTO webhooks (id, aggregate_id, project_id, project_slug, url, events, created, modified,"
            " aggregate_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (e.number, str(e.originator_id), str(e.project_id), e.project_slug, e.url, as_json(e.events),
             event_time(e), event_time(e), e.originator_version),
        )

    @handles(Webhook.WebhookUpdated)
    def webhook_updated(self, tx, e):
        values = {"url": e.changes["url"]} if "url" in e.changes else {}
        if "events" in e.changes:
            values["events"] = as_json(e.changes["events"])
        update_row(tx, "webhooks", e, values)  # a new secret changes only `modified` and `aggregate_version`

    @handles(Webhook.WebhookDeleted)
    def webhook_deleted(self, tx, e):
        tx.execute("DELETE FROM webhooks WHERE aggregate_id = ?", (str(e.originator_id),))

    @handles(EmailHook.EmailHookCreated)
    def email_hook_created(self, tx, e):
        tx.execute(
            "INSERT INTO email_hooks (id, aggregate_id, project_id, project_slug, email, created, aggregate_version)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (e.number, str(e.originator_id), str(e.project_id), e.project_slug, e.email, event_time(e), e.originator_version),
        )

    @handles(EmailHook.EmailHookDeleted)
    def email_hook_deleted(self, tx, e):
        tx.execute("DELETE FROM email_hooks WHERE aggregate_id = ?", (str(e.originator_id),))

    @handles(Project.ProjectDeleted)
    def project_deleted(self, tx, e):
        self.drop_project_rows(tx, e)
