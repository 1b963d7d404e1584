"""ETags and conditional requests: If-None-Match → 304 on reads, If-Match → 412 on stale writes.

Every GET/HEAD answer under /api/v3 carries an ETag. A resource's tag is
`"<aggregate_version>-<hash>"`: the version of the aggregate behind the read-model row (column
`aggregate_version`) and a hash of the row as the query returned it, nested data included (a
project's tag changes when one of its active versions does). The hash is of the resource, not of
its rendering, so a write can recompute the tag without rendering, and `?fields=`/`?expand=` do
not change it (caches key on the whole URL). Answers without a tagged resource (lists, the root,
routes that have not adopted it) get a hash of their body.

Adopting it in a route is one call per method:

    def get(self, project_slug):
        return tagged(visible_project(project_slug))          # GET: tag this resource

    def patch(self, body, project_slug):                          # PATCH/PUT/DELETE
        expected = if_match(lambda: visible_project(project_slug))  # the loader the GET uses
        services().projects.update_project(..., expected_version=expected)

The resource must carry `aggregate_version` (its read-model row's column, kept equal to the
aggregate's version by every handler of its projection).

`if_match` is None without an If-Match header (the write is unconditional) and for `If-Match: *`
(the loader's 404 already covers "does not exist"). Otherwise the header must name the current tag
exactly (a weak or malformed tag never matches), else 412; the aggregate version it returns goes
into the command, which checks it against the aggregate it loads (commands.handling.preconditions), so a
write landing between this check and the command is caught too.

flask-smorest's own `Blueprint.etag` does not fit: it makes If-Match mandatory (428, which breaks
the seeds' plain PATCH examples), its tag is a bare hash that cannot carry the aggregate version,
and its 304 is an exception our JSON error handler would answer with a body.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

import orjson
from flask import g, request

from api.errors import ApiError

READS = ("GET", "HEAD")
# Dates as str() renders them, as the json.dumps fallback does.
CANONICAL = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _canonical(resource: dict) -> bytes:
    """The resource as JSON with sorted keys (orjson: faster than json.dumps, and a
    GET hashes every resource it answers); the standard library for what orjson refuses."""
    try:
        return orjson.dumps(resource, default=str, option=CANONICAL)
    except TypeError:
        return json.dumps(resource, sort_keys=True, separators=(",", ":"), default=str).encode()


def tag_of(resource: dict) -> str:
    """The (unquoted) ETag of a read-model resource that carries `aggregate_version`."""
    return f"{resource['aggregate_version']}-{_digest(_canonical(resource))}"


def tagged(resource: dict) -> dict:
    """Mark the resource a GET answers with; its tag becomes the answer's ETag."""
    g.resource_etag = tag_of(resource)
    return resource


def if_match(current: Callable[[], dict]) -> int | None:
    """The aggregate version a write must find, from If-Match; 412 when stale.

    `current` loads the resource as its GET does (aborting 404 when it is not visible); it runs only
    when the request carries If-Match."""
    if "If-Match" not in request.headers:
        return None
    resource = current()
    if request.if_match.star_tag:
        return None
    if not request.if_match.contains(tag_of(resource)):
        raise ApiError(412, "Precondition failed: If-Match does not name the resource's current ETag; "
                            "GET it again and retry")
    return resource["aggregate_version"]


def add_etag(response):
    """after_request: the ETag of a successful read, and 304 when If-None-Match names it."""
    if request.method not in READS or response.status_code != 200 or response.is_streamed:
        return response
    if response.direct_passthrough:  # a file (Swagger UI's assets): send_file tagged it already
        return response
    response.set_etag(g.get("resource_etag") or _digest(response.get_data()))
    if request.if_none_match.contains_weak(response.get_etag()[0]):
        response.status_code = 304
        response.set_data(b"")
    return response
