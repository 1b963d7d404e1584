"""Read model of users and their live tokens: what authentication looks up (by hash) and what
GET /api/v3/tokens/ lists. A revoked token's row is deleted, so it no longer authenticates."""

from domain.user import User
from projections.read_model import ReadModelProjection, as_json, handles
from projections.times import event_time


class UsersProjection(ReadModelProjection):
    name = "users"
    tables = ("users", "tokens")
    ddl = (
        """CREATE TABLE IF NOT EXISTS users (
            aggregate_id TEXT PRIMARY KEY,
            username TEXT NOT NULL UNIQUE,
            created TEXT NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS tokens (
            token_hash TEXT PRIMARY KEY,
            id BIGINT NOT NULL UNIQUE,
            username TEXT NOT NULL,
            name TEXT NOT NULL,
            projects TEXT,
            access TEXT NOT NULL,
            hint TEXT NOT NULL,
            created TEXT NOT NULL,
            aggregate_version BIGINT NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS tokens_username ON tokens (username, id)",
    )

    @handles(User.UserCreated)
    def created(self, tx, e):
        tx.execute(
            "INSERT INTO users (aggregate_id, username, created) VALUES (?, ?, ?)",
            (str(e.originator_id), e.username, event_time(e)),
        )

    @handles(User.TokenIssued)
    def token_issued(self, tx, e):
        projects = None if e.projects is None else as_json(e.projects)  # NULL: every project of the user
        tx.execute(
            "INSERT INTO tokens (token_hash, id, username, name, projects, access, hint, created, aggregate_version)"
            " SELECT ?, ?, username, ?, ?, ?, ?, ?, ? FROM users WHERE aggregate_id = ?",
            (e.token_hash, e.number, e.name, projects, e.access, e.hint, event_time(e), e.originator_version,
             str(e.originator_id)),
        )

    @handles(User.TokenRevoked)
    def token_revoked(self, tx, e):
        tx.execute("DELETE FROM tokens WHERE id = ?", (e.number,))
