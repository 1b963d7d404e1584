"""A webhook's delivery attempts, newest first: as private as the webhook (maintainers only).
The webhook worker records them."""

from flask import abort
from flask.views import MethodView

from api.blueprint import Blueprint
from api.context import services
from api.representation.pagination import PageArgs, envelope, limit_of
from api.access.project_access import maintained_project
from api.schemas.webhook_deliveries import WebhookDeliveryAttemptPageSchema

blp = Blueprint(
    "webhook_deliveries", __name__,
    url_prefix="/api/v3/projects/<project_slug>/notifications/webhooks/<int(max=9223372036854775807):webhook_id>",
    description="Webhook deliveries: every attempt to POST a build event to a webhook",
)


@blp.route("/deliveries/")
class WebhookDeliveryList(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, WebhookDeliveryAttemptPageSchema)
    def get(self, args, project_slug, webhook_id):
        """Every attempt to deliver to this webhook, newest first: status code or error, duration, outcome."""
        project_id = maintained_project(project_slug)["aggregate_id"]
        services().notification_queries.webhooks.get(project_id, webhook_id) or abort(404)
        return envelope(services().webhook_delivery_queries.attempts(project_id, webhook_id, limit_of(args), args["offset"]), args)
