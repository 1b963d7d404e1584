"""The JSON body rules of seed 004, and the leniency for the seed's own trailing commas."""

import json

import pytest

from api.body import strip_trailing_commas


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
