"""`?expand=` (seed 002): the nested objects a response adds, parsed and checked once per request.

Each resource's query-argument schema declares what it allows (`Expand("last_build", ...)`) and
inherits `ExpandArgs`; loading it remembers the request's expansions, which the response schemas
read with `expanded(path)`. Asking for a nested level expands the levels it sits in
(`active_versions.last_build.config` also expands `active_versions.last_build`)."""

from flask import g
from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load


class Expand(fields.Field):
    def __init__(self, *allowed: str):
        description = f"comma-separated, any of: {', '.join(allowed)}"
        super().__init__(load_default=frozenset, metadata={"description": description, "type": "string"})
        self.allowed = allowed

    def _deserialize(self, value, attr, data, **kwargs) -> frozenset:
        if not isinstance(value, str):
            raise ValidationError("expand is a comma-separated list")
        names = [name.strip() for name in value.split(",") if name.strip()]
        unknown = [name for name in names if name not in self.allowed]
        if unknown:
            raise ValidationError(f"cannot expand {', '.join(unknown)}; allowed: {', '.join(self.allowed)}")
        return frozenset(".".join(name.split(".")[:depth]) for name in names for depth in range(1, name.count(".") + 2))


class ExpandArgs(Schema):
    class Meta:
        unknown = EXCLUDE  # the list filters and pagination live in their own schemas

    @post_load
    def remember(self, data: dict, **kwargs) -> dict:
        g.expand = data.get("expand", frozenset())
        return data


def expanded(path: str) -> bool:
    """Whether this request asked for `path` (or for a deeper level under it)."""
    return path in g.get("expand", frozenset())
