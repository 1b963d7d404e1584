"""Rate limiting, per API token and per client address, with GitHub's X-RateLimit-* headers.

A request that presents a token counts against that token's budget
(DOCSPLANE_RATE_LIMIT_AUTHENTICATED), keyed by the token's SHA-256 (raw tokens are never kept);
any other request counts against its client address (DOCSPLANE_RATE_LIMIT_ANONYMOUS), which is
`REMOTE_ADDR`: behind a reverse proxy, put werkzeug's ProxyFix in front to count real clients.

Windows are fixed: they start at a key's first request and last the rate's period. Counters live
in this process's memory: with N worker processes a client may get up to N times the limit, and a
restart forgets the counts. The least recently used keys are forgotten past MAX_KEYS, so a flood
of made-up tokens cannot exhaust memory (a forgotten key merely starts a fresh window).
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from flask import current_app, g, request

from api.browsable import TOKEN_COOKIE
from api.errors import ApiError
from docsplane.settings import Rate, parse_rate

MAX_KEYS = 100_000


@dataclass
class Window:
    reset: float  # epoch seconds when this window ends
    used: int = 0


@dataclass(frozen=True)
class Quota:
    limit: int
    remaining: int
    reset: float  # epoch seconds
    retry_after: int  # seconds; 0 when allowed

    @property
    def allowed(self) -> bool:
        return self.retry_after == 0

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(math.ceil(self.reset)),
        }


class Limiter:
    """Thread-safe fixed-window counters, one per key."""

    def __init__(self, clock=time.time, max_keys: int = MAX_KEYS):
        self._clock = clock
        self._max_keys = max_keys
        self._windows: OrderedDict[str, Window] = OrderedDict()
        self._lock = threading.Lock()

    def hit(self, key: str, rate: Rate) -> Quota:
        """Count one request against `key`, unless its window's budget is spent."""
        now = self._clock()
        with self._lock:
            window = self._windows.get(key)
            if window is None or now >= window.reset:
                window = self._windows[key] = Window(reset=now + rate.period)
            self._windows.move_to_end(key)
            while len(self._windows) > self._max_keys:
                self._windows.popitem(last=False)
            if window.used >= rate.limit:
                return Quota(rate.limit, 0, window.reset, retry_after=max(1, math.ceil(window.reset - now)))
            window.used += 1
            return Quota(rate.limit, rate.limit - window.used, window.reset, retry_after=0)


def install(app, settings) -> None:
    """Register the limiter first among before_request hooks: every answer (even a 400) counts and carries headers."""
    app.extensions["docsplane.ratelimit"] = (
        Limiter(), parse_rate(settings.rate_limit_authenticated), parse_rate(settings.rate_limit_anonymous)
    )
    app.before_request(enforce)
    app.after_request(add_headers)


def client_key() -> tuple[str, bool]:
    """('token:<sha256>', True) when the request presents a token (as api/auth.py reads it: the
    Authorization header, or the browsable API's cookie on GET/HEAD), else ('address:<ip>', False)."""
    credential = request.headers.get("Authorization", "").strip().partition(" ")[2].strip()
    if not credential and request.method in ("GET", "HEAD"):
        credential = request.cookies.get(TOKEN_COOKIE, "").strip()
    if credential:
        return "token:" + hashlib.sha256(credential.encode()).hexdigest(), True
    return f"address:{request.remote_addr}", False


def enforce() -> None:
    """before_request: 429 once the caller's budget for the current window is spent."""
    limiter, authenticated_rate, anonymous_rate = current_app.extensions["docsplane.ratelimit"]
    key, authenticated = client_key()
    rate = authenticated_rate if authenticated else anonymous_rate
    if rate is None:
        return
    quota = g.rate_quota = limiter.hit(key, rate)
    if not quota.allowed:
        raise ApiError(
            429,
            f"API rate limit exceeded ({quota.limit} requests per {rate.period} s for this "
            f"{'token' if authenticated else 'address'}); retry in {quota.retry_after} s.",
            {"Retry-After": str(quota.retry_after)},
        )


def add_headers(response):
    quota = g.get("rate_quota")
    if quota is not None:
        response.headers.update(quota.headers())
    return response
