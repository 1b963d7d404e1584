"""Who reads a private project or version on a docs host: its maintainers, through an API token in the
`Authorization: Token …` header (scripts, CI), or in a browser through a signed grant for this project.
The API's cookie is never read here: docs are untrusted HTML, served on another
origin than the API."""

from __future__ import annotations

from commands.users import hash_token
from projections.visibility import sees_private


class Reader:
    """The caller of one request: anonymous (`username` None) or a token's owner within its scope."""

    def __init__(self, username: str | None = None, scope: list[str] | None = None):
        self.username, self.scope = username, scope

    def may_read(self, project: dict, version: dict | None = None) -> bool:
        private = project["privacy_level"] != "public" or (version is not None and version["privacy_level"] != "public")
        return not private or sees_private(project, self.username, self.scope)


def reader(authorization: str, grant: str, tokens, grants, project_slug: str | None) -> Reader:
    """The reader a request's Authorization header names, else its grant cookie for the host's project;
    anonymous without either."""
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() == "token" and token.strip():
        found = tokens.by_hash(hash_token(token.strip()), cached=True)
        return Reader(found["username"], found["projects"]) if found else Reader()
    holder = grants.holder(grant, project_slug) if grant and project_slug else None
    return Reader(holder, [project_slug]) if holder else Reader()
