"""Queries over the `webhooks` and `email_hooks` read models (which hold no secrets), each kind
alone or both in one list. Every row carries its `type`: "webhook" or "email"."""

from __future__ import annotations

import json

from projections.nested_queries import NestedQueries
from projections.query_parts import Page

WEBHOOK_COLUMNS = "'webhook' AS type, id, aggregate_version, project_slug, url, events, created, modified"
EMAIL_COLUMNS = "'email' AS type, id, aggregate_version, project_slug, email, created"
# Both kinds in one list: the columns the other kind lacks come back NULL and are dropped.
ALL_SELECT = (
    f"SELECT {WEBHOOK_COLUMNS}, NULL AS email FROM webhooks WHERE project_id = ?"
    " UNION ALL SELECT 'email' AS type, id, aggregate_version, project_slug, NULL AS url, NULL AS events,"
    " created, NULL AS modified, email FROM email_hooks WHERE project_id = ?"
)


def _webhook(row: dict) -> dict:
    return {**row, "events": json.loads(row["events"])}


class WebhookQueries(NestedQueries):
    table = "webhooks"
    columns = WEBHOOK_COLUMNS

    def decode(self, row: dict) -> dict:
        return _webhook(row)


class EmailHookQueries(NestedQueries):
    table = "email_hooks"
    columns = EMAIL_COLUMNS


class NotificationQueries:
    def __init__(self, store):
        self.store = store
        self.webhooks = WebhookQueries(store)
        self.email_hooks = EmailHookQueries(store)

    def list(self, project_id: str, limit: int, offset: int) -> Page:
        """Every webhook and email hook of the project, in the order they were created."""
        params = (project_id, project_id)
        with self.store.reading() as tx:
            count = tx.execute(f"SELECT COUNT(*) AS n FROM ({ALL_SELECT}) AS hooks", params).fetchone()["n"]
            rows = tx.execute(
                f"SELECT * FROM ({ALL_SELECT}) AS hooks ORDER BY created, type DESC, id LIMIT ? OFFSET ?",
                (*params, limit, offset),
            ).fetchall()
        hooks = [{k: v for k, v in row.items() if v is not None} for row in rows]
        return Page(count, [_webhook(h) if h["type"] == "webhook" else h for h in hooks])
