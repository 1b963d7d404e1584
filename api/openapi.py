"""The OpenAPI description: flask-smorest's, completed for every operation with what the API does
around the views (authentication, the error answers, ?fields=/?omit=/?expand=). It is done by an
apispec plugin at registration, so routes added later are documented the same way without repeating
it on each view."""

from __future__ import annotations

from apispec import BasePlugin
from flask import current_app
from flask_smorest import Api
from flask_smorest.spec.plugins import FlaskPlugin

from api.access import auth
from api.browsable.html_answers import TOKEN_COOKIE
from api.schemas.errors import AcceptedSchema, ErrorSchema

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
WRITES = ("post", "put", "patch", "delete")

# Why each error can answer an operation; `_errors_of` decides which operations it applies to.
ERRORS = {
    400: "No `User-Agent` header; or a body that is not JSON (`Problems parsing JSON`) or not a JSON object "
         "(`Body should be a JSON Hash`).",
    401: "No token, a malformed `Authorization` header, or an unknown or revoked token.",
    403: "The caller may not do this (not a maintainer), or the token's scope excludes it.",
    404: "No such resource, or a private one the caller may not see.",
    406: "The `Accept` header allows no representation this operation answers.",
    409: "Concurrent writes kept conflicting; nothing was changed. Retry. On a POST also: a request with the "
         "same `Idempotency-Key` is still in progress (retry after `Retry-After` seconds).",
    412: "`If-Match` names a state of the resource that is no longer current; nothing was changed.",
    413: "The body is larger than the server's limit (`DOCSPLANE_MAX_BODY_BYTES`), whatever the method; "
         "refused as soon as `Content-Length` says so.",
    422: "Validation Failed: a body field or query parameter (including `fields`, `omit`, `expand`) is "
         "invalid, or (POST) the `Idempotency-Key` is malformed or was used for another request; `errors` "
         "lists each one as {resource, field, code, message}.",
    429: "Too many requests; retry after `Retry-After` seconds.",
    431: "The request's headers are larger than the server accepts.",
    503: "A database is unavailable; nothing was changed unless the message says the change may have been recorded. "
         "Retry after `Retry-After` seconds.",
}
RETRY_AFTER = {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}}
ERROR_HEADERS = {
    401: {"WWW-Authenticate": {"description": 'Token realm="api"', "schema": {"type": "string"}}},
    409: RETRY_AFTER,
    429: RETRY_AFTER,
    503: RETRY_AFTER,
}

# Query parameters that shape any JSON answer.
SHAPE_PARAMETERS = {
    "fields": "Comma-separated fields to return; dotted for nested objects (`name,language.code`). "
              "On a list, applies to each item of `results`. An unknown name is a 422.",
    "omit": "Comma-separated fields to leave out; dotted for nested objects. On a list, applies to each "
            "item of `results`. An unknown name is a 422.",
    "expand": "Comma-separated nested objects to add to the answer. Operations that have some list them; "
              "elsewhere there is nothing to expand and the parameter is ignored.",
}
IDEMPOTENCY_KEY = {
    "description": "Makes a retried POST safe: 1 to 255 printable ASCII characters, scoped "
                   "to the caller. The first request with a key runs; a retry with the same key, method, path, "
                   "query and body answers the first answer again, with `Idempotent-Replayed: true`, and "
                   "writes nothing. The key with another request is a 422; while the first is in progress, "
                   "409 with `Retry-After`. A request that wrote nothing (an error) leaves the key free.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x20-\\x7e]+$"},
}

DESCRIPTION = """\
The Read the Docs APIv3, served by docsplane.

**Authentication**: `Authorization: Token <token>`. In a browser, the pages of the browsable API
(any GET with `Accept: text/html`) offer a form that keeps the token in a cookie, accepted for GET only.

**Every resource** takes `?fields=` and `?omit=` (comma-separated, dotted for nested objects).

**Errors** are JSON: `{"message": ..., "errors": [{"resource", "field", "code", "message"}]}`, with
`errors` on 422 only; codes `missing`, `missing_field`, `invalid`, `already_exists`.

**Writes** answer once their change is visible to the next GET; when that takes too long they answer
202 with a `Location` to poll. A POST with an `Idempotency-Key` header can be retried safely.
"""


class ApiConventionsPlugin(BasePlugin):
    """Adds to each operation its error responses, its security and the query parameters that shape answers."""

    def init_spec(self, spec) -> None:
        spec.components.security_scheme(
            "Token", {"type": "apiKey", "in": "header", "name": "Authorization", "description": "`Token <token>`"}
        )
        spec.components.security_scheme(
            "TokenCookie",
            {"type": "apiKey", "in": "cookie", "name": TOKEN_COOKIE,
             "description": "The browsable API's cookie; accepted for GET and HEAD only (no CSRF on writes)."},
        )
        for code, description in ERRORS.items():
            response = {"description": description, "content": {"application/json": {"schema": ErrorSchema}}}
            if code in ERROR_HEADERS:
                response["headers"] = ERROR_HEADERS[code]
            spec.components.response(f"Error{code}", response, lazy=True)
        spec.components.response(
            "Accepted",
            {"description": "The change is recorded but not yet visible; GET the `Location` shortly.",
             "content": {"application/json": {"schema": AcceptedSchema}},
             "headers": {"Location": {"schema": {"type": "string"}}}},
            lazy=True,
        )
        for name, description in SHAPE_PARAMETERS.items():
            spec.components.parameter(name, "query", {"description": description, "schema": {"type": "string"}}, lazy=True)
        spec.components.parameter("Idempotency-Key", "header", IDEMPOTENCY_KEY, lazy=True)

    def operation_helper(self, path=None, operations=None, rule=None, **kwargs) -> None:
        endpoint = rule.endpoint if rule is not None else None
        for method, operation in (operations or {}).items():
            if method not in METHODS:
                continue
            responses = {str(code): response for code, response in operation.get("responses", {}).items()}
            if _answers_json(responses):
                _add_shape_parameters(operation)
            if method in WRITES:
                responses.setdefault("202", "Accepted")
            if method == "post":
                operation.setdefault("parameters", []).append("Idempotency-Key")
            for code in _errors_of(method, path, endpoint):
                if not isinstance(responses.get(str(code)), dict):  # ours over flask-smorest's generic ones
                    responses[str(code)] = f"Error{code}"
            operation["responses"] = dict(sorted(responses.items()))  # "default" last
            operation["security"] = _security(method, endpoint)


def _answers_json(responses: dict) -> bool:
    return any(code.startswith("2") and isinstance(r, dict) and r.get("content") for code, r in responses.items())


def _add_shape_parameters(operation: dict) -> None:
    parameters = operation.setdefault("parameters", [])
    present = {p.get("name") for p in parameters if isinstance(p, dict) and p.get("in") == "query"}
    parameters.extend(name for name in SHAPE_PARAMETERS if name not in present)


def _errors_of(method: str, path: str, endpoint: str | None) -> set[int]:
    codes = {400, 406, 413, 422, 429, 431, 503}  # 413, 431: the HTTP server's, before any route
    if endpoint not in auth.PUBLIC_ENDPOINTS:
        codes |= {401, 403}
    if "{" in path:
        codes.add(404)
    if method in WRITES:
        codes.add(409)
    if method in ("put", "patch", "delete"):
        codes.add(412)
    return codes


def _security(method: str, endpoint: str | None) -> list[dict]:
    if endpoint in auth.PUBLIC_ENDPOINTS:
        return []
    schemes = [{"Token": []}] + ([{"TokenCookie": []}] if method in ("get", "head") else [])
    if endpoint in auth.OPTIONAL_AUTH_ENDPOINTS or auth.anonymous_read(method, endpoint):
        schemes.insert(0, {})  # anonymous callers too
    return schemes


class DocumentedApi(Api):
    """flask-smorest's Api with our error format (its `default` response on every operation) and plugin."""

    ERROR_SCHEMA = ErrorSchema

    def __init__(self, app):
        super().__init__(app, spec_kwargs={"extra_plugins": [ApiConventionsPlugin()], "info": {"description": DESCRIPTION}})


def document() -> dict:
    """The OpenAPI description as served; built once per app (no route is added after the first request)."""
    extensions = current_app.extensions
    if "docsplane.openapi" not in extensions:
        api = extensions["flask-smorest"]["apis"][""]["ext_obj"]
        extensions["docsplane.openapi"] = api.spec.to_dict()
    return extensions["docsplane.openapi"]


def success_body(rule: str, method: str) -> dict | None:
    """The schema of the JSON body an operation answers on success (its lowest such 2xx), if any."""
    method = "get" if method == "HEAD" else method.lower()
    operation = document()["paths"].get(FlaskPlugin.flaskpath2openapi(rule), {}).get(method)
    for code, response in sorted((operation or {}).get("responses", {}).items()):
        if code.startswith("2") and code != "202":
            schema = _resolve(response).get("content", {}).get("application/json", {}).get("schema")
            if schema:
                return schema
    return None


def fields_of(schema: dict) -> dict[str, dict]:
    """The named properties of an object schema (of its items, for an array), refs resolved."""
    schema = _resolve(schema)
    if schema.get("type") == "array":
        return fields_of(schema.get("items", {}))
    properties = dict(schema.get("properties", {}))
    for alternative in schema.get("allOf", []) + schema.get("anyOf", []) + schema.get("oneOf", []):
        properties.update(fields_of(alternative))
    return properties


def _resolve(node: dict) -> dict:
    """Follow a local `$ref` (#/components/...)."""
    while "$ref" in node:
        target = document()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node
