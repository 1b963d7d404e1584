"""`Idempotency-Key` on every POST (CI systems retry): the same key with the same request answers the
first answer again (`Idempotent-Replayed: true`) without writing again; with another request, 422.

Per authenticated user (every POST needs a token). The key must be 1 to 255 printable ASCII
characters, else 422. A request is the same when its method, path (trailing slash aside), query and
canonical JSON body are (compared by a keyed hash). The flow of a claim (made here, saved with the
request's first write, replayed from here) is explained in the commands' idempotency module; these
hooks are its HTTP side. A request finding the key held by one still in flight waits for its answer,
up to the write wait plus a second, then answers 409 with Retry-After."""

from __future__ import annotations

import json
import logging
import re
import time
from datetime import datetime, timedelta, timezone
from contextlib import ExitStack
from urllib.parse import urlencode

from flask import Response, g, request

from api.context import services
from api.errors import current_resource, domain_error, json_answer, validation_failed
from commands.handling.idempotency import KeyInUse, claiming
from domain.errors import InvalidValue, StoredAnswerUnreadable

log = logging.getLogger("docsplane.api")

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
WITHHELD = "Idempotent-Withheld"  # the fields a replay lacks (the plain token of POST /tokens/)
VALID = re.compile(r"[\x20-\x7e]{1,255}")  # printable ASCII
POLL = 0.05  # seconds between looks for the answer of a request still in flight
IN_FLIGHT_RETRY_AFTER = "1"
ABANDONED = timedelta(minutes=2)  # no request runs this long: a claim this old without an answer was abandoned


def install(app) -> None:
    """Register after the hooks that authenticate and parse the body, and its after_request last,
    so that it runs first and records the view's answer before other hooks dress it (a replay is
    dressed by them again: request ids, rate-limit headers, the browsable page)."""
    app.before_request(begin)
    app.after_request(finish)
    app.teardown_request(end)
    app.register_error_handler(KeyInUse, key_in_use)


def _canonical_request() -> bytes:
    body = g.get("json_body")
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False) if isinstance(body, dict) else ""
    query = urlencode(sorted(request.args.items(multi=True)))
    return "\n".join(("POST", _path(), query, text)).encode()


def _path() -> str:
    return request.path.rstrip("/") + "/"  # /projects/pip and /projects/pip/ are one resource


def begin():
    """before_request: replay, refuse, or let the request run with its claim pending."""
    if request.method != "POST" or HEADER not in request.headers or request.url_rule is None:
        return None
    if g.get("user") is None:  # no POST takes anonymous callers (401 before this); nothing to scope a key to
        return None
    key = request.headers[HEADER]
    if not VALID.fullmatch(key):
        raise InvalidValue(current_resource(), HEADER, "1 to 255 printable ASCII characters")
    idempotency = services().idempotency
    claim = idempotency.claim(g.user, key, "POST", _path(), _canonical_request())
    holder = idempotency.find(claim)
    if holder is not None:
        return answer_as(holder, claim)
    g.idempotency_claim = claim
    g.idempotency_scope = ExitStack()
    g.idempotency_scope.enter_context(claiming(claim))
    return None


def finish(response):
    """after_request: record the answer of a request whose claim was saved with its write."""
    claim = g.pop("idempotency_claim", None)
    if claim is None:
        return response
    idempotency = services().idempotency
    if claim.saved is None:
        # It wrote nothing, so its key stays free; unless a request with the same key wrote
        # meanwhile (this one then failed for that write, e.g. already_exists): answer as that one.
        holder = idempotency.find(claim)
        return response if holder is None else answer_as(holder, claim)
    try:
        idempotency.record_response(claim, response.status_code, dict(response.headers), response.get_data())
    except Exception:  # the write is done and answered; a retry with this key gets 409 instead of a replay
        log.exception("could not record the answer to %s %s for its Idempotency-Key", request.method, request.path)
    return response


def end(error=None) -> None:
    scope = g.pop("idempotency_scope", None)
    if scope is not None:
        scope.close()


def key_in_use(error: KeyInUse):
    """The command's save met the claim of another request with the same key."""
    g.pop("idempotency_claim", None)  # answered here: `finish` has nothing more to do
    holder = services().idempotency.find(error.claim)
    return _in_flight() if holder is None else answer_as(holder, error.claim)


def answer_as(holder, claim):
    """The answer to a request whose key `holder` holds: 422 for another request, else the
    holder's answer once recorded (waiting for it briefly), else 409."""
    if not holder.same_request(claim.fingerprint):
        return validation_failed([{
            "resource": current_resource(), "field": HEADER, "code": "invalid",
            "message": "this key was used for another request (method, path, query or body differ); use a new key",
        }])
    idempotency = services().idempotency
    deadline = time.monotonic() + services().settings.write_wait_timeout + 1.0
    while not holder.answered and time.monotonic() < deadline:
        time.sleep(POLL)
        holder = idempotency.find(claim)
    if not holder.answered:
        return _in_flight(holder)
    try:
        stored = idempotency.answer(holder)
    except StoredAnswerUnreadable as error:
        return domain_error(error)
    response = Response(stored.body, status=stored.status, headers=stored.headers)
    response.headers[REPLAYED] = "true"
    if stored.withheld:
        response.headers[WITHHELD] = ", ".join(stored.withheld)
    return response


def _in_flight(holder=None):
    """409: the holder is still running; or, long after its claim, it died between its write and
    recording its answer (a crashed process): then retrying cannot help, and the client is told so."""
    if holder is not None and datetime.now(timezone.utc) - holder.created_on > ABANDONED:
        message = (f"The request that used this {HEADER} at {holder.created_on.isoformat()} was interrupted after "
                   "its change was recorded, and its answer was lost: the change stands. GET the resource to see "
                   "it; retrying with this key will not write it again.")
        return json_answer(409, {"message": message})
    message = f"A request with this {HEADER} is still in progress; retry after Retry-After seconds."
    return json_answer(409, {"message": message}, {"Retry-After": IN_FLIGHT_RETRY_AFTER})
