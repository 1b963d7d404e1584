"""Queries over the tokens read model: authentication's lookup by hash, and a user's own tokens.
Neither the plain token nor its hash ever leaves this module except to authentication."""

from __future__ import annotations

import json

from projections.queries import Page

# What a user may see of a token: never the hash.
LISTED = "id, name, projects, access, hint, created, aggregate_version"


def _token(row: dict) -> dict:
    return {**row, "projects": None if row["projects"] is None else json.loads(row["projects"])}


class TokenQueries:
    def __init__(self, store):
        self.store = store

    def by_hash(self, token_hash: str) -> dict | None:
        """The live token with this hash: its owner (`username`), `id`, `projects` and `access`."""
        rows = self.store.fetchall_prepared("SELECT username, id, projects, access FROM tokens WHERE token_hash = ?", (token_hash,))
        return _token(rows[0]) if rows else None

    def of_user(self, username: str, limit: int, offset: int) -> Page:
        with self.store.reading() as tx:
            count = tx.execute("SELECT COUNT(*) AS n FROM tokens WHERE username = ?", (username,)).fetchone()["n"]
            rows = tx.execute(
                f"SELECT {LISTED} FROM tokens WHERE username = ? ORDER BY id LIMIT ? OFFSET ?", (username, limit, offset)
            ).fetchall()
        return Page(count, [_token(r) for r in rows])

    def one(self, username: str, number: int) -> dict | None:
        row = self.store.fetchone(f"SELECT {LISTED} FROM tokens WHERE username = ? AND id = ?", (username, number))
        return _token(row) if row else None
