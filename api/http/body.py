"""Request bodies: JSON objects only, with the seed's error messages; webargs reads what we parsed."""

import functools
import json
import re

from flask import g, request
from marshmallow import Schema
from webargs import core
from webargs.flaskparser import FlaskParser

from api.errors import ApiError
from api.http.text import require_storable_body

BODY_METHODS = ("POST", "PUT", "PATCH")
_SPACE = re.compile(r"\s*")


class NotJson(ValueError):
    """Valid for Python's json module, not for JSON (RFC 8259), or ambiguous: refused with a reason."""


def _constant(name: str):
    raise NotJson(f"{name} is not a JSON value")


def _object(pairs: list) -> dict:
    """Duplicate keys are refused: parsers disagree on which one wins, so a check made by one
    (a proxy, a scope) could be dodged by the value another one reads."""
    data = dict(pairs)
    if len(data) != len(pairs):
        seen = set()
        duplicate = next(key for key, _ in pairs if key in seen or seen.add(key))
        raise NotJson(f"duplicate key {json.dumps(duplicate)}")
    return data


def loads(text: str):
    return json.loads(text, object_pairs_hook=_object, parse_constant=_constant)


def strip_trailing_commas(text: str) -> str:
    """Drop commas that directly precede '}' or ']' outside strings: the seed's own example bodies
    have them, and a user pasting those should not be told their JSON is broken. Only a comma
    that follows a value counts, so `{,}` and `[1,,]` stay malformed."""
    out, in_string, escaped, last = [], False, False, ""
    for i, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "," and last not in ("", "{", "[", ",") and _next_char(text, i + 1) in ("}", "]"):
            continue
        out.append(char)
        if not char.isspace():
            last = char
    return "".join(out)


def _next_char(text: str, start: int) -> str:
    """The first non-space character from `start`, without copying the rest of the text (a copy per
    comma is quadratic in the body's length)."""
    end = _SPACE.match(text, start).end()
    return text[end:end + 1]


def parse_body() -> None:
    """before_request: parse the body once; 400 for what is not a JSON object."""
    if request.method not in BODY_METHODS:
        return
    raw = request.get_data(cache=True)
    if not raw.strip():
        g.json_body = core.missing
        return
    try:
        text = raw.decode("utf-8")
        try:
            data = loads(text)
        except NotJson:
            raise
        except ValueError:
            data = loads(strip_trailing_commas(text))
    except NotJson as error:
        raise ApiError(400, f"Problems parsing JSON: {error}") from None
    except (ValueError, RecursionError):
        raise ApiError(400, "Problems parsing JSON") from None
    if not isinstance(data, dict):
        raise ApiError(400, "Body should be a JSON Hash")
    require_storable_body(data)
    g.json_body = data


class BodyParser(FlaskParser):
    """webargs parser that takes the body parse_body already decoded, whatever its content type
    (curl -d sends form-encoded by default)."""

    def _raw_load_json(self, req):
        return g.get("json_body", core.missing)

    def _get_schema(self, argmap, req):
        """One instance per argument schema class, not one per request: building a schema copies
        its fields. Our schemas keep no state between loads."""
        if isinstance(argmap, type) and issubclass(argmap, Schema):
            return _instance(argmap)
        return super()._get_schema(argmap, req)


@functools.cache
def _instance(schema: type[Schema]) -> Schema:
    return schema()
