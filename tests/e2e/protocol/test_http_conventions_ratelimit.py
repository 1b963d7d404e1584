"""Rate limits over real HTTP: a budget per token and per client address, GitHub's X-RateLimit-*
headers on every answer, and 429 with Retry-After once a budget is spent.

The counters are in the API process's memory (memory://) here; tests/e2e/protocol/test_rate_limit_shared.py shares them in Redis."""

from __future__ import annotations

import time

from e2e_support import SEED_PROJECT, assert_error, assert_json
from urllib3.util import SKIP_HEADER

PROJECTS = "/api/v3/projects/"


def ok(response):
    assert_json(response, 200)
    return response


def quota(response) -> tuple[int, int, int]:
    headers = response.headers
    return int(headers["X-RateLimit-Limit"]), int(headers["X-RateLimit-Remaining"]), int(headers["X-RateLimit-Reset"])


def test_each_token_has_its_budget_and_every_answer_says_what_is_left(start_live_server):
    live = start_live_server("sqlite", DOCSPLANE_RATE_LIMIT_AUTHENTICATED="4/minute", DOCSPLANE_RATE_LIMIT_ANONYMOUS="100/minute")
    alice, bob = live.token("alice"), live.token("bob")
    started = time.time()
    answers = [
        live.post(PROJECTS, alice, json=SEED_PROJECT),  # 201
        live.get("/api/v3/projects/nope/", alice),  # 404
        live.patch(f"{PROJECTS}test-project/", alice, data="[]", headers={"Content-Type": "application/json"}),  # 400
        live.get(f"{PROJECTS}test-project/", alice),  # 200, the last one of the window
    ]
    assert [a.status_code for a in answers] == [201, 404, 400, 200]
    assert [quota(a)[:2] for a in answers] == [(4, 3), (4, 2), (4, 1), (4, 0)]
    reset = quota(answers[0])[2]
    assert started + 59 <= reset <= time.time() + 61 and all(quota(a)[2] == reset for a in answers)

    head = live.log_head()
    for method in ("GET", "PATCH", "OPTIONS"):
        refused = live.request(method, f"{PROJECTS}test-project/", alice, json={"name": "x"})
        body = assert_error(refused, 429)
        assert "rate limit" in body["message"].lower()
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert quota(refused) == (4, 0, reset)
    assert live.log_head() == head  # a refused write changed nothing

    # Another token, and anonymous callers, have budgets of their own.
    assert quota(ok(live.get(PROJECTS, bob)))[:2] == (4, 3)
    assert quota(live.get("/api/v3/", None))[:2] == (100, 99)


def test_anonymous_callers_are_counted_by_address(start_live_server):
    live = start_live_server("sqlite", DOCSPLANE_RATE_LIMIT_ANONYMOUS="3/minute")
    token = live.token("alice")
    # The root is public; a request without a token (even one answered 401) spends the address's budget.
    answers = [live.get("/api/v3/"), live.get(PROJECTS), live.get("/api/v3/", headers={"User-Agent": SKIP_HEADER})]
    assert [a.status_code for a in answers] == [200, 401, 400]
    assert [quota(a)[:2] for a in answers] == [(3, 2), (3, 1), (3, 0)]
    assert_error(live.get("/api/v3/"), 429)
    # The default budget of a token (5000 per hour) is untouched by the address's.
    assert quota(ok(live.get("/api/v3/", token)))[:2] == (5000, 4999)


def test_the_budget_comes_back_when_the_window_ends(start_live_server):
    live = start_live_server("sqlite", DOCSPLANE_RATE_LIMIT_AUTHENTICATED="2/1s")
    token = live.token("alice")
    assert [live.get("/api/v3/", token).status_code for _ in range(3)] == [200, 200, 429]
    refused = live.get("/api/v3/", token)
    time.sleep(max(0.0, quota(refused)[2] - time.time()) + 0.1)
    again = ok(live.get("/api/v3/", token))
    assert quota(again)[:2] == (2, 1)


def test_off_disables_a_limit_and_its_headers(start_live_server):
    live = start_live_server("sqlite", DOCSPLANE_RATE_LIMIT_AUTHENTICATED="off", DOCSPLANE_RATE_LIMIT_ANONYMOUS="1/hour")
    token = live.token("alice")
    for _ in range(5):
        response = ok(live.get("/api/v3/", token))
        assert "X-RateLimit-Limit" not in response.headers
    assert live.get("/api/v3/").status_code == 200
    assert_error(live.get("/api/v3/"), 429)


def test_an_unreachable_shared_storage_falls_back_to_counting_in_memory(start_live_server):
    """DOCSPLANE_RATE_LIMIT_STORAGE names a Redis nobody listens on: the limits still hold (per process), never a 500."""
    live = start_live_server("sqlite", DOCSPLANE_RATE_LIMIT_STORAGE="redis://127.0.0.1:1/0", DOCSPLANE_RATE_LIMIT_ANONYMOUS="2/minute")
    answers = [live.get("/api/v3/") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert [quota(a)[:2] for a in answers] == [(2, 1), (2, 0), (2, 0)]
