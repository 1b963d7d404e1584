"""The browsable API (design doc, seed 000): a browser GETting any route gets the JSON answer as an
HTML page whose URLs into the API are links to follow, with a form that keeps an API token in a
cookie. API clients (Accept: application/json, */*, or none) get the JSON unchanged."""

from __future__ import annotations

import functools
import json
import secrets
from html import escape
from http import HTTPStatus
from urllib.parse import urlsplit

from flask import render_template_string, request
from markupsafe import Markup
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from api.browsable.template import PAGE
from api.context import services
from docshost.hosts import docs_domain

TOKEN_COOKIE = "docsplane_token"  # read by authentication, for GET and HEAD only
PAGE_METHODS = ("GET", "HEAD")
VARY = ("Accept", "Cookie")
CSP = ("default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
       "form-action 'none'; base-uri 'none'; frame-ancestors 'none'")


def wants_html() -> bool:
    """A browser navigating: text/html preferred to JSON (`*/*` alone means JSON)."""
    if request.method not in PAGE_METHODS:
        return False
    return _prefers_html(request.headers.get("Accept"))


@functools.lru_cache(maxsize=256)
def _prefers_html(accept: str | None) -> bool:
    """By the Accept header's text: clients send the same few on every request."""
    return parse_accept_header(accept, MIMEAccept).best_match(["application/json", "text/html"]) == "text/html"


def render(response):
    """after_request, the last: the final JSON answer (errors included) and its headers as a page, for browsers."""
    if request.method in PAGE_METHODS:  # both choose what a GET answers
        if "Vary" in response.headers:
            response.vary.update(VARY)
        else:
            response.headers["Vary"] = ", ".join(VARY)  # what update() writes, without parsing a header set
    if not wants_html() or response.mimetype != "application/json" or request.blueprint == "api-docs":
        return response
    raw = response.get_data()
    if not raw:
        return response
    headers = [(name, value) for name, value in response.headers.items() if name != "Content-Length"]
    nonce = secrets.token_urlsafe(16)
    response.set_data(render_template_string(
        PAGE,
        nonce=nonce,
        cookie=TOKEN_COOKIE,
        request_line=f"{request.method} {request.full_path.rstrip('?')}",
        status_line=f"HTTP {response.status_code} {HTTPStatus(response.status_code).phrase}",
        status=response.status_code,
        headers=headers,
        body=Markup(_json_html(json.loads(raw), followable())),
    ))
    response.mimetype = "text/html"
    # The page is another representation than the JSON: it must not be taken for it by a cache
    # (no ETag), and it shows what the token may see (not stored).
    response.headers.pop("ETag", None)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = CSP.format(nonce=nonce)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def api_prefix() -> str:
    return request.host_url.rstrip("/") + "/api/v3/"


def followable():
    """Which strings become links: URLs into the API, the dashboard's pages, and the docs hosts."""
    prefixes = (api_prefix(), request.host_url.rstrip("/") + "/projects/")
    domain = "." + docs_domain(services().settings.docs_url)

    def follow(text: str) -> bool:
        if text.startswith(prefixes):
            return True
        parts = urlsplit(text) if text.startswith(("http://", "https://")) else None
        return bool(parts and parts.hostname and parts.hostname.endswith(domain))

    return follow


def _json_html(value, follow, depth: int = 0) -> str:
    """Pretty-printed JSON, every token HTML-escaped; strings that are URLs to follow (`follow(text)`) are links."""
    inner, outer = "    " * (depth + 1), "    " * depth
    if isinstance(value, dict) and value:
        items = [f"{inner}{escape(_dumps(key), quote=False)}: {_json_html(item, follow, depth + 1)}" for key, item in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{outer}}}"
    if isinstance(value, list) and value:
        items = [inner + _json_html(item, follow, depth + 1) for item in value]
        return "[\n" + ",\n".join(items) + f"\n{outer}]"
    text = escape(_dumps(value), quote=False)
    if isinstance(value, str) and follow(value):
        return f'<a href="{escape(value)}">{text}</a>'
    return text


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
