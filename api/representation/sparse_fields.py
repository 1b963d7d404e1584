"""?fields= and ?omit= on every resource (seed 002): comma-separated names, dotted for nested objects
(`fields=name,language.code`), applied to a detail object or to each item of a list's `results` (the
envelope's count/next/previous stay).

The names are checked before the view runs against the response schema the operation documents in
the OpenAPI description: an unknown name is a 422, not a silently empty object, and a write with a
bad name changes nothing. The selection is applied to the dumped JSON (Blueprint
._prepare_response_content), so it also sees fields that `?expand=` adds, as long as their schema
documents them."""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, request

from api import openapi
from api.errors import current_resource
from domain.errors import InvalidValue

PARAMETERS = ("fields", "omit")


@dataclass(frozen=True)
class Selection:
    keep: dict | None  # a name tree (see _tree); None: every field
    drop: dict
    paged: bool  # the body is a list envelope: select within each of its `results`


def check_selection() -> None:
    """before_request, after authentication: validate ?fields=/?omit= and keep them for `select`."""
    names = {parameter: _names(parameter) for parameter in PARAMETERS}
    if not any(names.values()) or request.url_rule is None:
        return
    body = openapi.success_body(request.url_rule.rule, request.method)
    if body is None:
        return  # the operation answers no JSON body (a 204): there is nothing to select from
    top = openapi.fields_of(body)
    paged = {"count", "results"} <= set(top)
    item = openapi.fields_of(top["results"]) if paged else top
    for parameter, given in names.items():
        for name in given:
            _check(parameter, name, item)
    g.selection = Selection(_tree(names["fields"]) if names["fields"] else None, _tree(names["omit"]), paged)


def select(data):
    """The response body with the request's selection applied."""
    selection = g.get("selection")
    if selection is None or not isinstance(data, dict):
        return data
    if selection.paged:
        return {**data, "results": _apply(data.get("results", []), selection)}
    return _apply(data, selection)


def _names(parameter: str) -> list[str]:
    return [name.strip() for value in request.args.getlist(parameter) for name in value.split(",") if name.strip()]


def _check(parameter: str, name: str, known: dict) -> None:
    prefix = ""
    for part in name.split("."):
        if part not in known:
            choices = ", ".join(prefix + field for field in sorted(known))
            hint = f"known: {choices}" if known else f"'{prefix.rstrip('.')}' has no nested fields"
            raise InvalidValue(
                current_resource(), parameter, f"unknown field '{name}'; {hint}"
            )
        known, prefix = openapi.fields_of(known[part]), f"{prefix}{part}."


def _tree(names: list[str]) -> dict:
    """'a,b.c,b.d' → {a: None, b: {c: None, d: None}}; None selects the whole field, and wins over
    any of its nested names (shorter names go in first)."""
    tree: dict = {}
    for name in sorted(names, key=lambda n: n.count(".")):
        node, parts = tree, name.split(".")
        for part in parts[:-1]:
            if part in node and node[part] is None:
                break
            node = node.setdefault(part, {})
        else:
            node[parts[-1]] = None
    return tree


def _apply(value, selection: Selection):
    if selection.keep is not None:
        value = _keep(value, selection.keep)
    return _drop(value, selection.drop)


def _keep(value, tree: dict):
    if isinstance(value, list):
        return [_keep(item, tree) for item in value]
    if not isinstance(value, dict):
        return value  # e.g. a nested object that is null
    return {key: item if tree[key] is None else _keep(item, tree[key]) for key, item in value.items() if key in tree}


def _drop(value, tree: dict):
    if isinstance(value, list):
        return [_drop(item, tree) for item in value]
    if not isinstance(value, dict) or not tree:
        return value
    return {key: item if key not in tree else _drop(item, tree[key])
            for key, item in value.items() if not (key in tree and tree[key] is None)}
