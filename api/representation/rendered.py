"""A tagged resource's JSON answer, rendered once per version of the resource and shape of the request.

Dumping a project through its nested schemas, with the JSON encoding, is most of a GET's own work.
The answer is a pure function of the resource and of the request's inputs that the schemas read: the
route, the host and scheme the links are built on, the query string (`expand`, `fields`, `omit`),
and the caller (expand=permissions). The resource is named by its ETag (its aggregate version and a
hash of the resource as the query returned it), so a changed row is a new key, never a stale answer:
nothing has to be invalidated, and the read model is still asked on every request. Entries are
evicted oldest-first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import current_app, g, request
from marshmallow import Schema

from api.representation.json_provider import OrjsonProvider
from api.representation.sparse_fields import select

MAX_ENTRIES = 512  # a project's answer is a few KiB


class Renderings:
    def __init__(self, max_entries: int = MAX_ENTRIES):
        self._bodies: OrderedDict[tuple, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries

    def get(self, key: tuple) -> bytes | None:
        with self._lock:
            body = self._bodies.get(key)
            if body is not None:
                self._bodies.move_to_end(key)
            return body

    def put(self, key: tuple, body: bytes) -> None:
        with self._lock:
            self._bodies[key] = body
            while len(self._bodies) > self._max:
                self._bodies.popitem(last=False)

    def __len__(self) -> int:
        return len(self._bodies)


def install(app) -> None:
    app.extensions["docsplane.renderings"] = Renderings()


def _key() -> tuple:
    scope = g.get("scope")
    return (request.endpoint, g.resource_etag, request.scheme, request.host, request.query_string,
            g.get("user"), None if scope is None else (tuple(scope.projects or ()), scope.projects is None, scope.access))


def rendered(schema: Schema, resource: dict):
    """The answer flask-smorest's response wrapper would build from `resource` (dump, ?fields=/?omit=,
    JSON), from memory when the same version of it was rendered for the same request shape.
    `resource` must have been `etag.tagged`."""
    renderings: Renderings = current_app.extensions["docsplane.renderings"]
    key = _key()
    body = renderings.get(key)
    if body is not None:
        return current_app.response_class(body, mimetype="application/json")
    provider: OrjsonProvider = current_app.json
    response = provider.response(select(schema.dump(resource)))
    renderings.put(key, response.get_data())
    return response
