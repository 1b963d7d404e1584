"""Swagger UI at /api/v3/docs/ without a CDN: flask-smorest renders the page (OPENAPI_SWAGGER_UI_PATH),
and its scripts and styles are the swagger-ui-dist files the flask-swagger-ui package ships, served
from here, so the page works offline."""

from pathlib import Path

import flask_swagger_ui
from flask import Blueprint

ASSETS_URL = "/api/v3/docs/assets/"  # OPENAPI_SWAGGER_UI_URL: the page loads swagger-ui-bundle.js etc. from here
DIST = Path(flask_swagger_ui.__file__).resolve().parent / "dist"

# Public like the page itself (authentication lets every "api-docs…" endpoint through).
blp = Blueprint("api-docs-assets", __name__, static_folder=str(DIST), static_url_path="", url_prefix=ASSETS_URL.rstrip("/"))
