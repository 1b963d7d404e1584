"""Read model of users and their token hashes (what authentication looks up)."""

from domain.user import User
from projections.projection import Projection, handles, timestamp


class UsersProjection(Projection):
    name = "users"
    tables = ("users", "tokens")

    @handles(User.UserCreated)
    def created(self, tx, e):
        tx.execute(
            "INSERT INTO users (aggregate_id, username, created) VALUES (?, ?, ?)",
            (str(e.originator_id), e.username, timestamp(e)),
        )

    @handles(User.TokenIssued)
    def token_issued(self, tx, e):
        tx.execute(
            "INSERT INTO tokens (token_hash, username, created)"
            " SELECT ?, username, ? FROM users WHERE aggregate_id = ?",
            (e.token_hash, timestamp(e), str(e.originator_id)),
        )
