"""The API's orjson JSON provider answers the JSON Flask's default provider would."""

import datetime
import decimal
import json
import uuid

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from api.representation.json_provider import OrjsonProvider

VALUE = {
    "b": [1, 2.5, None, True, "é ✓"],
    "a": {"when": datetime.datetime(2026, 11, 23, 10, 21, 21, tzinfo=datetime.timezone.utc),
          "day": datetime.date(2026, 11, 23), "id": uuid.UUID("5b0f3c2e-5d4e-4c3e-9d8a-6f2b1d7c9e10"),
          "price": decimal.Decimal("1.50")},
    "huge": 2**70,
}


def answer(provider_class, value, debug=False):
    app = Flask("t")
    app.debug = debug
    app.json = provider_class(app)
    app.json.sort_keys = True
    with app.app_context():
        response = app.json.response(value)
    return response.mimetype, response.get_data(as_text=True)


def test_same_json_as_flask_default_sorted_and_with_flask_renderings():
    mimetype, text = answer(OrjsonProvider, VALUE)
    default_mimetype, default_text = answer(DefaultJSONProvider, VALUE)
    assert mimetype == default_mimetype == "application/json"
    assert json.loads(text) == json.loads(default_text)
    assert list(json.loads(text)) == ["a", "b", "huge"]
    assert json.loads(text)["a"]["when"] == "Mon, 23 Nov 2026 10:21:21 GMT"  # Flask's rendering, not orjson's
    assert text.endswith("\n")


def test_compact_unless_debug():
    assert answer(OrjsonProvider, {"a": [1]})[1] == '{"a":[1]}\n'
    assert json.loads(answer(OrjsonProvider, {"a": [1]}, debug=True)[1]) == {"a": [1]}
    assert "\n  " in answer(OrjsonProvider, {"a": [1]}, debug=True)[1]
