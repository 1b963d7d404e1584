"""The event store's JSON, read by orjson: the library's JSONTranscoder and transcodings, decoded
by a faster parser (every event a projector or a replay reads is decoded; a replay reads the whole log).

Writing is the library's own, so the stored JSON is unchanged. Reading gives exactly what the
library's decoder gives: orjson parses, then every `{"_type_": ..., "_data_": ...}` object is
turned into its value by the registered transcoding, innermost first, as the library's
`object_hook` does. What orjson refuses and the standard library accepts (NaN, an integer beyond
64 bits, a lone surrogate) is decoded by the library."""

from __future__ import annotations

from typing import Any

import orjson
from eventsourcing.persistence import JSONTranscoder


class OrjsonTranscoder(JSONTranscoder):
    def decode(self, data: bytes) -> Any:
        try:
            value = orjson.loads(data)
        except orjson.JSONDecodeError:
            return super().decode(data)
        return self._revive(value) if type(value) in (dict, list) else value

    def _revive(self, value):
        """`value` (a dict or a list) with its transcoded objects decoded, innermost first."""
        if type(value) is list:
            return [self._revive(v) if type(v) in (dict, list) else v for v in value]
        for key, v in value.items():
            if type(v) in (dict, list):
                value[key] = self._revive(v)  # replacing a value while iterating is allowed (keys are unchanged)
        return self._decode_obj(value) if len(value) == 2 else value  # only `{"_type_", "_data_"}` can be one
