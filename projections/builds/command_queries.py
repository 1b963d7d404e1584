"""The commands a build ran (seed 001), in the order they ran. Callers first check that the build
itself is visible: a command is as visible as its build."""

from projections.query_parts import Page

COLUMNS = "id, build_id, project_slug, version_slug, command, output, exit_code, created, finished, aggregate_version"


class BuildCommandQueries:
    def __init__(self, store):
        self.store = store

    def list(self, build_id: int, limit: int, offset: int) -> Page:
        with self.store.reading() as tx:
            count = tx.execute("SELECT COUNT(*) AS n FROM build_commands WHERE build_id = ?", (build_id,)).fetchone()["n"]
            rows = tx.execute(
                f"SELECT {COLUMNS} FROM build_commands WHERE build_id = ? ORDER BY created, id LIMIT ? OFFSET ?",
                (build_id, limit, offset),
            ).fetchall()
        return Page(count, rows)

    def get(self, build_id: int, command_id: int) -> dict | None:
        return self.store.fetchone(f"SELECT {COLUMNS} FROM build_commands WHERE build_id = ? AND id = ?", (build_id, command_id))
