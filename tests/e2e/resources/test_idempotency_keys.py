"""`Idempotency-Key` on POST over real HTTP (api/http/idempotency.py): a retry with the same key and body
answers the first answer again and appends no event; another body is 422; concurrent requests with
one key write once; a failed request leaves its key free; a replay never shows a plain token."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

from e2e_support import assert_error, assert_json, project_body

from commands.handling.idempotency import claiming

PROJECTS = "/api/v3/projects/"
KEY = "Idempotency-Key"


def keyed(key: str, **headers) -> dict:
    return {"headers": {KEY: key, **headers}}


def event_counts(live_server) -> Counter:
    """Every event in the store by its name (read from the event store itself, not a read model)."""
    recorder = live_server.docsplane.app.recorder
    counts: Counter = Counter()
    start = 0
    while True:
        notifications = recorder.select_notifications(start=start, limit=1000, inclusive_of_start=False)
        if not notifications:
            return counts
        counts.update(n.topic.rpartition(".")[2] for n in notifications)
        start = notifications[-1].id


def stored_bytes(live_server) -> bytes:
    recorder = live_server.docsplane.app.recorder
    return b"".join(n.state for n in recorder.select_notifications(start=0, limit=100_000))


def assert_replayed(first, again) -> None:
    assert again.headers.get("Idempotent-Replayed") == "true", (again.status_code, again.text[:300])
    assert "Idempotent-Replayed" not in first.headers
    assert (again.status_code, again.content) == (first.status_code, first.content)
    assert again.headers.get("Location") == first.headers.get("Location")
    assert again.headers.get("Content-Type") == first.headers.get("Content-Type")


def test_every_post_route_replays_without_a_second_event(live_server, alice, bob, reliability):
    child = project_body("Child")
    assert_json(live_server.post(PROJECTS, alice, json=child), 201)
    routes = [  # (path, body): every POST of /api/v3, each in a state where it succeeds
        (PROJECTS, project_body("Keyed")),
        ("/api/v3/projects/keyed/builds/", {}),
        ("/api/v3/projects/keyed/versions/latest/builds/", None),
        ("/api/v3/projects/keyed/sync-versions/", None),
        ("/api/v3/projects/keyed/environmentvariables/", {"name": "DEPLOY", "value": "s3cr3t-v4lue"}),
        ("/api/v3/projects/keyed/redirects/", {"type": "page", "from_url": "/a/", "to_url": "/b/"}),
        ("/api/v3/projects/keyed/subprojects/", {"child": "child"}),
        ("/api/v3/projects/keyed/maintainers/", {"username": "bob"}),
        ("/api/v3/projects/keyed/notifications/webhooks/", {"url": "https://ci.example.com/h", "events": ["build:failed"]}),
        ("/api/v3/projects/keyed/notifications/emails/", {"email": "team@example.com"}),
        ("/api/v3/tokens/", {"name": "ci", "access": "read"}),
    ]
    requests = 0
    for n, (path, body) in enumerate(routes):
        key = f"route-{n}"
        first = live_server.post(path, alice, json=body, **keyed(key))
        assert first.status_code in (201, 202), (path, first.status_code, first.text[:300])
        before = event_counts(live_server)
        again = live_server.post(path, alice, json=body, **keyed(key))
        requests += 2
        assert event_counts(live_server) == before, path  # not one event more, bookkeeping included
        if path == "/api/v3/tokens/":
            assert "token" in first.json() and "token" not in again.json()
            assert again.headers["Idempotent-Withheld"] == "token" and again.json()["id"] == first.json()["id"]
            assert again.headers.get("Idempotent-Replayed") == "true" and again.status_code == first.status_code
        else:
            assert_replayed(first, again)
    # The cancel of a build that has not started: 204, no body.
    build = assert_json(live_server.post("/api/v3/projects/keyed/builds/", alice), 201)["build"]["id"]
    cancel = f"/api/v3/projects/keyed/builds/{build}/cancel/"
    first = live_server.post(cancel, alice, **keyed("cancel"))
    assert first.status_code == 204, first.text
    before = event_counts(live_server)
    again = live_server.post(cancel, alice, **keyed("cancel"))
    assert_replayed(first, again)
    assert event_counts(live_server) == before
    requests += 3
    counts = event_counts(live_server)
    assert counts["ProjectImported"] == 2 and counts["BuildTriggered"] == 3 and counts["VersionSyncRequested"] == 1
    assert counts["RequestClaimed"] == counts["ResponseRecorded"] == len(routes) + 1
    reliability.record("Idempotency-Key: a retried POST writes nothing", requests=requests, replays=len(routes) + 1, lost=0)


def test_the_key_with_another_request_is_422(live_server, alice, bob):
    first = assert_json(live_server.post(PROJECTS, alice, json=project_body("One"), **keyed("k")), 201)
    other_body = live_server.post(PROJECTS, alice, json=project_body("Two"), **keyed("k"))
    assert_error(other_body, 422, resource="Project", field=KEY, code="invalid")
    other_route = live_server.post("/api/v3/projects/one/builds/", alice, **keyed("k"))
    assert_error(other_route, 422, field=KEY, code="invalid")
    other_query = live_server.post(PROJECTS, alice, json=project_body("One"), params={"fields": "slug"}, **keyed("k"))
    assert_error(other_query, 422, field=KEY, code="invalid")
    # The same body, spelt differently (key order, trailing slash): the same request.
    reordered = dict(reversed(list(project_body("One").items())))
    again = live_server.post(PROJECTS.rstrip("/"), alice, json=reordered, **keyed("k"))
    assert again.status_code == 201 and again.json() == first
    # Keys are per user: bob's "k" is his own.
    assert_json(live_server.post(PROJECTS, bob, json=project_body("Two"), **keyed("k")), 201)
    assert event_counts(live_server)["ProjectImported"] == 2


def test_malformed_keys_are_422_and_change_nothing(live_server, alice):
    head = live_server.log_head()
    for bad in ["", "x" * 256, b"cl\xc3\xa9", "tab\there"]:
        response = live_server.post(PROJECTS, alice, json=project_body("Never"), **keyed(bad))
        assert_error(response, 422, field=KEY, code="invalid")
    assert live_server.log_head() == head
    assert_json(live_server.post(PROJECTS, alice, json=project_body("Ok"), **keyed("~" * 255)), 201)
    # Other methods ignore the header (PATCH and DELETE are idempotent by themselves).
    assert live_server.patch("/api/v3/projects/ok/", alice, json={"homepage": "https://x.example.com/"},
                             **keyed("")).status_code == 204


def test_a_failed_request_leaves_its_key_free(live_server, alice):
    assert_json(live_server.post(PROJECTS, alice, json=project_body("Parent")), 201)
    body = {"child": "kid"}
    failed = live_server.post("/api/v3/projects/parent/subprojects/", alice, json=body, **keyed("retry-me"))
    assert_error(failed, 422, field="child", code="missing")
    assert event_counts(live_server)["RequestClaimed"] == 0
    assert_json(live_server.post(PROJECTS, alice, json=project_body("Kid")), 201)
    retried = live_server.post("/api/v3/projects/parent/subprojects/", alice, json=body, **keyed("retry-me"))
    assert_json(retried, 201)
    assert "Idempotent-Replayed" not in retried.headers
    assert event_counts(live_server)["SubprojectAdded"] == 1


def test_concurrent_requests_with_one_key_write_once(live_server, alice, reliability):
    assert_json(live_server.post(PROJECTS, alice, json=project_body("Busy")), 201)
    n = 12
    barrier = threading.Barrier(n)
    responses: list = [None] * n

    def trigger(i: int) -> None:
        barrier.wait(timeout=30)
        responses[i] = live_server.post("/api/v3/projects/busy/builds/", alice, json={}, **keyed("one-build"))

    threads = [threading.Thread(target=trigger, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(r is not None for r in responses), "a request hung"
    assert {r.status_code for r in responses} <= {201, 409}, [(r.status_code, r.text[:200]) for r in responses]
    answered = [r for r in responses if r.status_code == 201]
    for response in responses:
        if response.status_code == 409:  # still in flight after the wait: retry later
            assert response.headers["Retry-After"] == "1"
    assert answered and len({r.json()["build"]["id"] for r in answered}) == 1
    assert len([r for r in answered if "Idempotent-Replayed" not in r.headers]) <= 1
    counts = event_counts(live_server)
    assert counts["BuildTriggered"] == 1 and counts["RequestClaimed"] == 1
    reliability.record("Idempotency-Key: concurrent requests with one key write once", requests=n,
                       events_written=counts["BuildTriggered"], lost=0)


def test_concurrent_imports_with_one_key_answer_the_same(live_server, alice):
    """Here the losers' commands fail on the slug (already_exists): they answer the winner's 201 instead."""
    n = 6
    barrier = threading.Barrier(n)
    responses: list = [None] * n

    def import_(i: int) -> None:
        barrier.wait(timeout=30)
        responses[i] = live_server.post(PROJECTS, alice, json=project_body("Racy"), **keyed("one-import"))

    threads = [threading.Thread(target=import_, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert {r.status_code for r in responses} <= {201, 409}, [(r.status_code, r.text[:200]) for r in responses]
    bodies = {r.content for r in responses if r.status_code == 201}
    assert len(bodies) == 1
    assert event_counts(live_server)["ProjectImported"] == 1


def test_a_replay_never_shows_a_plain_token_and_stores_no_secret_in_clear(live_server, alice):
    issued = live_server.post("/api/v3/tokens/", alice, json={"name": "ci"}, **keyed("tok"))
    token = assert_json(issued, 201)["token"]
    replay = live_server.post("/api/v3/tokens/", alice, json={"name": "ci"}, **keyed("tok"))
    assert replay.status_code == 201 and token not in replay.text and "token" not in replay.json()
    assert replay.json() == {k: v for k, v in issued.json().items() if k != "token"}
    assert_json(live_server.post(PROJECTS, token, json=project_body("Tokened")), 201)  # the token works
    secret = "w3bh00k-s3cret-value"
    hook = {"url": "https://ci.example.com/hook", "events": ["build:passed"], "secret": secret}
    first = live_server.post("/api/v3/projects/tokened/notifications/webhooks/", alice, json=hook, **keyed("hook"))
    again = live_server.post("/api/v3/projects/tokened/notifications/webhooks/", alice, json=hook, **keyed("hook"))
    assert assert_json(first, 201)["secret"] == secret and again.content == first.content  # encrypted copy, replayed
    variable = {"name": "DEPLOY_KEY", "value": "v4riable-s3cret"}
    assert_json(live_server.post("/api/v3/projects/tokened/environmentvariables/", alice, json=variable,
                                 **keyed("var")), 201)
    stored = stored_bytes(live_server)
    for plain in (token, secret, "v4riable-s3cret"):
        assert plain.encode() not in stored
    # The audit history leaves the bookkeeping out.
    live_server.docsplane.catch_up()
    history = assert_json(live_server.get("/api/v3/projects/tokened/events/?limit=100", alice), 200)
    types = {item["type"] for item in history["results"]}
    assert "WebhookCreated" in types and not types & {"RequestClaimed", "ResponseRecorded"}


def test_a_key_held_by_a_request_in_flight_is_409_with_retry_after(start_live_server, backend):
    """A claim saved with a write whose answer never got recorded (its process died in between)."""
    server = start_live_server(backend, DOCSPLANE_WRITE_WAIT_TIMEOUT="0.2")
    alice = server.token("alice")
    assert_json(server.post(PROJECTS, alice, json=project_body("Held")), 201)
    path = "/api/v3/projects/held/builds/"
    idempotency = server.docsplane.idempotency
    claim = idempotency.claim("alice", "held", "POST", path, f"POST\n{path}\n\n{{}}".encode())
    with claiming(claim):
        server.docsplane.builds.trigger_build("alice", "held")
    head = server.log_head()
    response = server.post(path, alice, json={}, **keyed("held"))
    assert_error(response, 409)
    assert response.headers["Retry-After"] == "1" and server.log_head() == head
    assert_error(server.post(path, alice, json={"version": "latest"}, **keyed("held")), 422, field=KEY)


def test_a_claim_long_abandoned_says_the_change_stands_and_not_to_retry(start_live_server, monkeypatch):
    import api.http.idempotency

    server = start_live_server("sqlite", DOCSPLANE_WRITE_WAIT_TIMEOUT="0.2")
    alice = server.token("alice")
    assert_json(server.post(PROJECTS, alice, json=project_body("Dropped")), 201)
    path = "/api/v3/projects/dropped/builds/"
    claim = server.docsplane.idempotency.claim("alice", "dropped", "POST", path, f"POST\n{path}\n\n{{}}".encode())
    with claiming(claim):
        server.docsplane.builds.trigger_build("alice", "dropped")
    monkeypatch.setattr(api.http.idempotency, "ABANDONED", timedelta(0))  # as if minutes had passed
    head = server.log_head()

    response = server.post(path, alice, json={}, **keyed("dropped"))

    body = assert_error(response, 409)
    assert "Retry-After" not in response.headers and server.log_head() == head
    assert "interrupted after its change was recorded" in body["message"] and "will not write it again" in body["message"]


def test_the_openapi_document_offers_the_header_on_every_post(live_server):
    document = assert_json(live_server.get("/api/v3/openapi.json"), 200)
    posts = [operation for item in document["paths"].values() for method, operation in item.items() if method == "post"]
    assert len(posts) >= 12
    for operation in posts:
        assert {"$ref": "#/components/parameters/Idempotency-Key"} in operation["parameters"]
    assert document["components"]["parameters"]["Idempotency-Key"]["in"] == "header"
