"""Short-lived signed grants: how a maintainer signed in to the browsable API reads a private project's
docs in a browser. The API (on its own origin) issues a grant for one project; the docs host checks it and
keeps it in a cookie of its own host. Never the API token: docs are untrusted HTML, so nothing a page's
script could steal there may act on the API."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

COOKIE = "docsplane_docs_grant"
TTL = 3600  # seconds a grant (and its cookie) lasts


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Grants:
    def __init__(self, secrets_key: bytes, ttl: int = TTL):
        # Its own key, derived: a grant's signature says nothing about the key that encrypts secrets.
        self._key = hashlib.sha256(b"docsplane docs grant\0" + secrets_key).digest()
        self.ttl = ttl

    def issue(self, username: str, project_slug: str, now: float | None = None) -> str:
        claims = _b64(json.dumps({"u": username, "p": project_slug, "e": int((now or time.time()) + self.ttl)}).encode())
        return f"{claims}.{self._sign(claims)}"

    def holder(self, grant: str, project_slug: str, now: float | None = None) -> str | None:
        """The username a grant names, when it is signed by us, unexpired, and for this project."""
        claims, _, signature = grant.partition(".")
        if not claims or not hmac.compare_digest(signature, self._sign(claims)):
            return None
        try:
            fields = json.loads(_unb64(claims))
        except ValueError:
            return None
        if fields.get("p") != project_slug or not isinstance(fields.get("e"), int) or fields["e"] < (now or time.time()):
            return None
        return fields.get("u")

    def _sign(self, claims: str) -> str:
        return _b64(hmac.new(self._key, claims.encode(), hashlib.sha256).digest())
