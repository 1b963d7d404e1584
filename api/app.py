"""The Flask application factory: blueprints, auth, body parsing and errors around a wired Docsplane."""

import json

from flask import Flask, request
from flask_smorest import Api

from api import auth, body, errors
from api.views import builds, projects, root, versions


def create_app(docsplane) -> Flask:
    app = Flask("docsplane")
    app.config.update(
        API_TITLE="docsplane",
        API_VERSION="v3",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v3",
        OPENAPI_JSON_PATH="openapi.json",
        MAX_CONTENT_LENGTH=docsplane.settings.max_body_bytes,
    )
    app.url_map.strict_slashes = False  # /projects/pip and /projects/pip/ are the same resource
    app.json.sort_keys = True
    app.extensions["docsplane"] = docsplane
    api = Api(app)
    for blueprint in (root.blp, projects.blp, versions.blp, builds.blp):
        api.register_blueprint(blueprint)
    errors.register(app)  # after Api(): replaces flask-smorest's own error format
    app.before_request(auth.authenticate)
    app.before_request(body.parse_body)
    app.after_request(json_options)
    return app


def json_options(response):
    """Flask answers OPTIONS by itself with an empty HTML body; answer JSON listing the methods."""
    if request.method == "OPTIONS" and response.status_code == 200 and not response.get_data():
        methods = [m.strip() for m in response.headers.get("Allow", "").split(",") if m.strip()]
        response.set_data(json.dumps({"methods": sorted(methods)}))
        response.mimetype = "application/json"
    return response
