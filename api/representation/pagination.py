"""limit/offset pagination with the seed's envelope: count, next, previous, results."""

from urllib.parse import urlencode

from flask import request
from marshmallow import EXCLUDE, Schema, fields, validate

from api.context import services

DEFAULT_LIMIT = 10


class PageArgs(Schema):
    class Meta:
        unknown = EXCLUDE  # fields/omit/expand and friends are not filters

    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(min=1))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**63 - 1))  # SQL BIGINT


def page_schema(item_schema: type[Schema]) -> type[Schema]:
    return Schema.from_dict(
        {
            "count": fields.Integer(),
            "next": fields.String(allow_none=True),
            "previous": fields.String(allow_none=True),
            "results": fields.List(fields.Nested(item_schema)),
        },
        name=f"{item_schema.__name__.removesuffix('Schema')}Page",
    )


def limit_of(args: dict) -> int:
    """Page size, capped at the documented maximum (DOCSPLANE_PAGE_SIZE_MAX, default 100)."""
    return min(args["limit"], services().settings.page_size_max)


def _url(limit: int, offset: int) -> str:
    args = request.args.to_dict()
    args["limit"] = limit
    if offset:
        args["offset"] = offset
    else:
        args.pop("offset", None)
    return f"{request.base_url}?{urlencode(args)}"


def envelope(page, args: dict) -> dict:
    limit, offset = limit_of(args), args["offset"]
    return {
        "count": page.count,
        "next": _url(limit, offset + limit) if offset + limit < page.count else None,
        "previous": _url(limit, max(0, offset - limit)) if offset > 0 else None,
        "results": page.results,
    }
