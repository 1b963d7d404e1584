"""Webhook delivery: build events → the webhook worker → signed POSTs to a real HTTP receiver, each
attempt recorded as an event and projected; on each storage backend.

The worker is driven step by step here (its follower, then its retry step), as its loop does."""

from __future__ import annotations

import time
from uuid import UUID

import pytest
from integration_support import event_log, project_settings, topic_name
from webhook_receiver import Receiver

from docsplane.bootstrap import build
from workers.following.log_follower import Logged
from workers.webhooks.worker import WebhookDeliverer

SECRET = "the-webhook-secret"
TINY = {"DOCSPLANE_WEBHOOK_BACKOFF": "0.02", "DOCSPLANE_WEBHOOK_ATTEMPTS": "3", "DOCSPLANE_WEBHOOK_TIMEOUT": "2",
        "DOCSPLANE_PUBLIC_URL": "https://docs.example"}


@pytest.fixture
def settings(backend, make_settings):
    return make_settings(backend, **TINY)


@pytest.fixture
def slow_settings(backend, make_settings):
    """Retries due only after 0.5 s: long enough to look at the first attempt before the second."""
    return make_settings(backend, **{**TINY, "DOCSPLANE_WEBHOOK_BACKOFF": "0.5"})


def with_project(settings):
    made = build(settings)
    made.projects.import_project("alice", project_settings("Docs"))
    made.catch_up()
    return made


@pytest.fixture
def container(settings):
    made = with_project(settings)
    yield made
    made.close()


@pytest.fixture
def slow_container(slow_settings):
    made = with_project(slow_settings)
    yield made
    made.close()


@pytest.fixture
def receiver():
    made = Receiver()
    yield made
    made.close()


def webhook(container, url: str, events: list[str]) -> int:
    number = container.notifications.create_webhook("alice", "docs", url, events, SECRET).value.id
    container.catch_up()
    return number


def deliver(container, deliverer: WebhookDeliverer, until, timeout: float = 10.0) -> None:
    """Run the worker's steps (and the projector) until `until()` holds."""
    deadline = time.monotonic() + timeout
    while True:
        container.catch_up()
        if until():
            return
        assert time.monotonic() < deadline, "the webhook worker did not get there in time"
        deliverer.follower.catch_up()
        deliverer.run_batch()
        time.sleep(0.01)


def attempts(container, number: int) -> list[dict]:
    project_id = container.read_model.project("docs", "alice")["aggregate_id"]
    return container.webhook_delivery_queries.attempts(project_id, number, 100, 0).results


def test_a_triggered_build_is_posted_to_its_webhook_signed_with_its_secret(container, receiver):
    number = webhook(container, receiver.url, ["build:triggered"])
    build_number = container.builds.trigger_build("alice", "docs").value
    deliverer = WebhookDeliverer(container)
    deliver(container, deliverer, lambda: len(receiver.received) == 1 and attempts(container, number))

    [request] = receiver.received
    assert request.signed_with(SECRET)
    assert not request.signed_with("another secret")
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Docsplane-Event"] == "build:triggered"
    delivery = request.headers["X-Docsplane-Delivery"]
    assert UUID(delivery)
    body = request.json
    assert body.pop("timestamp").endswith("+00:00")
    project = "https://docs.example/api/v3/projects/docs"
    assert body == {
        "event": "build:triggered",
        "project": {"slug": "docs", "url": f"{project}/"},
        "version": {"slug": "latest", "url": f"{project}/versions/latest/"},
        "build": {"id": build_number, "state": "triggered", "success": None, "error": None, "commit": None,
                  "url": f"{project}/builds/{build_number}/"},
    }
    [attempt] = attempts(container, number)
    assert (attempt["delivery_id"], attempt["attempt"], attempt["event"], attempt["build_id"]) == (delivery, 1, "build:triggered", build_number)
    assert (attempt["status_code"], attempt["error"], attempt["outcome"], attempt["next_attempt_at"]) == (200, None, "delivered", None)
    assert attempt["duration_ms"] >= 0
    recorded = [topic_name(n.topic) for n in event_log(container)]
    assert recorded[-2:] == ["WebhookDeliveryStarted", "WebhookDeliveryAttempted"]
    assert not any(SECRET in n.state.decode("utf-8", "replace") for n in event_log(container))


def test_a_failing_receiver_is_retried_with_backoff_until_it_answers(container):
    receiver = Receiver(statuses=[500, 503])
    try:
        number = webhook(container, receiver.url, ["build:triggered"])
        container.builds.trigger_build("alice", "docs")
        deliverer = WebhookDeliverer(container)
        deliver(container, deliverer, lambda: len(attempts(container, number)) == 3)
        deliver(container, deliverer, lambda: True)  # one more round: nothing more is sent
    finally:
        receiver.close()

    assert len(receiver.received) == 3
    assert len({r.headers["X-Docsplane-Delivery"] for r in receiver.received}) == 1  # one delivery, three attempts
    assert len({r.body for r in receiver.received}) == 1 and all(r.signed_with(SECRET) for r in receiver.received)
    rows = attempts(container, number)  # newest first
    assert [(r["attempt"], r["status_code"], r["outcome"]) for r in rows] == [
        (3, 200, "delivered"), (2, 503, "retrying"), (1, 500, "retrying"),
    ]
    assert [r["error"] for r in rows] == [None, "HTTP 503 Service Unavailable", "HTTP 500 Internal Server Error"]
    assert rows[2]["next_attempt_at"] < rows[1]["next_attempt_at"]


def test_a_delivery_fails_for_good_when_the_attempts_run_out(container):
    receiver = Receiver(statuses=[500, 500, 500, 500])
    try:
        number = webhook(container, receiver.url, ["build:triggered"])
        container.builds.trigger_build("alice", "docs")
        deliverer = WebhookDeliverer(container)
        deliver(container, deliverer, lambda: len(attempts(container, number)) == 3)
        time.sleep(0.1)
        deliver(container, deliverer, lambda: True)
    finally:
        receiver.close()
    assert len(receiver.received) == 3
    assert [r["outcome"] for r in attempts(container, number)] == ["failed", "retrying", "retrying"]


def test_an_unreachable_receiver_is_an_error_without_a_status(container):
    closed = Receiver()
    closed.close()  # nothing listens on its port any more
    number = webhook(container, closed.url, ["build:triggered"])
    container.builds.trigger_build("alice", "docs")
    deliver(container, WebhookDeliverer(container), lambda: attempts(container, number))
    attempt = attempts(container, number)[-1]  # the first (the retries may have begun)
    assert attempt["status_code"] is None and attempt["outcome"] == "retrying"
    assert "refused" in attempt["error"].lower()


def test_only_the_events_a_webhook_wants_are_delivered(container, receiver):
    failed_hook = webhook(container, f"{receiver.url}/failed", ["build:failed"])
    passed_hook = webhook(container, f"{receiver.url}/passed", ["build:passed"])
    container.projects.import_project("alice", project_settings("Other"))
    passing = container.builds.trigger_build("alice", "docs").value
    failing = container.builds.trigger_build("alice", "docs").value
    container.builds.trigger_build("alice", "other")  # another project's build: never this project's webhooks
    container.builds.finish_build("worker", passing, True)
    container.builds.finish_build("worker", failing, False, error="sphinx exploded")
    deliverer = WebhookDeliverer(container)
    deliver(container, deliverer, lambda: len(receiver.received) >= 2)
    deliver(container, deliverer, lambda: True)

    sent = sorted((r.path, r.json["event"], r.json["build"]["id"], r.json["build"]["success"]) for r in receiver.received)
    assert sent == [("/hook/failed", "build:failed", failing, False), ("/hook/passed", "build:passed", passing, True)]
    failed_body = next(r.json for r in receiver.received if r.path == "/hook/failed")
    assert (failed_body["build"]["state"], failed_body["build"]["error"]) == ("finished", "sphinx exploded")
    assert [a["build_id"] for a in attempts(container, failed_hook)] == [failing]
    assert [a["build_id"] for a in attempts(container, passed_hook)] == [passing]


def test_an_attempt_recorded_before_a_crash_is_not_sent_again(settings, container, receiver):
    webhook(container, receiver.url, ["build:triggered"])
    container.builds.trigger_build("alice", "docs")
    container.catch_up()
    # The first process handles the batch, then dies before saving its position.
    batch = [Logged(n.id, container.app.mapper.to_domain_event(n)) for n in event_log(container)
             if topic_name(n.topic) == "BuildTriggered"]
    WebhookDeliverer(container).deliver_events(batch)
    assert len(receiver.received) == 1

    restarted = build(settings)
    try:
        deliverer = WebhookDeliverer(restarted)
        deliver(restarted, deliverer, lambda: deliverer.follower.position == restarted.app.recorder.max_notification_id())
        assert len(receiver.received) == 1
    finally:
        restarted.close()


def test_a_pending_retry_survives_a_restart(slow_settings, slow_container):
    settings, container = slow_settings, slow_container
    receiver = Receiver(statuses=[500])
    try:
        number = webhook(container, receiver.url, ["build:triggered"])
        container.builds.trigger_build("alice", "docs")
        deliver(container, WebhookDeliverer(container), lambda: attempts(container, number))
        assert len(receiver.received) == 1

        restarted = build(settings)  # a new process: nothing in memory, the retry is in the stores
        try:
            deliver(restarted, WebhookDeliverer(restarted), lambda: len(attempts(restarted, number)) == 2)
        finally:
            restarted.close()
    finally:
        receiver.close()
    assert len(receiver.received) == 2
    assert [a["outcome"] for a in attempts(container, number)] == ["delivered", "retrying"]


def test_a_deleted_webhook_gets_no_more_attempts_and_its_deliveries_go(slow_container):
    container = slow_container
    receiver = Receiver(statuses=[500])
    try:
        number = webhook(container, receiver.url, ["build:triggered"])
        container.builds.trigger_build("alice", "docs")
        deliverer = WebhookDeliverer(container)
        deliver(container, deliverer, lambda: attempts(container, number))
        container.notifications.delete_webhook("alice", "docs", number)
        time.sleep(0.6)  # the retry is due
        deliver(container, deliverer, lambda: True)
    finally:
        receiver.close()
    assert len(receiver.received) == 1
    assert attempts(container, number) == []
    assert container.store.fetchall("SELECT id FROM webhook_deliveries") == []


def test_with_the_ssrf_guard_on_a_loopback_webhook_is_recorded_as_refused_and_never_reached(backend, make_settings, receiver):
    container = with_project(make_settings(backend, **TINY, DOCSPLANE_WEBHOOK_ALLOW_PRIVATE="false"))
    try:
        number = webhook(container, receiver.url, ["build:triggered"])
        container.builds.trigger_build("alice", "docs")
        deliver(container, WebhookDeliverer(container), lambda: len(attempts(container, number)) == 3)
        recorded = attempts(container, number)
    finally:
        container.close()

    assert receiver.received == []
    assert {a["status_code"] for a in recorded} == {None}
    assert all("127.0.0.1 resolves to 127.0.0.1, which is not a public address" in a["error"] for a in recorded), recorded
