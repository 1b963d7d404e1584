"""Text the stores can hold. JSON and URLs may carry NUL characters (`\\u0000`, `%00`) and unpaired
UTF-16 surrogates (`\\ud800`), which are valid there but cannot be stored: PostgreSQL text refuses NUL
and UTF-8 cannot encode a lone surrogate. Accepted, the first failed a query with a 500 and, in a
body, stopped the projector on the event for good. So they are refused where they come in."""

from __future__ import annotations

import re

from flask import request

from api.errors import ApiError, current_resource
from domain.errors import InvalidValue

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
MESSAGE = "must not contain NUL characters or unpaired UTF-16 surrogates"


def unstorable_field(data) -> str | None:
    """The dotted path of the first key or string in parsed JSON that cannot be stored, if any."""
    stack = [("", data)]
    while stack:  # not recursive: the body may be nested as deep as the JSON parser allows
        path, value = stack.pop()
        if isinstance(value, str):
            if UNSTORABLE.search(value):
                return path or "body"
        elif isinstance(value, dict):
            for key, item in value.items():
                field = f"{path}.{key}" if path else key
                if UNSTORABLE.search(key):
                    return field
                stack.append((field, item))
        elif isinstance(value, list):
            stack.extend((f"{path}.{index}" if path else str(index), item) for index, item in enumerate(value))
    return None


def require_storable_body(data) -> None:
    field = unstorable_field(data)
    if field is not None:
        raise InvalidValue(current_resource(), field, MESSAGE)


def require_storable_url() -> None:
    """before_request: a path with NUL names nothing (404); a query parameter with it is invalid (422)."""
    if "\x00" in request.path:
        raise ApiError(404, "Not found.")
    for name, value in request.args.items(multi=True):
        if "\x00" in name or "\x00" in value:
            raise InvalidValue(current_resource(), name.replace("\x00", ""), MESSAGE)
