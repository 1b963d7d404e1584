"""Queries over the `redirects` read model."""

from projections.nested_queries import NestedQueries


class RedirectQueries(NestedQueries):
    table = "redirects"
    columns = ("id, aggregate_version, project_slug, type, from_url, to_url, http_status, description, enabled, force,"
               " position, created, modified")
    order = "position, modified DESC, id"  # Read the Docs' ordering: position, then the newest change first

    def decode(self, row: dict) -> dict:
        return {**row, "enabled": bool(row["enabled"]), "force": bool(row["force"])}
