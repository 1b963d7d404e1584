"""Flask's JSON provider on orjson: the same JSON as Flask's default (keys sorted, dates and
decimals rendered by Flask's own `default`), serialized faster. What orjson refuses
(an integer beyond 64 bits) falls back to the standard library."""

from __future__ import annotations

import orjson
from flask.json.provider import DefaultJSONProvider

# Dates and dataclasses go through Flask's `default` (an HTTP date, as Flask renders them), not
# orjson's own formats; non-string keys become strings, as json.dumps makes them.
OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_NON_STR_KEYS


class OrjsonProvider(DefaultJSONProvider):
    def _orjson(self, obj, indent: bool) -> bytes:
        option = OPTIONS | (orjson.OPT_SORT_KEYS if self.sort_keys else 0) | (orjson.OPT_INDENT_2 if indent else 0)
        return orjson.dumps(obj, default=self.default, option=option)

    def dumps(self, obj, **kwargs) -> str:
        if kwargs:  # a caller asking for json.dumps options gets json.dumps
            return super().dumps(obj, **kwargs)
        try:
            return self._orjson(obj, indent=False).decode()
        except TypeError:
            return super().dumps(obj)

    def response(self, *args, **kwargs):
        obj = self._prepare_response_obj(args, kwargs)
        pretty = (self.compact is None and self._app.debug) or self.compact is False
        try:
            body = self._orjson(obj, indent=pretty) + b"\n"
        except TypeError:
            return super().response(obj)
        return self._app.response_class(body, mimetype=self.mimetype)
