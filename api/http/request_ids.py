"""X-Request-Id and X-Correlation-Id: every request runs in a request context (the commands'
request_context), so every event it stores carries both ids, and every answer, errors included,
echoes them.

A client's ids are taken when sane (at most 128 of [A-Za-z0-9._:-]: they end up in logs and
tables), otherwise replaced by a generated one. The correlation id defaults to the request id."""

import re

from flask import g, request

from commands.handling.request_context import enter, leave

SANE = re.compile(r"[A-Za-z0-9._:-]{1,128}")
REQUEST_ID = "X-Request-Id"
CORRELATION_ID = "X-Correlation-Id"


def _sane(header: str) -> str | None:
    value = request.headers.get(header, "")
    return value if SANE.fullmatch(value) else None


def start() -> None:
    # Left in `end`, when the request is torn down (two hooks: no `with` block spans them).
    g.request_context, g.request_context_token = enter(_sane(REQUEST_ID), _sane(CORRELATION_ID))


def echo(response):
    context = g.get("request_context")
    if context is not None:
        response.headers[REQUEST_ID] = context.request_id
        response.headers[CORRELATION_ID] = context.correlation_id
    return response


def end(error=None) -> None:
    token = g.pop("request_context_token", None)
    if token is not None:
        leave(token)
