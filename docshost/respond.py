"""Decisions as HTTP answers: files with their type, validators and caching; in production an
`X-Accel-Redirect` to nginx's internal location instead of the bytes (the shipped docs nginx config)."""

from __future__ import annotations

import mimetypes
from urllib.parse import quote

from werkzeug.utils import send_file
from werkzeug.wrappers import Response

from docshost.decide import Redirect, Serve

PUBLIC_CACHE = "public, max-age=0, must-revalidate"  # cached, and revalidated by ETag: a new build shows at once
PRIVATE_CACHE = "private, no-store"
COMMON = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer-when-downgrade"}


def content_type(name: str) -> str:
    guessed = mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") or guessed in ("application/javascript", "image/svg+xml") else guessed


def etag(served: Serve) -> str:
    return f'"{served.content_hash or served.release_id}"'


def file_answer(served: Serve, environ, accel_prefix: str) -> Response:
    headers = {**COMMON, "Cache-Control": PRIVATE_CACHE if served.private else PUBLIC_CACHE}
    if not served.private:
        headers["ETag"] = etag(served)
        if served.status == 200 and etag(served) in _if_none_match(environ):
            return Response(status=304, headers=headers)
    if served.download_name:
        headers["Content-Disposition"] = f'attachment; filename="{served.download_name}"'
    if accel_prefix and served.status == 200:  # nginx would answer an internal redirect's file with 200
        return Response(status=served.status, headers={**headers, "Content-Type": content_type(served.path.name),
                                                      "X-Accel-Redirect": accel_prefix + quote(_stored_path(served))})
    response = send_file(served.path, environ, conditional=False, etag=False)
    response.status_code = served.status
    response.headers.update({**headers, "Content-Type": content_type(served.path.name)})
    return response


def _stored_path(served: Serve) -> str:
    """The file's place under the artifact root (the store's layout), for nginx's internal location."""
    return f"{served.project_slug}/{served.version_slug}/releases/{served.release_id}/{served.relative}"


def _if_none_match(environ) -> list[str]:
    return [tag.strip().removeprefix("W/") for tag in environ.get("HTTP_IF_NONE_MATCH", "").split(",")]


def redirect_answer(redirect: Redirect, query: str) -> Response:
    location = redirect.location
    if not location.startswith(("http://", "https://")):
        location = "/" + location.lstrip("/\\")  # never `//host`: a redirect stays on this host
    if query and "?" not in location:
        location += "?" + query
    return Response(status=redirect.status, headers={**COMMON, "Location": location, "Cache-Control": "no-store"})


def page_answer(body: str, status: int) -> Response:
    return Response(body, status=status, mimetype="text/html", headers={**COMMON, "Cache-Control": "no-store"})
