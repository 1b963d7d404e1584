"""Webhooks over real HTTP end to end: a maintainer creates a webhook (its secret answered once) and
triggers a build; the webhook worker (a thread, as in `docsplane serve`) POSTs the signed event to a
real receiver, retries while it fails, and the attempts are listed to maintainers, newest first."""

from __future__ import annotations

import time

import pytest
from e2e_support import assert_error, assert_json, project_body
from webhook_receiver import Receiver

from workers.webhooks.worker import webhooks_loop

WEBHOOKS = "/api/v3/projects/docs/notifications/webhooks/"


@pytest.fixture
def live(backend, start_live_server):
    server = start_live_server(backend, DOCSPLANE_WEBHOOK_BACKOFF="0.05", DOCSPLANE_WEBHOOK_ATTEMPTS="4",
                               DOCSPLANE_WEBHOOK_TIMEOUT="2")
    loop = webhooks_loop(server.docsplane)
    server.docsplane.app.listeners.append(lambda recordings: loop.wake.set())
    thread = loop.start_thread()
    yield server
    loop.request_stop()
    thread.join(timeout=10)


@pytest.fixture
def receiver():
    made = Receiver(statuses=[500, 502])  # fails twice, then answers 200
    yield made
    made.close()


def deliveries(live, token, path: str, count: int, timeout: float = 15.0) -> dict:
    """The deliveries list once it shows `count` attempts."""
    deadline = time.monotonic() + timeout
    while True:
        page = assert_json(live.get(path, token), 200)
        if page["count"] >= count or time.monotonic() > deadline:
            return page
        time.sleep(0.05)


def test_a_build_event_is_delivered_signed_retried_and_its_attempts_listed(live, receiver):
    alice, bob = live.token("alice"), live.token("bob")
    assert_json(live.post("/api/v3/projects/", alice, json=project_body("Docs")), 201)
    created = assert_json(live.post(WEBHOOKS, alice, json={"url": receiver.url, "events": ["build:triggered"]}), 201)
    build = assert_json(live.post("/api/v3/projects/docs/builds/", alice, json={}), 201)["build"]

    sent = receiver.wait_for(3)
    assert all(r.signed_with(created["secret"]) for r in sent)
    assert {r.headers["X-Docsplane-Event"] for r in sent} == {"build:triggered"}
    assert len({r.headers["X-Docsplane-Delivery"] for r in sent}) == 1
    assert sent[0].json["build"]["id"] == build["id"]
    assert sent[0].json["build"]["url"] == "http://127.0.0.1:8000" + f"/api/v3/projects/docs/builds/{build['id']}/"

    path = f"{WEBHOOKS}{created['id']}/deliveries/"
    page = deliveries(live, alice, path, 3)
    assert (page["count"], page["previous"]) == (3, None)
    assert [(a["attempt"], a["status_code"], a["outcome"]) for a in page["results"]] == [
        (3, 200, "delivered"), (2, 502, "retrying"), (1, 500, "retrying"),
    ]
    newest, _, oldest = page["results"]
    assert set(newest) == {"delivery", "attempt", "event", "build", "status_code", "error", "duration", "outcome",
                           "next_attempt", "created", "_links"}
    assert newest["delivery"] == sent[0].headers["X-Docsplane-Delivery"]
    assert (newest["event"], newest["build"], newest["error"], newest["next_attempt"]) == ("build:triggered", build["id"], None, None)
    assert oldest["error"] == "HTTP 500 Internal Server Error" and oldest["next_attempt"] is not None
    assert isinstance(newest["duration"], float) and newest["created"].endswith("Z")
    assert newest["_links"] == {
        "webhook": f"{live.url}{WEBHOOKS}{created['id']}/",
        "build": f"{live.url}/api/v3/projects/docs/builds/{build['id']}/",
        "project": f"{live.url}/api/v3/projects/docs/",
    }
    assert "secret" not in live.get(path, alice).text

    # Paginated as every list; an ETag like every GET.
    first = assert_json(live.get(f"{path}?limit=2", alice), 200)
    assert [a["attempt"] for a in first["results"]] == [3, 2]
    assert [a["attempt"] for a in assert_json(live.get(first["next"], alice), 200)["results"]] == [1]
    etag = live.get(path, alice).headers["ETag"]
    assert live.get(path, alice, headers={"If-None-Match": etag}).status_code == 304

    # As private as the webhook: maintainers only; unknown webhooks are 404.
    assert_error(live.get(path, bob), 403)
    assert_error(live.get(path), 401)
    assert_error(live.get(f"{WEBHOOKS}{created['id'] + 1000}/deliveries/", alice), 404)
    assert_json(live.post("/api/v3/projects/", bob, json=project_body("Bobs")), 201)
    assert_error(live.get(f"/api/v3/projects/bobs/notifications/webhooks/{created['id']}/deliveries/", bob), 404)


def test_events_a_webhook_does_not_want_are_not_delivered(live):
    receiver = Receiver()
    try:
        alice = live.token("alice")
        assert_json(live.post("/api/v3/projects/", alice, json=project_body("Docs")), 201)
        created = assert_json(live.post(WEBHOOKS, alice, json={"url": receiver.url, "events": ["build:failed"]}), 201)
        build = assert_json(live.post("/api/v3/projects/docs/builds/", alice, json={}), 201)["build"]
        live.docsplane.builds.finish_build("worker", build["id"], False, error="sphinx exploded")  # as a build worker does

        # Events are handled in log order: once the failure arrived, the trigger was long passed over.
        [failed] = receiver.wait_for(1)
        assert (failed.json["event"], failed.json["build"]["error"]) == ("build:failed", "sphinx exploded")
        page = deliveries(live, alice, f"{WEBHOOKS}{created['id']}/deliveries/", 1)
        assert [(a["event"], a["outcome"]) for a in page["results"]] == [("build:failed", "delivered")]
        assert len(receiver.received) == 1
    finally:
        receiver.close()
