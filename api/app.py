"""The Flask application factory: configuration, blueprints, errors and the request pipeline around a wired Docsplane."""

import functools

from flask import Flask

from api import errors, pipeline
from api.browsable import swagger_ui
from api.dashboard import views as dashboard
from api.openapi import DocumentedApi
from api.representation import rendered
from api.representation.json_provider import OrjsonProvider
from api.views import build_commands, builds, environment_variables, flyout, notifications, projects, redirects, root, tokens, versions
from api.views import audit, health, maintainers, subprojects, translations, webhook_deliveries

BLUEPRINTS = (
    root.blp, projects.blp, versions.blp, builds.blp, tokens.blp, redirects.blp, environment_variables.blp,
    *notifications.blueprints, webhook_deliveries.blp, build_commands.blp, flyout.blp,
    subprojects.blp, translations.blp, maintainers.blp, audit.blp, health.blp,
)


def create_app(docsplane) -> Flask:
    app = configured(docsplane)
    api = DocumentedApi(app)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.register_blueprint(swagger_ui.blp)
    app.register_blueprint(dashboard.blp)  # HTML pages, outside the API's description
    errors.register(app)  # after Api(): replaces flask-smorest's own error format
    pipeline.install(app, docsplane.settings)
    return app


def configured(docsplane) -> Flask:
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
    rendered.install(app)  # tagged GET answers, rendered once per version of the resource
    return app
