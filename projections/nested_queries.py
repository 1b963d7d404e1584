"""List and detail queries of a resource nested under a project and numbered by an integer id
(redirects, environment variables): one indexed table, filtered by the project's aggregate id."""

from projections.query_parts import Page


class NestedQueries:
    table = ""
    columns = ""
    order = "id"  # the order they were created in

    def __init__(self, store):
        self.store = store

    def decode(self, row: dict) -> dict:
        return row

    def list(self, project_id: str, limit: int, offset: int) -> Page:
        where = f"FROM {self.table} WHERE project_id = ?"
        with self.store.reading() as tx:
            count = tx.execute(f"SELECT COUNT(*) AS n {where}", (project_id,)).fetchone()["n"]
            rows = tx.execute(f"SELECT {self.columns} {where} ORDER BY {self.order} LIMIT ? OFFSET ?", (project_id, limit, offset)).fetchall()
        return Page(count, [self.decode(row) for row in rows])

    def get(self, project_id: str, number: int) -> dict | None:
        row = self.store.fetchone(f"SELECT {self.columns} FROM {self.table} WHERE project_id = ? AND id = ?", (project_id, number))
        return self.decode(row) if row else None
