"""The User aggregate and its API tokens. Only a token's SHA-256 hash is ever recorded."""

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.ids import user_id


class User(Aggregate):
    @staticmethod
    def create_id(username: str) -> UUID:
        return user_id(username)

    @event("UserCreated")
    def __init__(self, *, username: str, actor: str):
        self.username = username
        self.token_hashes: list[str] = []

    def issue_token(self, token_hash: str, actor: str) -> None:
        self._issue_token(token_hash=token_hash, actor=actor)

    @event("TokenIssued")
    def _issue_token(self, token_hash: str, actor: str) -> None:
        self.token_hashes.append(token_hash)
