"""The issue's concurrency figures on PostgreSQL over a real HTTP server, with the clients in several
processes (multiprocessing, spawn) of many threads each (tests/e2e/http_clients.py):
- 100 concurrent PATCHes of one version (If-Match, retried after 412): no lost update — every 2xx is
  one VersionUpdated in the event log, each based on a different state, and the final state is what
  the successes add up to;
- 100 concurrent build triggers of one project: 100 distinct build ids, each BuildTriggered in the
  log exactly once, by the request that was answered it;
- 20 concurrent imports of one slug: exactly one 201, one ProjectImported.
Events are counted in the event store itself, matched to answers by the request id every event
carries (X-Request-Id)."""

from __future__ import annotations

import multiprocessing
import re
import time
import uuid
from collections import Counter

import pytest
from e2e_support import assert_json, project_body
from http_clients import ping, run_clients

from commands.handling.loading import load_project
from domain.ids import version_id

pytestmark = pytest.mark.postgres

PROCESSES = 4
FLIP_ATTEMPTS = 200  # per client: enough for every one of the 100 to succeed in the end
WRITE_STATUSES = (201, 202, 204)  # 202: recorded, the read models not yet caught up


@pytest.fixture(scope="module")
def client_pool():
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        assert all(pool.map(ping, range(PROCESSES)))  # started and imported before any timing
        yield pool


@pytest.fixture
def server(start_live_server):
    return start_live_server("postgres", DOCSPLANE_RATE_LIMIT_AUTHENTICATED="off")


def concurrently(pool, server, calls: list) -> list:
    """Runs the calls spread over the pool's processes (threads within each), all released at once;
    the results in the calls' order."""
    shares = [calls[p::PROCESSES] for p in range(PROCESSES)]
    start_at = time.time() + 1.0
    per_process = pool.map(run_clients, [(server.url, start_at, share) for share in shares])
    results: list = [None] * len(calls)
    for p, share_results in enumerate(per_process):
        results[p::PROCESSES] = share_results
    errors = [r for r in results if isinstance(r, dict) and "error" in r]
    assert not errors, errors[:5]
    return results


def logged_events(server, name: str) -> list:
    """Every stored event of that name, decoded (request_id included), read from the event store."""
    app = server.docsplane.app
    found, start = [], 0
    while True:
        batch = app.recorder.select_notifications(start=start, limit=1000, inclusive_of_start=False)
        if not batch:
            return found
        found.extend(app.mapper.to_domain_event(n) for n in batch if n.topic.endswith(f".{name}"))
        start = batch[-1].id


def test_100_concurrent_patches_of_one_version_lose_no_update(client_pool, server, reliability):
    token = server.token("alice")
    assert_json(server.post("/api/v3/projects/", token, json=project_body("Patched")), 201)
    path = "/api/v3/projects/patched/versions/latest/"
    initially_hidden = assert_json(server.get(path, token), 200)["hidden"]
    run = uuid.uuid4().hex[:8]
    tries = concurrently(client_pool, server, [("flip", (path, token, FLIP_ATTEMPTS, f"flip-{run}-{i}")) for i in range(100)])

    attempts = [attempt for client in tries for attempt in client]
    statuses = Counter(a["status"] for a in attempts)
    assert set(statuses) <= {*WRITE_STATUSES, 412}, [a for a in attempts if a["status"] not in (*WRITE_STATUSES, 412)][:5]
    writes = [a for a in attempts if a["status"] in WRITE_STATUSES]
    assert all(client[-1]["status"] in WRITE_STATUSES for client in tries), statuses  # each got through in the end
    assert len(writes) == 100, statuses
    # No two successes were based on the same state: each applied on top of the one before.
    assert len({a["if_match"] for a in writes}) == len(writes)

    project = load_project(server.docsplane.app, "patched")
    events = [e for e in logged_events(server, "VersionUpdated") if e.originator_id == version_id(project.id, "latest")]
    by_request = Counter(e.request_id for e in events)
    assert by_request == Counter(a["request_id"] for a in writes)  # every 2xx exactly once, nothing else
    event_of = {e.request_id: e for e in events}
    for write in writes:  # each recorded what its request asked
        assert event_of[write["request_id"]].changes == {"hidden": write["hidden"]}
    server.docsplane.catch_up()
    final = assert_json(server.get(path, token), 200)["hidden"]
    assert final == (initially_hidden ^ (len(writes) % 2 == 1))  # what every success added up to
    reliability.record("100 concurrent PATCHes of one version (If-Match), 4 processes", requests=len(attempts) * 2,
                       writes_2xx=len(writes), refused_412=statuses[412], events_found=len(events),
                       lost=len(writes) - len(events))


def test_100_concurrent_build_triggers_each_logged_once(client_pool, server, reliability):
    token = server.token("alice")
    assert_json(server.post("/api/v3/projects/", token, json=project_body("Triggered")), 201)
    run = uuid.uuid4().hex[:8]
    paths = ["/api/v3/projects/triggered/builds/", "/api/v3/projects/triggered/versions/latest/builds/"]
    calls = [("post", (paths[i % 2], token, {} if i % 2 == 0 else None, f"trigger-{run}-{i}")) for i in range(100)]
    answers = concurrently(client_pool, server, calls)

    assert all(a["status"] in (201, 202) for a in answers), [(a["status"], a["text"]) for a in answers if a["status"] not in (201, 202)][:5]
    build_of = {a["request_id"]: int(re.search(r"/builds/(\d+)/$", a["location"]).group(1)) for a in answers}
    for answer in answers:
        if answer["status"] == 201:
            assert answer["body"]["build"]["id"] == build_of[answer["request_id"]]
    assert len(set(build_of.values())) == 100
    events = [e for e in logged_events(server, "BuildTriggered") if e.project_slug == "triggered"]
    assert Counter(e.request_id for e in events) == Counter(build_of.keys())  # each exactly once, no other
    assert {e.request_id: e.number for e in events} == build_of
    server.docsplane.catch_up()
    listing = assert_json(server.get(paths[0] + "?limit=100", token), 200)
    assert listing["count"] == 100 and {b["id"] for b in listing["results"]} == set(build_of.values())
    reliability.record("100 concurrent build triggers of one project, 4 processes", requests=len(answers),
                       writes_2xx=len(answers), events_found=len(events), lost=len(answers) - len(events))


def test_20_concurrent_imports_of_one_slug_make_one_project(client_pool, server, reliability):
    tokens = [server.token(f"user{i}") for i in range(20)]
    names = ["Race Project", "race-project", "RACE  project", "race_project!"]
    run = uuid.uuid4().hex[:8]
    calls = [("post", ("/api/v3/projects/", tokens[i], project_body(names[i % len(names)]), f"import-{run}-{i}"))
             for i in range(20)]
    answers = concurrently(client_pool, server, calls)

    statuses = Counter(a["status"] for a in answers)
    created = [a for a in answers if a["status"] in (201, 202)]
    assert len(created) == 1 and statuses[201] + statuses[202] + statuses[422] + statuses[409] == 20, statuses
    for answer in answers:
        if answer["status"] == 422:
            assert answer["body"]["errors"][0]["code"] == "already_exists", answer
    events = [e for e in logged_events(server, "ProjectImported") if e.slug == "race-project"]
    assert [e.request_id for e in events] == [created[0]["request_id"]]
    reliability.record("20 concurrent imports of one slug, 4 processes", requests=len(answers),
                       writes_2xx=len(created), events_found=len(events), lost=len(created) - len(events))
