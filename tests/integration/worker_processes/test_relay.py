"""The AMQP relay against the real RabbitMQ: every event reaches a consumer, in order, without
secrets; nothing is lost while the broker is away, nor when the relay dies before saving its position."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pika
import pytest
from amqp_support import BrokerProxy, EventConsumer, unique_name
from integration_support import event_log, populate, project_settings, topic_name

from domain.events.secret_fields import is_secret
from workers.following.loop import SupervisedLoop
from workers.relay import Relay


@pytest.fixture
def exchange(amqp_url):
    return unique_name("events")


@pytest.fixture
def consumer(amqp_url, exchange):
    consumer = EventConsumer(amqp_url, exchange)
    yield consumer
    consumer.close()


def received_all(container):
    head = event_log(container)[-1].id
    return lambda received: received and received[-1][1]["id"] >= head


def secret_keys(value) -> list[str]:
    if isinstance(value, dict):
        return [k for k in value if is_secret(k)] + [k for v in value.values() for k in secret_keys(v)]
    if isinstance(value, list):
        return [k for v in value for k in secret_keys(v)]
    return []


def test_every_event_reaches_a_consumer_in_order_without_secrets(docsplane, amqp_url, exchange, consumer):
    populate(docsplane)
    created = docsplane.notifications.create_webhook("alice", "beta-docs", "https://hooks.example/b", ["build:failed"],
                                                     secret="hook-secret-value").value
    relay = Relay(docsplane.app, docsplane.store, amqp_url, exchange, batch_size=7)  # several batches

    relay.follower.catch_up()

    log = event_log(docsplane)
    received = consumer.until(received_all(docsplane))
    assert [body["id"] for _, body, _ in received] == [n.id for n in log]
    assert relay.follower.position == log[-1].id
    for (key, body, properties), notification in zip(received, log):
        event = docsplane.app.mapper.to_domain_event(notification)
        assert body["type"] == topic_name(notification.topic)
        assert body["aggregate_id"] == str(notification.originator_id)
        assert body["aggregate_version"] == notification.originator_version
        assert body["timestamp"] == event.timestamp.isoformat()
        assert body["actor"] == getattr(event, "actor", None)
        assert key == f"{body['aggregate']}.{body['project'] or '-'}.{body['type']}"
        assert properties.delivery_mode == 2 and properties.content_type == "application/json"
        assert properties.message_id == str(body["id"])
        assert secret_keys(body) == [], key
    raw = json.dumps([body for _, body, _ in received])
    for secret in ("s3cret", "rotated", "hook-secret-value", created.secret):
        assert secret not in raw

    by_key = {key: body for key, body, _ in received}
    imported = by_key["project.alpha-docs.ProjectImported"]
    assert imported["actor"] == "alice" and imported["payload"]["name"] == "Alpha Docs"
    # Later events name no project themselves: the relay still routes them by their aggregate's project.
    assert by_key["build.alpha-docs.BuildFinished"]["payload"]["success"] is False  # the last one, b2
    assert "project.alpha-docs.ProjectUpdated" in by_key and "version.beta-docs.VersionUpdated" in by_key
    assert "user.-.UserCreated" in by_key and "environmentvariable.alpha-docs.EnvironmentVariableDeleted" in by_key
    assert "webhook.alpha-docs.WebhookUpdated" in by_key


def test_the_exchange_is_a_durable_topic_exchange(docsplane, amqp_url, exchange, consumer):
    docsplane.users.create_user("alice")
    Relay(docsplane.app, docsplane.store, amqp_url, exchange).follower.catch_up()
    channel = pika.BlockingConnection(pika.URLParameters(amqp_url)).channel()
    with pytest.raises(pika.exceptions.ChannelClosedByBroker, match="durable"):
        channel.exchange_declare(exchange, exchange_type="topic", durable=False)
    channel.connection.close()


def test_writes_go_on_while_the_broker_is_away_and_none_is_lost(docsplane, exchange, consumer):
    broker = BrokerProxy()  # down: the relay's port is closed
    relay = Relay(docsplane.app, docsplane.store, broker.url(), exchange, batch_size=5)
    loop = SupervisedLoop("relay", [relay], poll_interval=0.02, max_backoff=0.2)
    docsplane.app.listeners.append(lambda recordings: loop.wake.set())
    loop.start_thread()
    try:
        docsplane.users.create_user("alice")
        docsplane.projects.import_project("alice", project_settings("Away"))
        wait_for(lambda: loop.last_error is not None)
        assert relay.follower.position == 0

        broker.up()
        consumer.until(received_all(docsplane))

        broker.down()  # it goes away again, mid-connection
        for n in range(6):
            docsplane.projects.update_project("alice", "away", {"tags": [f"t{n}"]})
        wait_for(lambda: loop.last_error is not None)
        broker.up()
        consumer.until(received_all(docsplane))
    finally:
        loop.request_stop()
        broker.down()
    ids = consumer.ids()
    assert sorted(set(ids)) == [n.id for n in event_log(docsplane)]
    assert list(dict.fromkeys(ids)) == sorted(set(ids))  # first deliveries in log order
    # A batch whose confirms the broker's going away lost is re-sent whole: a repeat goes back at most
    # one batch (batch_size=5), never past an event of a later batch.
    assert all(max(ids[:i], default=0) < x + 5 for i, x in enumerate(ids))


def test_a_relay_dying_after_publishing_but_before_saving_its_position_publishes_again(
    docsplane, amqp_url, exchange, consumer,
):
    populate(docsplane)
    dying = Relay(docsplane.app, docsplane.store, amqp_url, exchange, batch_size=10)

    def publish_then_die(batch):
        dying.publish(batch)  # confirmed by the broker ...
        raise SystemExit("killed")  # ... and gone before the position is saved

    dying.follower.handle = publish_then_die
    with pytest.raises(SystemExit):
        dying.run_batch()
    dying.close()
    assert dying.follower.position == 0
    consumer.until(lambda received: len(received) == 10)

    Relay(docsplane.app, docsplane.store, amqp_url, exchange, batch_size=10).follower.catch_up()

    received = consumer.until(received_all(docsplane))
    log_ids = [n.id for n in event_log(docsplane)]
    assert consumer.ids() == log_ids[:10] + log_ids  # the first batch twice, nothing skipped
    assert_in_order_per_aggregate(received)


def test_a_relay_process_killed_mid_stream_resumes_without_a_gap(make_settings, open_docsplane, amqp_url, exchange, consumer):
    settings = make_settings("sqlite", DOCSPLANE_AMQP_URL=amqp_url, DOCSPLANE_EVENTS_EXCHANGE=exchange)
    container = open_docsplane(settings)
    populate(container)
    for n in range(300):
        container.projects.update_project("alice", "alpha-docs", {"tags": [f"t{n}"]})
    log_ids = [n.id for n in event_log(container)]

    relay = start_relay_process(settings)
    try:
        consumer.until(lambda received: len(received) >= 1)
    finally:
        relay.send_signal(signal.SIGKILL)
        relay.wait(10)
    position = container.store.fetchone("SELECT position FROM follower_positions WHERE name = 'relay'")["position"]
    assert position < log_ids[-1], "the relay finished before it was killed: kill it sooner"

    relay = start_relay_process(settings)
    try:
        received = consumer.until(received_all(container), timeout=30)
    finally:
        relay.terminate()
        assert relay.wait(10) == 0  # SIGTERM: a clean stop

    ids = consumer.ids()
    assert sorted(set(ids)) == log_ids
    assert_in_order_per_aggregate(received)


def start_relay_process(settings) -> subprocess.Popen:
    script = Path(sys.executable).parent / "docsplane"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "docsplane.cli"]
    env = {**os.environ, **settings.as_environ()}
    return subprocess.Popen([*command, "relay"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def assert_in_order_per_aggregate(received) -> None:
    """Seen for the first time, each aggregate's events come in version order, from version 1."""
    versions = defaultdict(list)
    seen = set()
    for _, body, _ in received:
        if body["id"] not in seen:
            seen.add(body["id"])
            versions[body["aggregate_id"]].append(body["aggregate_version"])
    for aggregate_id, numbers in versions.items():
        assert numbers == list(range(1, len(numbers) + 1)), aggregate_id


def wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)
