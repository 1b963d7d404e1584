"""Queries over the `environment_variables` read model (which holds no values)."""

from projections.nested_queries import NestedQueries


class EnvironmentVariableQueries(NestedQueries):
    table = "environment_variables"
    columns = "id, aggregate_version, project_slug, name, public, created, modified"

    def decode(self, row: dict) -> dict:
        return {**row, "public": bool(row["public"])}
