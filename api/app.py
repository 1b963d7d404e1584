"""The Flask application factory: blueprints, auth, body parsing and errors around a wired Docsplane."""

import functools
import json

from flask import Flask, request

from api import errors
from api.access import auth
from api.http import body
from api.browsable import html_answers as browsable
from api.http import conventions
from api.http import etag
from api.http import idempotency
from api.access import ratelimit
from api.representation import rendered
from api.http import request_ids
from api.access import scopes
from api.representation import sparse_fields
from api.browsable import swagger_ui
from api.http import text
from api.representation.json_provider import OrjsonProvider
from api.dashboard import views as dashboard
from api.openapi import DocumentedApi
from api.views import build_commands, builds, environment_variables, flyout, notifications, projects, redirects, root, tokens, versions
from api.views import audit, health, maintainers, subprojects, translations, webhook_deliveries


def create_app(docsplane) -> Flask:
    app = Flask("docsplane")
    # Flask asks whether each hook and view is async many times a request, through inspect.
    app.ensure_sync = functools.lru_cache(maxsize=1024)(app.ensure_sync)
    app.config.update(
        API_TITLE="docsplane",
        API_VERSION="v3",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v3",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs/",  # interactive documentation, public
        OPENAPI_SWAGGER_UI_URL=swagger_ui.ASSETS_URL,  # served from a package: the page works offline
        MAX_CONTENT_LENGTH=docsplane.settings.max_body_bytes,
    )
    app.url_map.strict_slashes = False  # /projects/pip and /projects/pip/ are the same resource
    app.json = OrjsonProvider(app)
    app.json.sort_keys = True
    app.extensions["docsplane"] = docsplane
    rendered.install(app)  # tagged GET answers rendered once per resource version (api/representation/rendered.py)
    api = DocumentedApi(app)
    for blueprint in (
        root.blp, projects.blp, versions.blp, builds.blp, tokens.blp, redirects.blp, environment_variables.blp,
        *notifications.blueprints, webhook_deliveries.blp, build_commands.blp, flyout.blp,
        subprojects.blp, translations.blp, maintainers.blp, audit.blp, health.blp,
    ):
        api.register_blueprint(blueprint)
    app.register_blueprint(swagger_ui.blp)
    app.register_blueprint(dashboard.blp)  # HTML pages outside the API's description (api/dashboard/)
    errors.register(app)  # after Api(): replaces flask-smorest's own error format
    request_ids.install(app)  # first of all: every answer echoes X-Request-Id, every event stored carries it
    ratelimit.install(app, docsplane.settings)  # first: every answer counts and carries X-RateLimit-*
    conventions.install(app)  # User-Agent, Accept: before authentication
    app.before_request(text.require_storable_url)  # before anything looks a slug or a filter up
    app.before_request(auth.authenticate)
    app.before_request(body.parse_body)
    app.before_request(scopes.authorize_body)  # projects a body names, once it is parsed
    app.before_request(sparse_fields.check_selection)  # ?fields= / ?omit=
    browsable.register(app)  # HTML pages for browsers
    app.after_request(json_options)
    etag.install(app)  # after_request hooks run last-registered first: the ETag is of the JSON answer
    idempotency.install(app)  # last: its before_request has the user and the body, its after_request the view's answer
    return app


def json_options(response):
    """Flask answers OPTIONS by itself with an empty HTML body; answer JSON listing the methods."""
    if request.method == "OPTIONS" and response.status_code == 200 and not response.get_data():
        methods = [m.strip() for m in response.headers.get("Allow", "").split(",") if m.strip()]
        response.set_data(json.dumps({"methods": sorted(methods)}))
        response.mimetype = "application/json"
    return response
