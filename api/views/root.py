"""GET /api/v3/: where to start browsing."""

from flask.views import MethodView
from marshmallow import Schema, fields

from api.blueprint import Blueprint
from api.representation.links import absolute

blp = Blueprint("root", __name__, url_prefix="/api/v3", description="API root")


class RootLinksSchema(Schema):
    _self = fields.String(data_key="_self")
    projects = fields.String()


class RootSchema(Schema):
    projects = fields.String()
    links = fields.Nested(RootLinksSchema, data_key="_links")


@blp.route("/")
class Root(MethodView):
    @blp.response(200, RootSchema)
    def get(self):
        """Links to the resources."""
        projects = absolute("/api/v3/projects/")
        return {"projects": projects, "links": {"_self": absolute("/api/v3/"), "projects": projects}}
