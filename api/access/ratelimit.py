"""Rate limiting with Flask-Limiter, per API token and per client address, answered with GitHub's
X-RateLimit-* headers and a JSON 429 with Retry-After.

A request that presents a token counts against that token's budget
(DOCSPLANE_RATE_LIMIT_AUTHENTICATED), keyed by the token's SHA-256 (raw tokens are never kept);
any other request counts against its client address (DOCSPLANE_RATE_LIMIT_ANONYMOUS), which is
`REMOTE_ADDR`: behind a reverse proxy, put werkzeug's ProxyFix in front to count real clients.

One application-wide limit covers every route (and unknown URLs): Flask-Limiter's fixed window, which
starts at a key's first request and lasts the rate's period. The counters live where
DOCSPLANE_RATE_LIMIT_STORAGE says (the `limits` library's storage URIs): `memory://` (the default)
counts per process; `redis://host:port/db` is one budget for every API process and survives restarts.
If that storage is unreachable the limiter counts in memory until it is back (logged), never 500s.
"""

from __future__ import annotations

import hashlib
import math
import time

from flask import current_app, g, request
from flask_limiter import ApplicationLimit, Limiter, RateLimitExceeded

from api.browsable.html_answers import TOKEN_COOKIE
from api.errors import json_answer
from docsplane.settings import Rate, parse_rate

EXTENSION = "docsplane.ratelimit"


def install(app, settings) -> None:
    """The limiter, which registers its own hooks (counts before the view), and its 429; `add_headers` is a hook of its own."""
    rates = {True: parse_rate(settings.rate_limit_authenticated), False: parse_rate(settings.rate_limit_anonymous)}
    limiter = Limiter(
        key_func=lambda: client_key()[0],
        application_limits=[ApplicationLimit(
            lambda: _limit_text(rates[client_key()[1]]),
            exempt_when=lambda: rates[client_key()[1]] is None,
        )],
        storage_uri=settings.rate_limit_storage,
        strategy="fixed-window",
        key_prefix="docsplane",
        headers_enabled=False,  # ours below: GitHub's names, and Retry-After only on a 429
        in_memory_fallback_enabled=True,
    )
    limiter.init_app(app)
    app.extensions[EXTENSION] = limiter
    app.register_error_handler(RateLimitExceeded, refused)


def _limit_text(rate: Rate | None) -> str:
    return "1 per 1 second" if rate is None else f"{rate.limit} per {rate.period} second"  # exempt when None


def client_key() -> tuple[str, bool]:
    """('token:<sha256>', True) when the request presents a token (as `auth.authenticate` reads it: the
    Authorization header, or the browsable API's cookie on GET/HEAD), else ('address:<ip>', False).
    Worked out once per request (the limiter asks for the key, the rate and the exemption)."""
    if "rate_key" not in g:
        g.rate_key = _client_key()
    return g.rate_key


def _client_key() -> tuple[str, bool]:
    credential = request.headers.get("Authorization", "").strip().partition(" ")[2].strip()
    if not credential and request.method in ("GET", "HEAD"):
        credential = request.cookies.get(TOKEN_COOKIE, "").strip()
    if credential:
        return "token:" + hashlib.sha256(credential.encode()).hexdigest(), True
    return f"address:{request.remote_addr}", False


def _quota():
    """(limit, remaining, reset epoch seconds) of this request's budget, or None when it has none."""
    limiter = current_app.extensions.get(EXTENSION)
    current = limiter.current_limit if limiter is not None else None
    if current is None:
        return None
    reset, remaining = current.window
    return current.limit.amount, remaining, reset


def refused(error: RateLimitExceeded):
    """429 in the seed's error format, with Retry-After (X-RateLimit-* follow in add_headers)."""
    limit, _, reset = _quota() or (error.limit.limit.amount, 0, time.time() + error.limit.limit.get_expiry())
    retry_after = max(1, math.ceil(reset - time.time()))
    who = "token" if client_key()[1] else "address"
    message = (f"API rate limit exceeded ({limit} requests per {error.limit.limit.get_expiry()} s for this {who});"
               f" retry in {retry_after} s.")
    return json_answer(429, {"message": message}, {"Retry-After": str(retry_after)})


def add_headers(response):
    quota = _quota()
    if quota is not None:
        limit, remaining, reset = quota
        response.headers.update({
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": str(math.ceil(reset)),
        })
    return response
