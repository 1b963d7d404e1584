"""What runs around every view, in one list: the layers a request passes through, outermost first.

On the way in, the layers' `before` hooks run top to bottom, then the view. On the way out, their
`after` hooks run bottom to top: each layer's `after` sees the answer the layers inside it made
(Flask runs after_request hooks in the reverse order of their registration, so registering the list
top to bottom nests it). `teardown` hooks run bottom to top once the answer is sent, errors or not.
A hook that raises (a 401, a 429) skips the `before` hooks below it and the view; every `after`
hook still runs, on the error's answer."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

from api.access import auth, ratelimit, scopes
from api.browsable import html_answers as browsable
from api.http import body, conventions, etag, idempotency, options, request_ids, text
from api.representation import sparse_fields


@dataclass(frozen=True)
class Layer:
    why: str
    before: Callable | None = None
    after: Callable | None = None
    teardown: Callable | None = None
    install: Callable[[Flask], None] | None = None  # for a layer that registers its own hooks


def layers(settings) -> tuple[Layer, ...]:
    return (
        Layer("a browser gets the final JSON answer, with every header, as a page",
              after=browsable.render),
        Layer("every answer, a refusal too, echoes the request's ids; every event stored carries them",
              before=request_ids.start, after=request_ids.echo, teardown=request_ids.end),
        Layer("every request counts against its budget, even one refused below (Flask-Limiter's own hooks)",
              install=functools.partial(ratelimit.install, settings=settings)),
        Layer("every answer, a 429 too, tells the client its budget (X-RateLimit-*)",
              after=ratelimit.add_headers),
        Layer("a client names itself before anything else is looked at",
              before=conventions.require_user_agent),
        Layer("Accept picks the payload version (406 when none is served); the answer is labelled with it",
              before=conventions.negotiate, after=conventions.answer_in_negotiated_type),
        Layer("a URL with NUL names nothing, refused before anything looks a slug or a filter up",
              before=text.require_storable_url),
        Layer("who is asking (g.user), and whether the token's scope covers the route",
              before=auth.authenticate),
        Layer("the JSON body, parsed once for the scopes, the view and idempotency",
              before=body.parse_body),
        Layer("a write may name, in its body, only projects its token covers",
              before=scopes.authorize_body),
        Layer("?fields= and ?omit= name fields the answer has (422 before the view runs)",
              before=sparse_fields.check_selection),
        Layer("OPTIONS lists its methods in JSON rather than Flask's empty HTML answer",
              after=options.answer_options_in_json),
        Layer("the ETag is of the JSON answer (304 for If-None-Match), before anything makes it a page",
              after=etag.add_etag),
        Layer("innermost: it knows the user and the body, and records the view's own answer for a replay",
              install=idempotency.install),
    )


def install(app: Flask, settings) -> None:
    for layer in layers(settings):
        if layer.install is not None:
            layer.install(app)
        if layer.before is not None:
            app.before_request(layer.before)
        if layer.after is not None:
            app.after_request(layer.after)
        if layer.teardown is not None:
            app.teardown_request(layer.teardown)
