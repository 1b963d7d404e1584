"""Notifications of a project: webhooks and email hooks, each kind under its own collection, and
both in one list. Targets are private to maintainers, reads too: another user gets 403 on a public
project and 404 on a private one (which does not exist for them)."""

from flask import abort
from flask.views import MethodView

from api.blueprint import Blueprint
from api.context import current_user, services
from api.http.etag import if_match, tagged
from api.representation.links import absolute, notification_path
from api.representation.pagination import PageArgs, envelope, limit_of
from api.access.project_access import maintained_project
from api.schemas.notifications import (
    CreatedWebhookSchema,
    EmailHookCreateSchema,
    EmailHookPageSchema,
    EmailHookSchema,
    NotificationPageSchema,
    WebhookCreateSchema,
    WebhookPageSchema,
    WebhookSchema,
    WebhookUpdateSchema,
)
from api.writes import answer_write

PREFIX = "/api/v3/projects/<project_slug>/notifications"
ID = "int(max=9223372036854775807)"  # BIGINT
blp = Blueprint("notifications", __name__, url_prefix=PREFIX, description="Notifications: webhooks and email hooks")
webhooks = Blueprint("webhooks", __name__, url_prefix=PREFIX, description="Webhooks: signed POSTs on build events")
emails = Blueprint("emailhooks", __name__, url_prefix=PREFIX, description="Email hooks: a mail on every failed build")
blueprints = (blp, webhooks, emails)


def webhook_of(project_slug: str, number: int) -> dict:
    project = maintained_project(project_slug)
    return services().notification_queries.webhooks.get(project["aggregate_id"], number) or abort(404)


def email_hook_of(project_slug: str, number: int) -> dict:
    project = maintained_project(project_slug)
    return services().notification_queries.email_hooks.get(project["aggregate_id"], number) or abort(404)


def update_webhook(project_slug: str, number: int, body: dict):
    expected = if_match(lambda: webhook_of(project_slug, number))
    return services().notifications.update_webhook(current_user(), project_slug, number, body, expected_version=expected)


def changed(written, project_slug: str, type_: str, number: int, answer=None):
    """The answer to a change of a webhook or an email hook (`answer_write`)."""
    return answer_write(written, absolute(notification_path(project_slug, type_, number)), answer)


@blp.route("/")
class Notifications(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, NotificationPageSchema)
    def get(self, args, project_slug):
        """Every webhook and email hook of the project, oldest first; `type` tells which."""
        project = maintained_project(project_slug)
        return envelope(services().notification_queries.list(project["aggregate_id"], limit_of(args), args["offset"]), args)


@webhooks.route("/webhooks/")
class Webhooks(MethodView):
    @webhooks.arguments(PageArgs, location="query")
    @webhooks.response(200, WebhookPageSchema)
    def get(self, args, project_slug):
        """The project's webhooks, oldest first (never their secrets)."""
        project = maintained_project(project_slug)
        page = services().notification_queries.webhooks.list(project["aggregate_id"], limit_of(args), args["offset"])
        return envelope(page, args)

    @webhooks.arguments(WebhookCreateSchema)
    @webhooks.response(201, CreatedWebhookSchema)
    def post(self, body, project_slug):
        """Create a webhook. The answer holds its `secret`, this once only (also in a 202)."""
        written = services().notifications.create_webhook(current_user(), project_slug, **body)
        number, secret = written.value
        location = absolute(notification_path(project_slug, "webhook", number))
        return answer_write(written, location, lambda: webhook_of(project_slug, number), 201, secret=secret)


@webhooks.route(f"/webhooks/<{ID}:webhook_id>/")
class WebhookDetail(MethodView):
    @webhooks.response(200, WebhookSchema)
    def get(self, project_slug, webhook_id):
        """A webhook (without its secret)."""
        return tagged(webhook_of(project_slug, webhook_id))

    @webhooks.arguments(WebhookUpdateSchema)
    @webhooks.response(204)
    def patch(self, body, project_slug, webhook_id):
        """Change any of `url`, `events`, `secret`; with If-Match, only if it still has that ETag."""
        written = update_webhook(project_slug, webhook_id, body)
        return changed(written, project_slug, "webhook", webhook_id)

    @webhooks.arguments(WebhookCreateSchema)
    @webhooks.response(200, WebhookSchema)
    def put(self, body, project_slug, webhook_id):
        """Replace `url` and `events`; a `secret` replaces the secret, its absence keeps it."""
        written = update_webhook(project_slug, webhook_id, body)
        return changed(written, project_slug, "webhook", webhook_id, lambda: webhook_of(project_slug, webhook_id))

    @webhooks.response(204)
    def delete(self, project_slug, webhook_id):
        """Delete a webhook; its URL may be used again."""
        expected = if_match(lambda: webhook_of(project_slug, webhook_id))
        written = services().notifications.delete_webhook(current_user(), project_slug, webhook_id, expected_version=expected)
        return changed(written, project_slug, "webhook", webhook_id)


@emails.route("/emails/")
class EmailHooks(MethodView):
    @emails.arguments(PageArgs, location="query")
    @emails.response(200, EmailHookPageSchema)
    def get(self, args, project_slug):
        """The project's email hooks, oldest first."""
        project = maintained_project(project_slug)
        page = services().notification_queries.email_hooks.list(project["aggregate_id"], limit_of(args), args["offset"])
        return envelope(page, args)

    @emails.arguments(EmailHookCreateSchema)
    @emails.response(201, EmailHookSchema)
    def post(self, body, project_slug):
        """Add an address that is mailed on every failed build."""
        written = services().notifications.create_email_hook(current_user(), project_slug, body["email"])
        location = absolute(notification_path(project_slug, "email", written.value))
        return answer_write(written, location, lambda: email_hook_of(project_slug, written.value), 201)


@emails.route(f"/emails/<{ID}:hook_id>/")
class EmailHookDetail(MethodView):
    @emails.response(200, EmailHookSchema)
    def get(self, project_slug, hook_id):
        """An email hook."""
        return tagged(email_hook_of(project_slug, hook_id))

    @emails.response(204)
    def delete(self, project_slug, hook_id):
        """Delete an email hook; its address may be added again. With If-Match, only if it still has that ETag."""
        expected = if_match(lambda: email_hook_of(project_slug, hook_id))
        written = services().notifications.delete_email_hook(current_user(), project_slug, hook_id, expected_version=expected)
        return changed(written, project_slug, "email", hook_id)
