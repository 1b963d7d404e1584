"""Queries over the tokens read model: authentication's lookup by hash, and a user's own tokens.
Neither the plain token nor its hash ever leaves this module except to authentication."""

from __future__ import annotations

import json

from projections.query_parts import Page
from projections.users.projection import UsersProjection

# What a user may see of a token: never the hash.
LISTED = "id, name, projects, access, hint, created, aggregate_version"


def _token(row: dict) -> dict:
    return {**row, "projects": None if row["projects"] is None else json.loads(row["projects"])}


CACHED_TOKENS = 10_000  # past this many, the cache starts over


class TokenQueries:
    """`marks`: projections.following.read_your_writes.ReadYourWrites.unchanged_since, when the tokens' projection
    announces its moves (PostgreSQL): then a safe request's lookup is answered from memory until the
    users projection moves (a revocation, or any other write: it moves with every batch). Writes
    always read the table, so a revoked token can never write again; on another API process it may
    read for the milliseconds its NOTIFY takes to arrive."""

    def __init__(self, store, marks=None):
        self.store = store
        self.marks = marks
        self._cached: dict[str, tuple[object, dict | None]] = {}

    def by_hash(self, token_hash: str, cached: bool = False) -> dict | None:
        """The live token with this hash: its owner (`username`), `id`, `projects` and `access`."""
        mark = self.marks(UsersProjection.name) if cached and self.marks is not None else None
        if mark is not None:
            hit = self._cached.get(token_hash)
            if hit is not None and hit[0] == mark:
                return hit[1]
        rows = self.store.fetchall_prepared("SELECT username, id, projects, access FROM tokens WHERE token_hash = ?", (token_hash,))
        token = _token(rows[0]) if rows else None
        if mark is not None:
            if len(self._cached) >= CACHED_TOKENS:
                self._cached = {}
            self._cached[token_hash] = (mark, token)  # taken before the read: a move meanwhile makes it stale
        return token

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
