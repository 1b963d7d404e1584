"""Every error the API answers, as JSON in the seed's format, decided in this one place."""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from flask import jsonify, request
from werkzeug.exceptions import HTTPException

from commands.handling.save_outcome import SaveOutcomeUnknown, saved_before_outage
from docsplane.unavailable import UNAVAILABLE_ERRORS, unavailable_store
from domain.errors import (
    AlreadyTaken, DomainError, FieldError, InvalidValue, NotAllowed, ReferenceMissing, RequiredValueMissing, StaleWrite,
    StateMovedOn, StoredAnswerUnreadable, UnknownResource,
)

log = logging.getLogger("docsplane.api")

MISSING_MESSAGES = ("Missing data for required field.",)
SHORT_MESSAGES = {404: "Not found.", 405: "Method not allowed.", 413: "Request body too large."}
RESOURCES = {
    "projects": "Project", "versions": "Version", "builds": "Build", "tokens": "Token", "redirects": "Redirect",
    "environment_variables": "EnvironmentVariable", "build_commands": "BuildCommand", "flyout": "Flyout",
    "notifications": "Notification", "webhooks": "Webhook", "emailhooks": "EmailHook",
    "webhook_deliveries": "WebhookDelivery",
    "subprojects": "Subproject", "translations": "Project", "maintainers": "Maintainer", "events": "Event",
}


@dataclass(frozen=True)
class Answer:
    """How the API answers a kind of domain error: a 422 with its seed-004 `code`, or another status
    with a `message`."""

    status: int
    code: str = ""
    message: Callable[[DomainError], str] = str


# An error is answered as the nearest of its classes found here.
ANSWERS: dict[type[DomainError], Answer] = {
    InvalidValue: Answer(422, "invalid"),
    RequiredValueMissing: Answer(422, "missing_field"),
    ReferenceMissing: Answer(422, "missing"),
    AlreadyTaken: Answer(422, "already_exists"),
    UnknownResource: Answer(404, message=lambda error: "Not found."),
    NotAllowed: Answer(403, message=lambda error: f"Permission denied: {error}"),
    StateMovedOn: Answer(409),
    StoredAnswerUnreadable: Answer(409),
    StaleWrite: Answer(412, message=lambda error: (
        "Precondition failed: the resource changed since it was read "
        f"(version {error.current}, If-Match named {error.expected})"
    )),
}


def answer_for(error: DomainError) -> Answer:
    for kind in type(error).__mro__:
        if kind in ANSWERS:
            return ANSWERS[kind]
    raise LookupError(f"no answer for {type(error).__name__}: add its class, or a base of it, to ANSWERS")


def code_of(error: FieldError) -> str:
    """The seed-004 code a 422 gives for `error`."""
    return answer_for(error).code


def domain_error(error: DomainError):
    """The answer to a refused decision: a 422 names the error's resource and field."""
    answer = answer_for(error)
    if isinstance(error, FieldError):
        return validation_failed([{"resource": error.resource, "field": error.field, "code": answer.code,
                                   "message": error.message}])
    return json_answer(answer.status, {"message": answer.message(error)})


def current_resource() -> str:
    """The resource a 422 names: that of the request's blueprint."""
    return RESOURCES.get(request.blueprint or "", "Request")


class ApiError(Exception):
    """An error answer decided outside a view (auth, body parsing)."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def json_answer(status: int, body: dict, headers=None):
    response = jsonify(body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def validation_failed(errors: list[dict]):
    return json_answer(422, {"message": "Validation Failed", "errors": errors})


def _flatten(messages, resource: str, prefix: str = "") -> list[dict]:
    """webargs' nested {location: {field: [messages]}} → [{resource, field, code, message}]."""
    errors = []
    for key, value in messages.items():
        field = f"{prefix}.{key}" if prefix else str(key)
        if key == "_schema":  # marshmallow's key for an error of the whole (nested) object
            field = prefix or field
        if isinstance(value, dict):
            errors.extend(_flatten(value, resource, field))
            continue
        texts = value if isinstance(value, list) else [value]
        code = "missing_field" if any(t in MISSING_MESSAGES for t in texts) else "invalid"
        errors.append({"resource": resource, "field": field, "code": code, "message": " ".join(map(str, texts))})
    return errors


def handle_http(error: HTTPException):
    data = getattr(error, "data", None) or {}
    if error.code == 422 and "messages" in data:
        resource = current_resource()
        errors = []
        for location_messages in data["messages"].values():
            errors.extend(_flatten(location_messages, resource))
        return validation_failed(errors)
    headers = dict(error.get_headers())
    headers.pop("Content-Type", None)
    message = data.get("message") or SHORT_MESSAGES.get(error.code) or error.description or error.name
    return json_answer(error.code or 500, {"message": message}, headers)


def register(app) -> None:
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(ApiError, lambda e: json_answer(e.status, {"message": e.message}, e.headers))
    app.register_error_handler(DomainError, domain_error)
    for unavailable in UNAVAILABLE_ERRORS:
        app.register_error_handler(unavailable, _unavailable)
    app.register_error_handler(Exception, _internal)


def _unavailable(error: Exception):
    """A connection-level failure of a store: 503, never a 500, and the pools heal by themselves
    once the database is back (no restart)."""
    store = unavailable_store(error)
    if store is None:  # e.g. sqlite3's "no such table": a bug, not an outage
        return _internal(error)
    log.error("%s unavailable on %s %s: %s", store, request.method, request.path, " ".join(str(error).split()))
    if isinstance(error, SaveOutcomeUnknown):
        message = (f"The {store} became unavailable while the change was being recorded: it may or may not have "
                   "been recorded. Check before retrying.")
    elif saved_before_outage():  # recorded, then the answer could not be read
        message = f"Accepted. The change is recorded, but the {store} is unavailable to show it; GET it shortly."
        return json_answer(202, {"message": message}, {"Retry-After": "5"})
    else:
        message = f"The {store} is unavailable; nothing was changed. Retry shortly."
    return json_answer(503, {"message": message}, {"Retry-After": "5"})


def _internal(error: Exception):
    if isinstance(error, HTTPException):
        return handle_http(error)
    log.exception("unhandled error on %s %s", request.method, request.path)
    return json_answer(500, {"message": "Internal server error; it has been logged."})
