"""Queries over the webhook read models: a webhook's delivery attempts (for its maintainers), and
for the webhook worker which webhooks an event goes to and which retries are due."""

from __future__ import annotations

import json
from datetime import datetime

from projections.query_parts import Page
from projections.webhook_deliveries.projection import instant

ATTEMPT_COLUMNS = (
    "delivery_id, attempt, project_slug, webhook_id, event, build_id, status_code, error, duration_ms, outcome,"
    " next_attempt_at, created"
)


class WebhookDeliveryQueries:
    def __init__(self, store):
        self.store = store

    def attempts(self, project_id: str, webhook_number: int, limit: int, offset: int) -> Page:
        """Every attempt to deliver to the webhook, newest first."""
        where = "FROM webhook_delivery_attempts WHERE project_id = ? AND webhook_id = ?"
        with self.store.reading() as tx:
            count = tx.execute(f"SELECT COUNT(*) AS n {where}", (project_id, webhook_number)).fetchone()["n"]
            rows = tx.execute(
                f"SELECT {ATTEMPT_COLUMNS} {where} ORDER BY created DESC, delivery_id DESC, attempt DESC LIMIT ? OFFSET ?",
                (project_id, webhook_number, limit, offset),
            ).fetchall()
        return Page(count, rows)

    def subscribed(self, project_id: str, event_name: str) -> list[dict]:
        """The project's webhooks that want this event (`aggregate_id`, `id`, `url`)."""
        rows = self.store.fetchall(
            "SELECT aggregate_id, id, url, events FROM webhooks WHERE project_id = ? ORDER BY id", (project_id,)
        )
        return [row for row in rows if event_name in json.loads(row["events"])]

    def due(self, now: datetime, limit: int) -> list[dict]:
        """Pending deliveries whose next attempt is due, soonest first, with their webhook's current URL.
        A deleted webhook's deliveries are left out (the join), whatever state they were left in."""
        return self.store.fetchall(
            "SELECT d.id, d.attempts, d.next_attempt_at, w.url FROM webhook_deliveries d"
            " JOIN webhooks w ON w.aggregate_id = d.webhook_aggregate_id"
            " WHERE d.state = 'pending' AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at LIMIT ?",
            (instant(now), limit),
        )
