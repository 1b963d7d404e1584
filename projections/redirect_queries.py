"""Queries over the `redirects` read model."""

from projections.nested_queries import NestedQueries


class RedirectQueries(NestedQueries):
    table = "redirects"
    columns = "id, aggregate_version, project_slug, type, from_url, to_url, created, modified"
