"""Commands on users: create one, and issue API tokens (only their hashes are recorded)."""

import hashlib
import re
import secrets

from commands.concurrency import retry_on_conflict
from commands.loading import get_or_none, load_user
from commands.result import Written
from domain.errors import ValidationFailed
from domain.ids import user_id
from domain.user import User

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,149}$")


def hash_token(token: str) -> str:
    """Tokens are 160 random bits, so a plain SHA-256 is as strong as a slow hash here."""
    return hashlib.sha256(token.encode()).hexdigest()


class UserCommands:
    def __init__(self, app):
        self.app = app

    @retry_on_conflict
    def create_user(self, username: str, actor: str = "system:cli") -> Written:
        """Create a user and its first token; the plain token is returned once and never stored."""
        if not USERNAME.match(username):
            raise ValidationFailed("User", "username", "invalid", "letters, digits, '_', '.', '-' (at most 150)")
        if get_or_none(self.app, user_id(username)) is not None:
            raise ValidationFailed("User", "username", "already_exists", f"user '{username}' already exists")
        user = User(username=username, actor=actor)
        token = secrets.token_hex(20)
        user.issue_token(hash_token(token), actor)
        return Written(token, self.app.save(user))

    @retry_on_conflict
    def issue_token(self, username: str, actor: str = "system:cli") -> Written:
        user = load_user(self.app, username)
        token = secrets.token_hex(20)
        user.issue_token(hash_token(token), actor)
        return Written(token, self.app.save(user))
