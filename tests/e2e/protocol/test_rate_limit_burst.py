"""The rate limit holds under a burst: many requests released together, far beyond the budget, from
more client threads than waitress' 16 request threads. Exactly the budget gets through, never one more;
every other answer is a JSON 429 with Retry-After and the X-RateLimit-* headers.

This is one API process counting in its memory (Flask-Limiter's memory://, api/access/ratelimit.py);
tests/e2e/protocol/test_rate_limit_shared.py holds the same with two gunicorn workers sharing Redis."""

from __future__ import annotations

import pytest
import requests
from racing import simultaneously

BUDGET = 25
# Concurrent requests, all in one window: below waitress' connection_limit (100), so that every one is
# accepted at once and they race for the 16 request threads.
BURST = 96


def burst(live, token: str | None) -> list[requests.Response]:
    headers = {"Authorization": f"Token {token}"} if token else {}
    return simultaneously(BURST, lambda i: requests.get(f"{live.url}/api/v3/projects/", headers=headers, timeout=60))


@pytest.mark.parametrize("caller", ["token", "anonymous"])
def test_a_burst_gets_exactly_the_budget_through(start_live_server, reliability, caller):
    rate = f"{BUDGET}/hour"
    live = start_live_server("sqlite", DOCSPLANE_RATE_LIMIT_AUTHENTICATED=rate, DOCSPLANE_RATE_LIMIT_ANONYMOUS=rate)
    token = live.token("alice") if caller == "token" else None
    answers = burst(live, token)

    passed = [a for a in answers if a.status_code != 429]
    refused = [a for a in answers if a.status_code == 429]
    assert len(passed) == BUDGET, sorted(a.status_code for a in answers)
    assert {a.status_code for a in passed} == ({200} if token else {401})  # anonymous: counted, then refused a token
    # Remaining is read just after the count (Flask-Limiter): answers counted together may show the same figure.
    remaining = [int(a.headers["X-RateLimit-Remaining"]) for a in passed]
    assert set(remaining) <= set(range(BUDGET)) and min(remaining) == 0
    for answer in refused:
        assert answer.headers["Content-Type"].startswith("application/json")
        assert "rate limit exceeded" in answer.json()["message"]
        assert 1 <= int(answer.headers["Retry-After"]) <= 3600
        assert (answer.headers["X-RateLimit-Limit"], answer.headers["X-RateLimit-Remaining"]) == (str(BUDGET), "0")
    resets = {a.headers["X-RateLimit-Reset"] for a in answers}
    assert len(resets) == 1, resets  # one window
    after = requests.get(f"{live.url}/api/v3/projects/", headers={"Authorization": f"Token {token}"} if token else {}, timeout=30)
    assert after.status_code == 429  # still spent
    reliability.record("Rate limit under a burst: never more than the budget through", requests=len(answers) + 1,
                       budget=BUDGET, got_through=len(passed), refused_429=len(refused) + 1)
