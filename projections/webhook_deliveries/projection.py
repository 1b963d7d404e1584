"""Read model of webhook deliveries: one row per delivery (what the webhook worker's retry loop
polls: the pending ones and when each is due) and one row per attempt (what maintainers list).

Neither holds a secret nor a payload: an attempt is its number, status code or error, duration."""

from domain.notification import Webhook
from domain.project import Project
from domain.webhook_delivery import WebhookDelivery
from projections.read_model import ReadModelProjection, handles


def instant(moment) -> str | None:
    """Fixed-width UTC times, so that comparing the text compares the times (the `due` query)."""
    return None if moment is None else moment.isoformat(timespec="microseconds")


class WebhookDeliveriesProjection(ReadModelProjection):
    name = "webhook_deliveries"
    tables = ("webhook_deliveries", "webhook_delivery_attempts")
    ddl = (
        """CREATE TABLE IF NOT EXISTS webhook_deliveries (
            id TEXT PRIMARY KEY,
            webhook_aggregate_id TEXT NOT NULL,
            project_id TEXT NOT NULL,
            project_slug TEXT NOT NULL,
            webhook_id BIGINT NOT NULL,
            event TEXT NOT NULL,
            build_id BIGINT NOT NULL,
            state TEXT NOT NULL,
            attempts BIGINT NOT NULL,
            next_attempt_at TEXT,
            aggregate_version BIGINT NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at)",
        "CREATE INDEX IF NOT EXISTS webhook_deliveries_webhook ON webhook_deliveries (webhook_aggregate_id)",
        "CREATE INDEX IF NOT EXISTS webhook_deliveries_project ON webhook_deliveries (project_id)",
        # The delivery's webhook, event and build are copied in, so a list is one indexed query.
        """CREATE TABLE IF NOT EXISTS webhook_delivery_attempts (
            delivery_id TEXT NOT NULL,
            attempt BIGINT NOT NULL,
            webhook_aggregate_id TEXT NOT NULL,
            project_id TEXT NOT NULL,
            project_slug TEXT NOT NULL,
            webhook_id BIGINT NOT NULL,
            event TEXT NOT NULL,
            build_id BIGINT NOT NULL,
            status_code BIGINT,
            error TEXT,
            duration_ms BIGINT NOT NULL,
            outcome TEXT NOT NULL,
            next_attempt_at TEXT,
            created TEXT NOT NULL,
            aggregate_version BIGINT NOT NULL,
            PRIMARY KEY (delivery_id, attempt)
        )""",
        "CREATE INDEX IF NOT EXISTS webhook_delivery_attempts_webhook"
        " ON webhook_delivery_attempts (project_id, webhook_id, created)",
        "CREATE INDEX IF NOT EXISTS webhook_delivery_attempts_hook ON webhook_delivery_attempts (webhook_aggregate_id)",
    )

    @handles(WebhookDelivery.WebhookDeliveryStarted)
    def started(self, tx, e):
        tx.execute(
            "INSERT INTO webhook_deliveries (id, webhook_aggregate_id, project_id, project_slug, webhook_id, event,"
            " build_id, state, attempts, aggregate_version) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?)",
            (str(e.originator_id), str(e.webhook_aggregate_id), str(e.project_id), e.project_slug, e.webhook_number,
             e.event_name, e.build_number, e.originator_version),
        )

    @handles(WebhookDelivery.WebhookDeliveryAttempted)
    def attempted(self, tx, e):
        delivery = str(e.originator_id)
        tx.execute(
            "INSERT INTO webhook_delivery_attempts (delivery_id, attempt, webhook_aggregate_id, project_id, project_slug,"
            " webhook_id, event, build_id, status_code, error, duration_ms, outcome, next_attempt_at, created,"
            " aggregate_version)"
            " SELECT id, ?, webhook_aggregate_id, project_id, project_slug, webhook_id, event, build_id, ?, ?, ?, ?, ?, ?, ?"
            " FROM webhook_deliveries WHERE id = ?",
            (e.attempt, e.status_code, e.error, round(e.duration * 1000), e.outcome, instant(e.next_attempt_at),
             instant(e.started), e.originator_version, delivery),
        )
        tx.execute(
            "UPDATE webhook_deliveries SET state = ?, attempts = ?, next_attempt_at = ?, aggregate_version = ? WHERE id = ?",
            ("pending" if e.outcome == "retrying" else e.outcome, e.attempt, instant(e.next_attempt_at),
             e.originator_version, delivery),
        )

    @handles(Webhook.WebhookDeleted)
    def webhook_deleted(self, tx, e):
        """A deleted webhook's deliveries are neither listed nor retried any more."""
        for table in self.tables:
            tx.execute(f"DELETE FROM {table} WHERE webhook_aggregate_id = ?", (str(e.originator_id),))

    @handles(Project.ProjectDeleted)
    def project_deleted(self, tx, e):
        self.drop_project_rows(tx, e)
