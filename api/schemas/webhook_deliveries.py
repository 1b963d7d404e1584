"""A webhook's delivery attempts: what each POST got, never what it carried (no payload, no secret)."""

from marshmallow import Schema, fields, pre_dump

from api.representation.links import absolute, build_path, notification_path, project_path
from api.representation.pagination import page_schema
from api.schemas.common import Timestamp
from domain.notification import WEBHOOK_EVENTS
from domain.webhook_delivery import OUTCOMES


class WebhookDeliveryLinksSchema(Schema):
    webhook = fields.String()
    build = fields.String()
    project = fields.String()


class WebhookDeliveryAttemptSchema(Schema):
    """One attempt to POST a build event to the webhook; `created` is when it started, `next_attempt`
    when the next one is due (only while the outcome is `retrying`)."""

    delivery = fields.String(metadata={"description": "the delivery's id, sent as `X-Docsplane-Delivery`: "
                                                      "the same on every attempt of one event to one webhook"})
    attempt = fields.Integer(metadata={"description": "1 for the first attempt of the delivery"})
    event = fields.String(metadata={"enum": list(WEBHOOK_EVENTS)})
    build = fields.Integer(metadata={"description": "the build's id"})
    status_code = fields.Integer(allow_none=True, metadata={"description": "the receiver's HTTP status; null without an answer"})
    error = fields.String(allow_none=True, metadata={"description": "why the attempt failed; null when it succeeded"})
    duration = fields.Float(metadata={"description": "seconds the attempt took"})
    outcome = fields.String(metadata={"enum": list(OUTCOMES),
                                      "description": "delivered (2xx), retrying (another attempt follows) or failed (no more)"})
    next_attempt = Timestamp(allow_none=True)  # when the next attempt is due (retrying only)
    created = Timestamp()  # when the attempt started
    links = fields.Nested(WebhookDeliveryLinksSchema, data_key="_links")

    @pre_dump
    def shape(self, row: dict, **kwargs) -> dict:
        project = row["project_slug"]
        return {
            **row,
            "delivery": row["delivery_id"],
            "build": row["build_id"],
            "duration": row["duration_ms"] / 1000,
            "next_attempt": row["next_attempt_at"],
            "links": {
                "webhook": absolute(notification_path(project, "webhook", row["webhook_id"])),
                "build": absolute(build_path(project, row["build_id"])),
                "project": absolute(project_path(project)),
            },
        }


WebhookDeliveryAttemptPageSchema = page_schema(WebhookDeliveryAttemptSchema)
