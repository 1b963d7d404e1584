"""Commands on users: create one, issue scoped API tokens (only their hashes are recorded), revoke them."""

import hashlib
import re
import secrets
from dataclasses import dataclass

from commands.handling.concurrency import retry_on_conflict
from commands.handling.loading import get_or_none, load_project, load_user
from commands.handling.result import Written
from domain.errors import InvalidSetting, NameTaken, UnknownResource
from domain.ids import user_id
from domain.user import User, validate_scope

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,149}$")
HINT_LENGTH = 4  # the token's last characters, kept so a user can tell their tokens apart


def hash_token(token: str) -> str:
    """Tokens are 160 random bits, so a plain SHA-256 is as strong as a slow hash here."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    """What issuing answers, once: the plain token and what was recorded about it."""

    id: int
    token: str
    name: str
    projects: list[str] | None
    access: str
    hint: str
    created: str


class UserCommands:
    def __init__(self, app, ids):
        self.app = app
        self.ids = ids

    @retry_on_conflict
    def create_user(self, username: str, actor: str = "system:cli") -> Written:
        """Create a user and its first token (every project, write); the plain token is returned once."""
        if not USERNAME.match(username):
            raise InvalidSetting("User", "username", "letters, digits, '_', '.', '-' (at most 150)")
        if get_or_none(self.app, user_id(username)) is not None:
            raise NameTaken("User", "username", f"user '{username}' already exists")
        user = User(username=username, actor=actor)
        issued = self._issue(user, actor, name="", projects=None, access="write")
        return Written(issued.token, self.app.save(user))

    @retry_on_conflict
    def issue_token(
        self, username: str, actor: str = "system:cli", name: str = "",
        projects: list[str] | None = None, access: str = "write",
    ) -> Written:
        """A new token limited to `projects` (None: all) and `access`; value is an IssuedToken."""
        user = load_user(self.app, username)
        validate_scope(name, projects, access)
        for slug in projects or ():
            self._require_maintained(username, slug)
        issued = self._issue(user, actor, name=name, projects=projects, access=access)
        return Written(issued, self.app.save(user))

    @retry_on_conflict
    def revoke_token(self, username: str, number: int, actor: str) -> Written:
        """Only the owner's own tokens: another user's token number is UnknownResource."""
        user = load_user(self.app, username)
        user.revoke_token(number, actor)
        return Written(number, self.app.save(user))

    def _require_maintained(self, username: str, slug: str) -> None:
        # The same answer for a project that does not exist and one of somebody else, so a token
        # request cannot probe for private projects.
        try:
            maintained = username in load_project(self.app, slug).maintainers
        except UnknownResource:
            maintained = False
        if not maintained:
            raise InvalidSetting("Token", "projects", f"'{slug}' is not a project you maintain", value=slug)

    def _issue(self, user: User, actor: str, **scope) -> IssuedToken:
        token = secrets.token_hex(20)
        user.issue_token(
            token_hash=hash_token(token), number=self.ids["token"].next(), hint=token[-HINT_LENGTH:], actor=actor, **scope,
        )
        event = user.pending_events[-1]
        return IssuedToken(
            id=event.number, token=token, name=event.name, projects=event.projects, access=event.access,
            hint=event.hint, created=event.timestamp.isoformat(),
        )
