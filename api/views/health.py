"""GET /api/v3/_health: the health report for load balancers and operators, without a token.
200 when ok or degraded (the API serves), 503 when a store or the broker cannot be reached."""

import hashlib
import json

from flask import g
from flask.views import MethodView

from api.blueprint import Blueprint
from api.context import services
from api.schemas.health import HealthSchema
from docsplane.health import system_status

blp = Blueprint("health", __name__, url_prefix="/api/v3", description="Health")


@blp.route("/_health")
class Health(MethodView):
    @blp.response(200, HealthSchema)
    @blp.alt_response(503, schema=HealthSchema, description="A store or the broker cannot be reached: `message` says which.",
                      headers={"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}})
    def get(self):
        """Event store head, each projector's and follower's position and lag, each loop's heartbeat
        and last error, and whether the stores and the broker are reachable."""
        report = system_status(services())
        g.resource_etag = state_tag(report)
        if report["status"] == "unavailable":
            return report, 503, {"Retry-After": "5"}
        return report


CLOCK_FIELDS = ("checked", "heartbeat", "heartbeat_age")


def state_tag(report: dict) -> str:
    """The answer's ETag: it changes with the state, not with the clock."""
    def stateful(node):
        if isinstance(node, dict):
            return {key: stateful(value) for key, value in node.items() if key not in CLOCK_FIELDS}
        return [stateful(item) for item in node] if isinstance(node, list) else node

    return hashlib.sha256(json.dumps(stateful(report), sort_keys=True).encode()).hexdigest()[:16]
