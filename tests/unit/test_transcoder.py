"""The orjson reader of the event store's JSON (commands/handling/transcoder.py) gives exactly what the library's gives."""

import math
from datetime import datetime, timezone
from decimal import Decimal
from uuid import uuid4

from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, UUIDAsHex

from commands.handling.transcoder import OrjsonTranscoder


def registered(transcoder):
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    return transcoder


LIBRARY, ORJSON = registered(JSONTranscoder()), registered(OrjsonTranscoder())


def test_transcoded_values_at_any_depth_decode_as_the_library_decodes_them():
    state = {
        "timestamp": datetime(2026, 11, 23, 18, 0, tzinfo=timezone.utc),
        "project_id": uuid4(),
        "price": Decimal("1.10"),
        "nested": {"when": datetime(2020, 1, 1), "ids": [uuid4(), {"deeper": [uuid4()]}], "plain": {"a": [1, 2.5, None]}},
        "lookalike": {"_type_": "uuid_hex"},  # not two keys: stays a dict
        "text": "tab\t é 😀 \\u0000",
        "empty": {},
        "list": [],
    }
    stored = LIBRARY.encode(state)

    decoded = ORJSON.decode(stored)

    assert decoded == LIBRARY.decode(stored) == state
    assert type(decoded["project_id"]) is type(state["project_id"]) and type(decoded["price"]) is Decimal
    assert ORJSON.decode(LIBRARY.encode([state, 1])) == [state, 1] and ORJSON.decode(LIBRARY.encode(7)) == 7


def test_what_orjson_refuses_is_decoded_by_the_library():
    for state in ({"n": 2**70}, {"x": float("inf")}):
        assert ORJSON.decode(LIBRARY.encode(state)) == state
    assert math.isnan(ORJSON.decode(LIBRARY.encode({"x": float("nan")}))["x"])
    assert ORJSON.decode(b'{"s": "\\ud800"}') == LIBRARY.decode(b'{"s": "\\ud800"}')
