"""The User aggregate and its API tokens. Only a token's SHA-256 hash is ever recorded.

A token's scope is fixed when it is issued: `projects` (slugs; None = every project of the user)
and `access` ("read" or "write"). It never grants more than the user itself may do."""

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidSetting, UnknownResource
from domain.ids import user_id
from domain.rules.values import require_choice
from domain.events.upcasting import versioned

ACCESS_LEVELS = ("read", "write")
NAME_MAX = 100


def validate_scope(name: str, projects: list[str] | None, access: str) -> None:
    if not isinstance(name, str) or len(name) > NAME_MAX:
        raise InvalidSetting("Token", "name", f"a name is at most {NAME_MAX} characters")
    require_choice("Token", "access", access, ACCESS_LEVELS)
    if projects is None:
        return
    if not isinstance(projects, list) or not projects or not all(isinstance(p, str) and p for p in projects):
        raise InvalidSetting("Token", "projects", "a non-empty list of project slugs, or null for all projects")


class User(Aggregate):
    @staticmethod
    def create_id(username: str) -> UUID:
        return user_id(username)

    @event("UserCreated")
    def __init__(self, *, username: str, actor: str):
        self.username = username
        self.token_numbers: list[int] = []  # the tokens not revoked

    def issue_token(
        self, *, token_hash: str, number: int, hint: str, actor: str,
        name: str = "", projects: list[str] | None = None, access: str = "write",
    ) -> None:
        validate_scope(name, projects, access)
        if projects is not None:
            projects = sorted(set(projects))
        self._issue_token(
            token_hash=token_hash, number=number, hint=hint, name=name, projects=projects, access=access, actor=actor,
        )

    @event("TokenIssued")
    def _issue_token(
        self, token_hash: str, number: int, hint: str, name: str, projects: list[str] | None, access: str, actor: str,
    ) -> None:
        self.token_numbers.append(number)

    def revoke_token(self, number: int, actor: str) -> None:
        if number not in self.token_numbers:
            raise UnknownResource(f"token {number} of '{self.username}'")
        self._revoke_token(number=number, actor=actor)

    @event("TokenRevoked")
    def _revoke_token(self, number: int, actor: str) -> None:
        self.token_numbers.remove(number)


# -- what earlier releases recorded ------------------------------------------------------------
def legacy_token_number(token_hash: str) -> int:
    """Release 1 tokens had no number; derive a stable one from the hash (far above the numbers
    the id sequence hands out, so they cannot collide in practice)."""
    return int(token_hash[:12], 16)


def _token_issued_v1_v2(state: dict) -> None:
    """Release 1 tokens were unscoped write tokens without a name, number or hint."""
    state["number"] = legacy_token_number(state["token_hash"])
    state.update(hint="", name="", projects=None, access="write")


def _user_v1_v2(state: dict) -> None:
    state["token_numbers"] = [legacy_token_number(h) for h in state.pop("token_hashes", [])]


versioned(User.TokenIssued, _token_issued_v1_v2)
versioned(User, _user_v1_v2)
