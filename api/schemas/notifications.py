"""Notification resources: webhooks and email hooks of a project, alone or listed together.

A webhook's `secret` is write-only: accepted on create, PUT and PATCH, answered only by the create."""

from marshmallow import Schema, fields, pre_dump

from api.representation.links import absolute, notification_path, project_path
from api.representation.pagination import page_schema
from api.schemas.bodies import BodySchema
from api.schemas.common import Timestamp
from api.schemas.nested import NestedLinksSchema
from domain.notification import WEBHOOK_EVENTS


class NotificationSchema(Schema):
    """A webhook (`url`, `events`, `modified`) or an email hook (`email`); `type` tells which."""

    id = fields.Integer()
    type = fields.String(metadata={"enum": ["webhook", "email"]})
    project = fields.String(metadata={"description": "slug of the project"})
    created = Timestamp()
    modified = Timestamp()
    url = fields.String()
    events = fields.List(fields.String(metadata={"enum": list(WEBHOOK_EVENTS)}))
    email = fields.String()
    links = fields.Nested(NestedLinksSchema, data_key="_links")

    @pre_dump
    def shape(self, hook: dict, **kwargs) -> dict:
        project = hook["project_slug"]
        return {
            **hook,
            "project": project,
            "links": {
                "_self": absolute(notification_path(project, hook["type"], hook["id"])),
                "project": absolute(project_path(project)),
            },
        }


class WebhookSchema(NotificationSchema):
    class Meta:
        exclude = ("email",)


class CreatedWebhookSchema(WebhookSchema):
    secret = fields.String(metadata={"description": "answered here only, once: store it to verify signatures"})


class EmailHookSchema(NotificationSchema):
    class Meta:
        exclude = ("url", "events", "modified")


NotificationPageSchema = page_schema(NotificationSchema)
WebhookPageSchema = page_schema(WebhookSchema)
EmailHookPageSchema = page_schema(EmailHookSchema)

class WebhookUpdateSchema(BodySchema):
    """PATCH: any of the fields."""

    url = fields.String(metadata={"description": "http or https URL"})
    events = fields.List(fields.String(), metadata={"description": f"at least one of: {', '.join(WEBHOOK_EVENTS)}"})
    secret = fields.String(metadata={"description": "signs the payloads (HMAC); on create a random one is made when absent"})


class WebhookCreateSchema(WebhookUpdateSchema):
    """POST, and PUT (which replaces url and events; an absent secret keeps the current one)."""

    REQUIRED = ("url", "events")


class EmailHookCreateSchema(BodySchema):
    email = fields.String(required=True)
