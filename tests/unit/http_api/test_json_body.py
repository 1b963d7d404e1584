"""The JSON body rules of seed 004, and the leniency for the seed's own trailing commas."""

import json

import pytest

from api.http.body import NotJson, loads, strip_trailing_commas
from api.http.text import unstorable_field


@pytest.mark.parametrize(
    "text, expected",
    [
        ('{"active": true,}', {"active": True}),
        ('{"a": [1, 2,], "b": {"c": 1,\n\n}}', {"a": [1, 2], "b": {"c": 1}}),
        ('{"s": ",}"}', {"s": ",}"}),
        ('{"s": "quote \\" ,]", "t": 1,}', {"s": 'quote " ,]', "t": 1}),
    ],
)
def test_trailing_commas_are_dropped_outside_strings(text, expected):
    assert json.loads(strip_trailing_commas(text)) == expected


@pytest.mark.parametrize("text", ['{"a": 1,, }', '{"a": }', "{,}", '{"a" 1}'])
def test_other_malformed_json_stays_malformed(text):
    with pytest.raises(ValueError):
        json.loads(strip_trailing_commas(text))


def test_stripping_commas_is_linear_in_the_body():
    """A 1 MiB body of commas once took minutes (a copy of the rest of the text per comma)."""
    import time

    text = "[" + "1, " * 100_000  # quadratic, this took over a minute
    started = time.perf_counter()
    assert strip_trailing_commas(text) == text
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize("text, reason", [
    ('{"a": NaN}', "NaN is not a JSON value"),
    ('{"a": [Infinity]}', "Infinity is not a JSON value"),
    ('{"a": -Infinity}', "-Infinity is not a JSON value"),
    ('{"a": 1, "b": {"c": 1, "c": 2}}', 'duplicate key "c"'),
])
def test_what_python_accepts_but_json_does_not_is_refused_with_the_reason(text, reason):
    with pytest.raises(NotJson, match=reason):
        loads(text)


@pytest.mark.parametrize("data, field", [
    ({"name": "a\x00b"}, "name"),
    ({"repository": {"url": "https://x/\ud800"}}, "repository.url"),
    ({"events": ["build:failed", "\udfff"]}, "events.1"),
    ({"ok\x00": 1}, "ok\x00"),
    ("\x00", "body"),
    ({"fine": ["ü文📚", {"deeper": "\u200b\u202e"}]}, None),
])
def test_strings_the_stores_cannot_hold_are_found_with_their_field(data, field):
    assert unstorable_field(data) == field
